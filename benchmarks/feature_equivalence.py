"""Check that stories.features.term_weights gives what another revision's gave: the same terms in the
same order and the same float32 weights (as stored and compared), byte for byte.

The texts: the benchmark corpus's extracted articles, the stories, dedup and extraction fixtures, and
random strings made of the characters tokenising and name detection turn on (apostrophes, sentence ends,
whitespace runs, digits beside letters, upper-case letters of other scripts).

    .venv/bin/python benchmarks/feature_equivalence.py [--rev main] [--corpus benchmarks/corpus/html-2000-s1]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from newsingest.extract import ExtractSettings, extract_document  # noqa: E402
from newsingest.records import Article  # noqa: E402
from newsingest.stories import features  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
# Letters of several cases and scripts (titlecase ǅ, Roman numeral Ⅻ, mathematical 𝐀, dotless ı), digits,
# and every character the tokeniser or the sentence-end rule looks at.
ALPHABET = list("aZbYéÉøÖσΣǅⅫ𝐀ıİ0123456789'’.,!?:;\"“”\n \t\u00a0_%-") + ["Talca", "The", "said", " "] * 3


def reference(rev: str) -> types.ModuleType:
    """features.py of another revision, as a module of its own."""
    source = subprocess.run(["git", "show", f"{rev}:src/newsingest/stories/features.py"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout
    module = sys.modules[f"features_{rev}"] = types.ModuleType(f"features_{rev}")  # dataclasses look it up
    exec(compile(source, f"{rev}:features.py", "exec"), module.__dict__)
    return module


def fixture_texts() -> Iterator[tuple[str | None, str]]:
    for name in ("stories", "dedup"):
        for line in (FIXTURES / name / "articles.jsonl").read_text().splitlines():
            record = json.loads(line)
            yield record.get("title"), record["text"]
    for truth in json.loads((FIXTURES / "extraction" / "ground_truth.json").read_text()).values():
        yield truth.get("title"), truth.get("articleBody") or ""


def corpus_texts(folder: Path, limit: int) -> Iterator[tuple[str | None, str]]:
    from run import load_documents

    for outcome in (extract_document(doc, ExtractSettings()) for doc in load_documents(folder, limit=limit)):
        if isinstance(outcome, Article):
            yield outcome.title, outcome.text


def random_texts(count: int, seed: int = 7) -> Iterator[tuple[str | None, str]]:
    rng = random.Random(seed)
    for _ in range(count):
        def text() -> str:
            return "".join(rng.choices(ALPHABET, k=rng.randrange(0, 160)))
        yield (text() if rng.random() < 0.7 else None), text()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", default="main", help="git revision whose term_weights is the reference")
    parser.add_argument("--corpus", type=Path, default=ROOT / "benchmarks" / "corpus" / "html-2000-s1")
    parser.add_argument("--limit", type=int, default=2000, help="corpus documents to extract")
    parser.add_argument("--random", type=int, default=20000, help="random strings")
    args = parser.parse_args()
    old = reference(args.rev)
    sources = {"fixtures": fixture_texts(), "random": random_texts(args.random)}
    if args.corpus.exists():
        sources["corpus"] = corpus_texts(args.corpus, args.limit)
    failures = 0
    for name, texts in sources.items():
        checked = 0
        for title, text in texts:
            expected = old.pack(old.term_weights(title, text))
            got = features.term_weights(title, text)
            if tuple(got) != expected:
                failures += 1
                if failures <= 5:
                    print(f"DIFFERENT ({name}): title={title!r} text={text[:200]!r}")
            checked += 1
        print(f"{name}: {checked} texts compared")
    print("identical" if not failures else f"{failures} texts differ")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
