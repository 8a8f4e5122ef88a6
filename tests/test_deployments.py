"""prefect.yaml for real: a `prefect server` on a free local port, `prefect deploy --all`, a process worker,
and one deployment run on the samples, checked through the Prefect API."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.settings import PREFECT_API_URL, temporary_settings

from benchmarks.prefect_server import free_port, stop
from conftest import ROOT

PREFECT = str(Path(sys.executable).with_name("prefect"))
STARTUP_SECONDS = 180  # a loaded 2-core CI machine needed ~100 s
RUN_SECONDS = 300


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    # A session of its own, so stopping it by PID also stops the children it started (uvicorn, flow runs).
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def prefect_cli(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([PREFECT, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def wait_healthy(api_url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, f"prefect server exited:\n{log.read_text()}"
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"prefect server not healthy after {STARTUP_SECONDS}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A real server with its own PREFECT_HOME; the scheduler is off so no cron run fires during the test."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    env = os.environ | {
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_UI_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "NEWSINGEST_HOME": str(ROOT),
    }
    log = home / "server.log"
    server = start([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env, log)
    try:
        wait_healthy(env["PREFECT_API_URL"], server, log)
        yield env
    finally:
        stop(server)


@pytest.fixture(scope="module")
def worker(prefect_server) -> Iterator[subprocess.Popen]:
    env = prefect_server
    prefect_cli("work-pool", "create", "newsingest-process", "--type", "process", env=env)
    prefect_cli("--no-prompt", "deploy", "--all", env=env)
    log = Path(env["PREFECT_HOME"]) / "worker.log"
    process = start([PREFECT, "worker", "start", "--pool", "newsingest-process", "--type", "process"], env, log)
    try:
        yield process
    finally:
        stop(process)


async def deployments(api_url: str) -> dict[str, object]:
    with temporary_settings({PREFECT_API_URL: api_url}):
        async with get_client() as client:
            return {d.name: d for d in await client.read_deployments()}


async def run_and_wait(api_url: str, name: str, parameters: dict) -> tuple[object, dict[str, object]]:
    """Create a run of a deployment, wait until the worker has finished it, return it and its artifacts."""
    with temporary_settings({PREFECT_API_URL: api_url}):
        async with get_client() as client:
            deployment = await client.read_deployment_by_name(name)
            flow_run = await client.create_flow_run_from_deployment(deployment.id, parameters=parameters)
            deadline = time.monotonic() + RUN_SECONDS
            while not (flow_run := await client.read_flow_run(flow_run.id)).state.is_final():
                assert time.monotonic() < deadline, f"{name} still {flow_run.state.name} after {RUN_SECONDS}s"
                await asyncio.sleep(1)
            artifacts = await client.read_artifacts(
                artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run.id])))
            return flow_run, {a.key: a for a in artifacts if a.key}


@pytest.mark.slow
def test_every_deployment_in_prefect_yaml_deploys_with_its_schedule(prefect_server, worker):
    found = asyncio.run(deployments(prefect_server["PREFECT_API_URL"]))
    assert set(found) == {"ingest-feeds", "ingest-backfill", "reprocess", "export-parquet"}
    assert [s.schedule.cron for s in found["ingest-feeds"].schedules] == ["*/15 * * * *"]
    assert found["export-parquet"].schedules and not found["ingest-backfill"].schedules
    assert found["ingest-feeds"].work_pool_name == "newsingest-process"
    # The backfill's parameters are one pydantic model: the UI renders its fields as a form.
    request = found["ingest-backfill"].parameter_openapi_schema["definitions"]["BackfillRequest"]["properties"]
    assert {"inputs", "published_from", "published_to", "batch_size"} <= set(request)


@pytest.mark.slow
def test_a_backfill_runs_on_a_process_worker_and_publishes_its_artifacts(prefect_server, worker, tmp_path):
    db = tmp_path / "news.duckdb"
    flow_run, artifacts = asyncio.run(run_and_wait(
        prefect_server["PREFECT_API_URL"], "ingest-backfill/ingest-backfill",
        {"request": {"inputs": [str(ROOT / "samples")], "db": str(db), "batch_size": 8, "workers": 1}}))
    logs = (Path(prefect_server["PREFECT_HOME"]) / "worker.log").read_text()
    assert flow_run.state.is_completed(), f"{flow_run.state}\n{logs[-4000:]}"
    assert flow_run.name.startswith("ingest-backfill/")
    assert {"ingest-backfill-summary", "ingest-backfill-duplicates", "ingest-backfill-rejections",
            "ingest-backfill-progress"} <= set(artifacts)
    assert "Ingested, by source" in artifacts["ingest-backfill-summary"].data
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from articles").fetchone()[0] > 15
    con.close()
