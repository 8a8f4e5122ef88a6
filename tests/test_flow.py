"""The ingest flow through a real (ephemeral, test-harness) Prefect API."""

import duckdb
import pytest
from prefect.client.orchestration import get_client
from prefect.testing.utilities import prefect_test_harness

from flows.ingest import ingest_flow

from conftest import ROOT


@pytest.fixture(scope="module")
def prefect_api():
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.mark.slow
def test_flow_lands_samples_and_publishes_summary(prefect_api, db_path):
    summary = ingest_flow(inputs=[str(ROOT / "samples")], db=str(db_path), batch_size=8, workers=1)
    assert summary.status == "completed" and summary.new > 15 and summary.rejected >= 3
    con = duckdb.connect(str(db_path), read_only=True)
    landed = con.execute("select count(*), count(distinct run_id) from articles").fetchone()
    con.close()
    assert landed == (summary.ingested, 1)

    async def artifact():
        async with get_client() as client:
            return await client.read_latest_artifacts()
    import asyncio
    artifacts = {a.key: a for a in asyncio.run(artifact())}
    assert "ingest-summary" in artifacts
    assert f"| {summary.documents_seen} |" in artifacts["ingest-summary"].data
