"""A near-duplicate development set made from real article text: the 954 hand-marked bodies of
../shared/eval/dragnet-dev.tar.xz, altered the ways syndicated copies are, plus hard negatives.

Seeded and deterministic; written into a git-ignored folder at run time (the data may not be committed):

    python benchmarks/dedup_devset.py            # -> benchmarks/corpus/dedup-dev/articles.jsonl
    python benchmarks/dedup_quality.py --input benchmarks/corpus/dedup-dev/articles.jsonl

Records are those benchmarks/dedup_quality.py reads: `id`, `text`, `cluster`, `variant`, `published_at`.
Two of every three bodies of MIN_WORDS words or more are `original`s; each gets one copy of the next
kind in turn, and every third a second copy of another kind. Hard negatives (`negative:<kind>`) are
clusters of their own, made from an original and a *host* (a body kept out of the set):
  - `template`: two short items in the original's opening wording, each with other figures and names
    (as stock briefs and sports results are), each a cluster of its own;
  - `quote`: another article that quotes one long paragraph (under a fifth) of the original;
  - `same_event`: another outlet's story of the same event: the original's names and figures in another
    article's wording, with one of the original's sentences as a quote.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tarfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
ARCHIVE = Path(__file__).parent.parent.parent / "shared" / "eval" / "dragnet-dev.tar.xz"
SEED = 20261206
MIN_WORDS = 80
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+(?: [A-Z][a-z]+)*")
WORDS = re.compile(r"\S+")

HEADLINES = ["UPDATE 2-", "EXCLUSIVE: ", "Breaking: ", "", "REFILE-"]
BYLINES = ["By Staff and wire reports", "From Reuters", "Associated Press", "By our correspondent",
           "By Anna Keller, Wire Service"]
FOOTERS = ["Copyright 2012 The Associated Press. All rights reserved. This material may not be published, "
           "broadcast, rewritten or redistributed.",
           "(Reporting by John Smith; Editing by Mary Jones)",
           "Follow us on Twitter and Facebook for more stories like this one.",
           "This story was provided by a wire service and has not been edited by our newsroom."]
BOILERPLATE = ["Share this article", "Tweet", "Email", "Print", "Related stories",
               "Sign up for our daily newsletter and get the top headlines in your inbox every morning.",
               "We use cookies to improve your experience. By continuing you accept our cookie policy.",
               "Advertisement", "Most read", "Home | News | Sport | Business | Opinion | Contact us",
               "Comments are closed.", "Read more:", "Click here to subscribe"]
# OCR and retyping confusions: letters that scanners and typists mix up
CONFUSIONS = [("rn", "m"), ("m", "rn"), ("l", "1"), ("e", "c"), ("o", "0"), ("i", "l"), ("cl", "d"),
              ("h", "b"), ("u", "n"), ("a", "o"), ("t", "f")]
REWRITES = [("said", "stated"), ("says", "notes"), ("the ", "this "), ("and ", "as well as "),
            ("but ", "however "), ("also ", ""), ("very ", ""), ("about ", "around "), ("will ", "would "),
            ("has ", "had "), ("is ", "was "), ("more than", "over"), ("because", "since")]


def load_bodies(archive: Path) -> dict[str, str]:
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("ground-truth.json"))
        truth = json.load(tar.extractfile(member))
    return {page: value["articleBody"].strip() for page, value in sorted(truth.items())}


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def sentences(text: str) -> list[str]:
    return [s for p in paragraphs(text) for s in SENTENCE_END.split(p) if s.strip()]


def word_count(text: str) -> int:
    return len(WORDS.findall(text))


def span_of_words(text: str, start: float, share: float) -> str:
    """Whole sentences from `start` (share of the words) on, until `share` of the words is reached."""
    units = sentences(text)
    total = sum(word_count(s) for s in units)
    chosen, seen = [], 0
    for unit in units:
        if seen >= start * total and sum(word_count(c) for c in chosen) < share * total:
            chosen.append(unit)
        seen += word_count(unit)
    return " ".join(chosen)


# Copies: each takes the original and a generator, returns the copy's text.

def exact(text: str, rng: random.Random) -> str:
    return text


def reformatted(text: str, rng: random.Random) -> str:
    """Paragraphs joined, quotes and dashes retyped, case of the headline changed."""
    lines = paragraphs(text)
    lines[0] = lines[0].upper()
    joined = "\n\n".join(" ".join(lines[i:i + 2]) for i in range(0, len(lines), 2))
    return joined.replace("'", "’").replace('"', "“").replace(" - ", " — ")


def light_edits(text: str, rng: random.Random) -> str:
    """A copy editor's touch: ~4% of words dropped or replaced, a few sentences reworded."""
    words = text.split(" ")
    for _ in range(max(1, len(words) // 25)):
        at = rng.randrange(len(words))
        words[at] = rng.choice(["", "the", "reportedly", words[at].lower()])
    edited = " ".join(w for w in words if w)
    for old, new in rng.sample(REWRITES, 3):
        edited = edited.replace(old, new, 1)
    return edited


def new_frame(text: str, rng: random.Random) -> str:
    """New headline, another byline, an agency footer."""
    lines = paragraphs(text)
    headline = rng.choice(HEADLINES) + " ".join(lines[0].split()[:8])
    return "\n".join([headline, rng.choice(BYLINES), *lines[1:], rng.choice(FOOTERS)])


def teaser(text: str, rng: random.Random) -> str:
    """The opening (a quarter to 40%) and a link to the rest."""
    return span_of_words(text, 0, rng.uniform(0.25, 0.4)) + "\nRead the full story on our website."


def truncated(text: str, rng: random.Random) -> str:
    return span_of_words(text, 0, rng.uniform(0.5, 0.75))


def middle_excerpt(text: str, rng: random.Random) -> str:
    """A quarter to 45% of the story taken from its middle, the headline and opening left out."""
    share = rng.uniform(0.25, 0.45)
    return span_of_words(text, rng.uniform(0.15, 1 - share - 0.05), share)


def _misspelt(word: str, rng: random.Random) -> str:
    for old, new in rng.sample(CONFUSIONS, len(CONFUSIONS)):
        if old in word:
            at = word.index(old)
            return word[:at] + new + word[at + len(old):]
    return word


def ocr_noise(text: str, rng: random.Random) -> str:
    """Scanned or retyped: ~8% of words misspelt, ~6% split in two, ~3% run together, hyphenated breaks."""
    out = []
    for word in text.split(" "):
        roll = rng.random()
        if roll < 0.08:
            word = _misspelt(word, rng)
        elif roll < 0.14 and len(word) > 4:
            cut = rng.randrange(2, len(word) - 1)
            word = word[:cut] + rng.choice([" ", "- ", "-\n"]) + word[cut:]
        elif roll < 0.17 and out:
            out[-1] += word
            continue
        out.append(word)
    return " ".join(out)


def _rewritten(sentence: str, rng: random.Random) -> str:
    for old, new in rng.sample(REWRITES, 4):
        sentence = sentence.replace(old, new)
    words = sentence.split()
    if len(words) > 8 and rng.random() < 0.5:  # clauses swapped around the middle comma
        words = words[len(words) // 2:] + words[: len(words) // 2]
    return " ".join(words)


def reordered(text: str, rng: random.Random) -> str:
    """Sentences reordered, a fifth dropped, a quarter of the rest partly rewritten."""
    units = sentences(text)
    kept = [s for s in units if rng.random() >= 0.2] or units[:1]
    rng.shuffle(kept)
    return " ".join(_rewritten(s, rng) if rng.random() < 0.25 else s for s in kept)


def boilerplate(text: str, rng: random.Random) -> str:
    """Navigation, sharing and newsletter lines around and inside the story."""
    lines = paragraphs(text)
    for _ in range(rng.randint(4, 9)):
        lines.insert(rng.choice([0, len(lines), rng.randrange(len(lines) + 1)]), rng.choice(BOILERPLATE))
    return "\n".join(lines)


def paragraph_changes(text: str, rng: random.Random, other: str) -> str:
    """One paragraph cut, a paragraph of local context (another article's) added."""
    lines = paragraphs(text)
    if len(lines) > 3:
        del lines[rng.randrange(1, len(lines))]
    extra = max(paragraphs(other), key=len)
    lines.insert(rng.randrange(1, len(lines) + 1), " ".join(extra.split()[:60]))
    return "\n".join(lines)


COPIES: dict[str, Callable[..., str]] = {
    "exact": exact, "reformatted": reformatted, "light_edits": light_edits, "new_frame": new_frame,
    "teaser": teaser, "truncated": truncated, "middle_excerpt": middle_excerpt, "ocr_noise": ocr_noise,
    "reordered_rewritten": reordered, "boilerplate": boilerplate, "paragraph_changes": paragraph_changes,
}


# Hard negatives

def _names(text: str) -> list[str]:
    return list(dict.fromkeys(NAME.findall(text)))


def _swap_facts(text: str, names: list[str], rng: random.Random) -> str:
    """Every figure changed, every name after the sentence start replaced by one of `names`."""
    text = NUMBER.sub(lambda m: str(int(re.sub(r"\D", "", m.group()) or 0) + rng.randint(1, 97)), text)
    own = _names(text)
    mapping = {name: rng.choice(names) for name in own if names}
    return NAME.sub(lambda m: mapping.get(m.group(), m.group()), text)


def template_pair(text: str, names: list[str], rng: random.Random) -> tuple[str, str] | None:
    """Two short items (40-90 words of the opening) in the same wording, each with other names (drawn
    from `names`, the hosts' names) and figures than the original's; None when the opening has too few
    facts to tell items of a template apart."""
    short = span_of_words(text, 0, min(1.0, rng.randint(40, 90) / max(1, word_count(text))))
    if len(_names(short)) + len(NUMBER.findall(short)) < 3:
        return None
    return _swap_facts(short, names, rng), _swap_facts(short, names, rng)


def quoting(text: str, other: str, rng: random.Random) -> str | None:
    """`other` with one long paragraph of `text` (30+ words, under a fifth of it) quoted in the middle."""
    total = word_count(text)
    quotes = [p for p in paragraphs(text) if 30 <= word_count(p) < total / 5]
    host = paragraphs(other)
    if not quotes or word_count(other) < 3 * word_count(max(quotes, key=word_count)):
        return None
    quote = rng.choice(quotes)
    host.insert(rng.randrange(1, len(host) + 1), f"As another report put it: “{quote}”")
    return "\n".join(host)


def same_event(text: str, other: str, rng: random.Random) -> str:
    """`other`'s wording carrying `text`'s names and figures, and one of its sentences as a quote."""
    names, figures = _names(text) or ["Acme"], NUMBER.findall(text) or ["3"]
    body = NAME.sub(lambda m: rng.choice(names), other)
    body = NUMBER.sub(lambda m: rng.choice(figures), body)
    quote = rng.choice(sentences(text))
    return body + f"\n“{quote}” the statement said."


def build(bodies: dict[str, str], seed: int = SEED) -> list[dict]:
    """Two of every three long bodies are originals; the third are hosts: other outlets' articles that
    negatives are made of, used once each and never in the set themselves (a host in the set would make
    its negative a copy of it)."""
    rng = random.Random(seed)
    long_bodies = [(page, text) for page, text in bodies.items() if word_count(text) >= MIN_WORDS]
    originals = [body for i, body in enumerate(long_bodies) if i % 3 != 2]
    hosts = [text for i, (_, text) in enumerate(long_bodies) if i % 3 == 2]
    host_names = sorted({name for host in hosts for name in _names(host)})
    start = datetime(2012, 3, 1)
    records: list[dict] = []
    kinds = list(COPIES)

    def add(cluster: str, variant: str, text: str, day: int) -> None:
        records.append({"id": f"{cluster}:{variant}:{len(records)}", "cluster": cluster, "variant": variant,
                        "text": text, "published_at": (start + timedelta(days=day, minutes=len(records))).isoformat()})

    for i, (page, text) in enumerate(originals):
        day = rng.randrange(60)
        host = hosts[(i // 2) % len(hosts)]
        host_free = i // 2 < len(hosts)  # a host wrapped around would make two negatives copies of each other
        add(page, "original", text, day)
        for kind in [kinds[i % len(kinds)], *([kinds[(i // 3 + 5) % len(kinds)]] if i % 3 == 0 else [])]:
            args = (host,) if kind == "paragraph_changes" else ()
            add(page, kind, COPIES[kind](text, rng, *args), day + rng.randrange(3))
        if i % 2 == 0 and (pair := template_pair(text, host_names, rng)) is not None:
            add(f"{page}#t1", "negative:template", pair[0], day)
            add(f"{page}#t2", "negative:template", pair[1], day + rng.randrange(2))
        elif i % 4 == 1 and host_free and (quoted := quoting(text, host, rng)) is not None:
            add(f"{page}#q", "negative:quote", quoted, day + rng.randrange(3))
        elif i % 4 == 3 and host_free:
            add(f"{page}#e", "negative:same_event", same_event(text, host, rng), day + rng.randrange(2))
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument("--output", type=Path, default=CORPUS / "dedup-dev" / "articles.jsonl")
    args = parser.parse_args()
    records = build(load_bodies(args.archive))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"{len(records)} records, {len({r['cluster'] for r in records})} clusters -> {args.output}")


if __name__ == "__main__":
    main()
