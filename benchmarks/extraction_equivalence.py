"""Does a speed change keep extraction's output? Real pages through two checkouts, every field compared.

    .venv/bin/python benchmarks/extraction_equivalence.py --before /work/main            # all 954 dev pages
    .venv/bin/python benchmarks/extraction_equivalence.py --before /work/main --pages 200

Each page of the development set (../shared/eval, unpacked into the git-ignored benchmarks/corpus/) goes
through `extract_document` twice, without an address (as a file) and under a made-up news address (which
feeds the date and canonical-URL searches), and each article through the features the workers compute
(dedup signature, term weights). Each checkout runs in a child process of this interpreter with its own
src/ first on the path. Any article, rejection or feature that differs is printed; exits 1 when one does.
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "benchmarks" / "corpus" / "dragnet-dev" / "html"


def outcomes(pages: int | None) -> tuple[list[tuple[str, object, object]], float]:
    """(page and address, outcome, features) for each page, in the importing checkout; the CPU seconds they
    took (after imports and a first page, which loads models)."""
    from newsingest.article_features import FeatureMaker
    from newsingest.dedup.signatures import SignatureSettings
    from newsingest.extract import ExtractSettings, extract_document
    from newsingest.records import Article, RawDocument
    from newsingest.stories.features import FeatureSettings

    settings, features = ExtractSettings(), FeatureMaker(SignatureSettings(), FeatureSettings())
    results, started = [], 0.0
    for path in sorted(PAGES.glob("*.html"))[:pages]:
        for url in (None, f"https://news.example.com/2012/07/24/{path.stem}.html"):
            raw = RawDocument(origin=str(path), url=url, content_type="text/html", body=path.read_bytes())
            outcome = extract_document(raw, settings)
            results.append((f"{path.stem} {url}", outcome, features(outcome) if isinstance(outcome, Article) else None))
            started = started or time.process_time()
    return results, time.process_time() - started


def run_checkout(checkout: Path, pages: int | None, out: Path) -> float:
    """The checkout's outcomes pickled into `out`; its CPU seconds."""
    env = dict(os.environ, PYTHONPATH=str(checkout / "src"))
    command = [sys.executable, __file__, "--dump", str(out)] + ([] if pages is None else ["--pages", str(pages)])
    run = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return float(run.stdout.strip().splitlines()[-1])


def differences(before: list, after: list) -> list[str]:
    found = []
    for (key, outcome_b, features_b), (_, outcome_a, features_a) in zip(before, after, strict=True):
        if outcome_b != outcome_a:
            fields = [name for name in getattr(outcome_b, "__dataclass_fields__", {})
                      if getattr(outcome_b, name, None) != getattr(outcome_a, name, None)]
            found.append(f"{key}: outcome differs in {fields or type(outcome_a).__name__}")
        elif pickle.dumps(features_b) != pickle.dumps(features_a):
            found.append(f"{key}: features differ")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="the other checkout (e.g. /work/main)")
    parser.add_argument("--pages", type=int, default=None, help="pages of the dev set (default: all 954)")
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        results, cpu = outcomes(args.pages)
        args.dump.write_bytes(pickle.dumps(results))
        print(cpu)
        return
    with tempfile.TemporaryDirectory(prefix="newsingest-equivalence-") as tmp:
        before_cpu = run_checkout(args.before.resolve(), args.pages, Path(tmp) / "before.pkl")
        after_cpu = run_checkout(ROOT, args.pages, Path(tmp) / "after.pkl")
        before = pickle.loads((Path(tmp) / "before.pkl").read_bytes())
        after = pickle.loads((Path(tmp) / "after.pkl").read_bytes())
    found = differences(before, after)
    print("\n".join(found))
    print(f"{len(after)} extractions ({len(after) // 2} pages, without and with an address): {len(found)} differ; "
          f"CPU {before_cpu:.1f} s before ({args.before}), {after_cpu:.1f} s after (this checkout), "
          f"ratio {before_cpu / after_cpu:.2f}x")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
