"""py3langid's model, read from an uncompressed copy in the user's cache folder.

py3langid ships its model xz-compressed (4.5 MB) and decompresses it (65 MB) on its first use in every
process: 0.4-0.7 s of CPU, the largest part of the extraction workers' warm-up (their forkserver,
newsingest.worker_server) and so of the fixed start-up of `newsingest ingest one.html`. Read from an
uncompressed copy, the same arrays load in ~0.07 s. The copy is written on first use, under a temporary name
then renamed (concurrent runs never read half a file); where it cannot be written or read, py3langid loads
its own model as before.
"""

from __future__ import annotations

import importlib.metadata
import lzma
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from py3langid import langid, modelio


def cache_path() -> Path:
    """$XDG_CACHE_HOME/newsingest (else ~/.cache/newsingest), one file per py3langid version."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "newsingest" / f"py3langid-{importlib.metadata.version('py3langid')}-model.npz"


def _write_uncompressed(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, delete=False) as copy:
        try:
            with lzma.open(langid.MODEL_DIR / langid.MODEL_FILE) as model:
                shutil.copyfileobj(model, copy, length=1 << 20)
            copy.close()
            os.replace(copy.name, path)
        except BaseException:
            os.unlink(copy.name)
            raise


def load_identifier(path: Path) -> langid.LanguageIdentifier:
    """py3langid's identifier from the uncompressed copy at `path` (written first if missing), as
    py3langid's own modelio.load_model builds it from the compressed file."""
    try:
        if not path.exists():
            _write_uncompressed(path)
        with np.load(path, allow_pickle=False) as data:
            return langid.LanguageIdentifier(
                data["ptc"], data["pc"], data["classes"].tolist(), modelio._to_array(data["nextmove"]),
                data["out_feat"].tolist(), tk_row=modelio._to_array(data["nextmove_row"]))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE)


def use_cached_model() -> None:
    """Make `py3langid.classify` (extract/language.py) use the identifier read from the cached copy."""
    langid.IDENTIFIER = load_identifier(cache_path())
