"""Imported by the extraction workers' forkserver (newsingest.worker_server.PRELOAD), never by other code.

Importing it readies the process every worker is forked from:
- One article goes through extraction and features with the default settings, so what they load on first
  use (py3langid's model, from an uncompressed copy: extract/language_model.py; trafilatura's tables) is
  loaded once, here. Each worker still extracts the same article with its run's settings before its limits
  apply (workers._serve); that now takes milliseconds.
- A worker runs library code only, yet multiprocessing would first run the parent's main module in it
  again: the `newsingest` console script imports the CLI (typer, rich, duckdb: ~0.4 s and ~36 MB per
  worker), flows/ingest.py imports Prefect (~94 MB per worker). This process serves extraction workers
  only, so its children skip that step.
"""

import signal
from multiprocessing import spawn

from newsingest.article_features import FeatureMaker
from newsingest.dedup.signatures import SignatureSettings
from newsingest.extract import ExtractSettings
from newsingest.extract.language_model import use_cached_model
from newsingest.extract.workers import WARM_UP, ExtractLimits, _extract_one
from newsingest.stopping import STOP_SIGNALS
from newsingest.stories.features import FeatureSettings

# The run handles Ctrl-C and SIGTERM (StopOnSignal); the forkserver, in the run's process group (which a
# terminal or a Prefect worker may signal whole) and warming up during the run's first seconds, would die of
# them (multiprocessing's forkserver ignores SIGINT only once its preload is done, SIGTERM never).
for number in STOP_SIGNALS:
    signal.signal(number, signal.SIG_IGN)
use_cached_model()  # py3langid's model without decompressing it (half of this warm-up's CPU)
_extract_one(WARM_UP, ExtractSettings(), ExtractLimits().memory_mb,
             FeatureMaker(SignatureSettings(), FeatureSettings()))
spawn._fixup_main_from_path = spawn._fixup_main_from_name = lambda main: None
