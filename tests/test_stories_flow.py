"""The ingest flow publishes the run's largest new and grown stories as a table artifact."""

import asyncio
import json

import pytest
from prefect.testing.utilities import prefect_test_harness

from flows.ingest import ingest_flow
from helpers import RECORDS, latest_artifacts, write_jsonl


@pytest.mark.slow
def test_flow_publishes_the_runs_largest_stories(tmp_path, db_path):
    fire = [r for r in RECORDS if r["story"] == "millbrook-ohio-chemical-plant-fire-2024-03-10"]
    with prefect_test_harness(server_startup_timeout=120):
        ingest_flow(inputs=[str(write_jsonl(tmp_path / "day1.jsonl", fire[:2]))], db=str(db_path), workers=1)
        ingest_flow(inputs=[str(write_jsonl(tmp_path / "day2.jsonl", fire[2:] + RECORDS[:3]))], db=str(db_path),
                    workers=1)
        artifact = asyncio.run(latest_artifacts())["ingest-stories"]
    table = json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data
    assert table[0]["title"] == fire[0]["title"]
    assert (table[0]["size"], table[0]["added"], table[0]["new"], table[0]["outlets"]) == (5, 3, False, 5)
    quake = next(row for row in table if row["title"] == RECORDS[0]["title"])
    assert (quake["size"], quake["added"], quake["new"]) == (2, 2, True)  # the Spanish report stays apart
    assert "grown" in artifact.description
