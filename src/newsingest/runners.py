"""Where extraction runs: in this machine's guarded worker processes, or on Dask workers (scale out).

`runner` is a setting of the ingest flow (and `--runner` of flows/ingest.py):
- `local` (default): the flow's own task runner; each batch is extracted by IngestRun's guarded worker
  processes (per-document time and memory limits);
- `dask`: Prefect's DaskTaskRunner on a LocalCluster started for the run (one single-threaded worker
  process per `workers`: extraction is pure-Python CPU work, which threads would serialise);
- `tcp://HOST:8786` (or `tls://`): the scheduler of an existing Dask cluster.

On Dask, a batch is cut into parts of `DASK_PART` documents; each part is one task run that extracts and
computes the articles' features on a worker (`extract_with_features`). Only picklable records travel: raw
documents and settings out, articles, rejections, features and the raw archive's compressed bytes back. The
run itself (warehouse, writer lock, dedup memory) stays in the flow's process, which deduplicates and lands in
input order, so the results are those of a local run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from newsingest.article_features import FeatureMaker
from newsingest.extract import ExtractSettings
from newsingest.extract.workers import ExtractLimits, _extract_one
from newsingest.pipeline import DEFAULT_BATCH_SIZE, ExtractResult
from newsingest.records import RawDocument

if TYPE_CHECKING:
    from prefect_dask import DaskTaskRunner

LOCAL = "local"
DASK_LOCAL_CLUSTER = "dask"
# Documents per Dask task: 8 tasks per default batch keep 8 worker threads busy, and one task's overhead (a
# task run reported to the Prefect API) stays small against a part's extractions (64 in a batch of 512).
DASK_PART = DEFAULT_BATCH_SIZE // 8


def dask_task_runner(runner: str, workers: int) -> DaskTaskRunner | None:
    """The Dask task runner a `runner` setting names; None for `local`."""
    if runner == LOCAL:
        return None
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:
        raise ValueError(f"the {runner!r} task runner needs the scale-out packages: "
                         ".tools/bin/uv sync --group scale-out") from exc
    from prefect.client.orchestration import get_client

    if runner == DASK_LOCAL_CLUSTER:
        # The workers report their task runs to this process's API; without its address, each worker
        # process would start an ephemeral Prefect server of its own when the flow runs without a server.
        with get_client(sync_client=True) as client:
            api = {"PREFECT_API_URL": str(client.api_url)}
        return DaskTaskRunner(cluster_kwargs={"n_workers": max(1, workers), "threads_per_worker": 1,
                                              "processes": True, "host": "127.0.0.1", "env": api,
                                              "dashboard_address": None})
    if runner.startswith(("tcp://", "tls://")):
        return DaskTaskRunner(address=runner)
    raise ValueError(f"unknown task runner {runner!r}: use 'local', 'dask' or a scheduler address tcp://HOST:PORT")


def extract_with_features(raws: list[RawDocument], settings: ExtractSettings, features: FeatureMaker,
                          archive: bool) -> ExtractResult:
    """What a Dask worker does with a part of a batch: extract every document here (a failing document
    becomes a Rejection, as in the guarded workers) with the features of each article and, when the run
    archives its inputs (`archive`), each document as the raw archive keeps it."""
    return ExtractResult.from_annotated([_extract_one(raw, settings, ExtractLimits().memory_mb, features, archive)
                                         for raw in raws])


def parts(raws: list[RawDocument], size: int = DASK_PART) -> list[list[RawDocument]]:
    return [raws[start:start + size] for start in range(0, len(raws), size)]


def joined(results: Sequence[ExtractResult]) -> ExtractResult:
    """The parts' results as the batch's, in input order."""
    return ExtractResult(articles=[a for r in results for a in r.articles],
                         rejections=[r for result in results for r in result.rejections],
                         features=[f for r in results for f in r.features or ()],
                         archived=[a for r in results for a in r.archived])
