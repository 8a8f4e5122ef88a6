"""datatrove's side of benchmarks/peer.py, run by the python of its own virtualenv (datatrove is not a
dependency of newsingest, and its trafilatura pin differs from ours).

    python peer_datatrove.py extract|minhash SHARDS_DIR WORK_DIR TASKS

`extract`: JsonlReader -> Trafilatura -> JsonlWriter. `minhash`: the same, then datatrove's four MinHash
stages (signatures, buckets, clusters, filter), as its own minhash_deduplication example wires them. Prints
one JSON line: documents extracted, kept after deduplication, and so the duplicates removed.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import MinhashDedupCluster, MinhashDedupFilter, MinhashDedupSignature
from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupBuckets
from datatrove.pipeline.extractors import Trafilatura
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter


def run(steps: list, tasks: int, work: Path, name: str, workers: int | None = None) -> None:
    LocalPipelineExecutor(pipeline=steps, tasks=tasks, workers=workers or tasks,
                          logging_dir=str(work / "logs" / name)).run()


def count_documents(folder: Path) -> int:
    return sum(sum(1 for _ in gzip.open(path, "rt")) for path in folder.glob("*.jsonl.gz"))


def main() -> None:
    mode, shards, work, tasks = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
    extracted = work / "extracted"
    # deduplicate=False: datatrove's default shares trafilatura's cache across pages, which empties later
    # copies of a page (222 of 1,810 in the measurement) instead of extracting them. The timeout is
    # newsingest's per-document limit: datatrove's 1 s default skipped half the pages of a loaded machine.
    extract = [JsonlReader(str(shards)), Trafilatura(favour_precision=True, deduplicate=False, timeout=60),
               JsonlWriter(str(extracted))]
    if mode == "extract":
        run(extract, tasks, work, "extract")
        print(json.dumps({"extracted": count_documents(extracted)}))
        return
    config = MinhashConfig()
    run(extract + [MinhashDedupSignature(output_folder=str(work / "signatures"), config=config)], tasks, work,
        "signatures")
    run([MinhashDedupBuckets(input_folder=str(work / "signatures"), output_folder=str(work / "buckets"),
                             config=config)], config.num_buckets, work, "buckets", workers=tasks)
    run([MinhashDedupCluster(input_folder=str(work / "buckets"), output_folder=str(work / "remove_ids"),
                             config=config)], 1, work, "clusters")
    run([JsonlReader(str(extracted)), MinhashDedupFilter(input_folder=str(work / "remove_ids")),
         JsonlWriter(str(work / "deduplicated"))], tasks, work, "filter")
    total, kept = count_documents(extracted), count_documents(work / "deduplicated")
    print(json.dumps({"extracted": total, "kept": kept, "duplicates": total - kept}))


if __name__ == "__main__":
    main()
