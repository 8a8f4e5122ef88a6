"""The process every extraction worker is forked from (multiprocessing's forkserver), started early and warm.

A worker needs trafilatura and py3langid's model, which loads on the first text it classifies (datasketch
and scipy too, until signatures stopped importing them: dedup/signatures.py MinHashValues). Imported and
loaded in each worker after the run had migrated the warehouse, they made most of the fixed start-up of
`newsingest ingest one.html` (benchmarks/startup.py). The forkserver does it once, in the background:
`start()` launches it as soon as a run begins (the CLI: before importing the pipeline), it imports `warm_up`
(one article through extraction and features), and every worker is a fork of that warm process.
"""

from __future__ import annotations

from multiprocessing import forkserver, get_context
from multiprocessing.context import BaseContext

# Imported by the forkserver before it forks any worker: `warm_up` imports the workers' code and runs it.
PRELOAD = ["newsingest.extract.warm_up"]


def worker_context() -> BaseContext:
    """forkserver, not fork: the parent may run threads (Prefect)."""
    context = get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start() -> None:
    """Launch the forkserver now, if it is not running yet; it imports and warms up while this process goes on
    (the first worker started waits for it)."""
    worker_context()
    forkserver.ensure_running()
