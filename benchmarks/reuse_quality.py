"""Wire-copy reuse quality on a labelled set made from real article bodies, and the stage's cost.

The bodies are the hand-marked article texts of ../shared/eval/dragnet-dev.tar.xz (954 real pages). A
seeded generator splits them into *wire* articles (indexed as earlier articles), *local* texts (the
newsroom's own paragraphs, never indexed) and *independent* texts, and writes articles the ways
sub-editors work, each labelled by how it was made:

- wholly: one wire story (or two combined) cut to length, sentences reordered and merged, words cut
  here and there, the lead paraphrased, quotes kept word for word; at most a short local paragraph;
- partially: such an edit of a wire story making up 25-60% of the words, the rest local paragraphs;
- none: an independent real text on the same topic as a wire story (its nearest by TF-IDF cosine),
  cut to length; half of them also quote one sentence of that wire story (the shared quote).

Thresholds are chosen by 5-fold cross-validation: each fold is scored with the settings that do best
(macro F1) on the other four, and the scores below pool those held-out predictions. The baseline is
plain word-5-gram containment (the share of the article's 5-grams found in its best wire article, over
all of them, no index), with its two thresholds cross-validated the same way.

    python benchmarks/reuse_quality.py                  # unpacks the set into benchmarks/corpus/ if needed
    python benchmarks/reuse_quality.py --cost 600       # also: stage vs extraction seconds per article
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from newsingest.dedup.clusters import Deduplicator
from newsingest.dedup.signatures import SignatureSettings, compute_signatures, shingles
from newsingest.fingerprint import text_hash
from newsingest.extract import ExtractSettings, extract_document
from newsingest.pipeline import DEFAULT_BATCH_SIZE
from newsingest.records import Article, DedupDecision, DedupStatus, RawDocument
from newsingest.rededup import StoredArticle
from newsingest.reuse import Indexed, ReuseIndex, ReuseSettings, aligned_sources, assign_reuse
from newsingest.reuse.words import words

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT.parent / "shared" / "eval" / "dragnet-dev.tar.xz"
CORPUS = ROOT / "benchmarks" / "corpus"
DATASET = CORPUS / "dragnet-dev"
CLASSES = ("wholly", "partially", "none")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“A-Z0-9])")
TOKEN = re.compile(r"[a-z]{3,}")
MIN_WORDS = 150
WIRE_TIME = datetime(2026, 12, 1, 8, tzinfo=UTC)
# Light paraphrase of a lead: common news words and the words a sub-editor swaps (no model: the lead keeps
# its facts but loses most of its word runs, as when a sentence is rewritten).
SWAPS = {"said": "told reporters", "says": "according to", "announced": "unveiled", "people": "residents",
         "government": "authorities", "company": "firm", "percent": "per cent", "about": "around",
         "more": "over", "than": "compared with", "will": "is set to", "new": "fresh", "also": "as well",
         "because": "as", "however": "but", "after": "following", "before": "ahead of", "big": "major",
         "many": "numerous", "show": "reveal", "help": "assist", "start": "begin", "but": "yet"}


# ------------------------------------------------------------------------------------- the labelled set

@dataclass(frozen=True, slots=True)
class Example:
    id: str
    text: str
    label: str
    sources: tuple[str, ...]  # the wire articles it was made from
    how: str  # which edits made it


def bodies() -> dict[str, str]:
    if not DATASET.exists():
        CORPUS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["tar", "-xJf", str(ARCHIVE), "-C", str(CORPUS)], check=True)
    truth = json.loads((DATASET / "ground-truth.json").read_text(encoding="utf-8"))
    found = {page: " ".join(body["articleBody"].split(" ")) for page, body in truth.items()}
    return {page: text for page, text in found.items() if len(text.split()) >= MIN_WORDS}


def sentences(text: str) -> list[str]:
    """Sentences of at least 5 words, paragraph by paragraph."""
    found = [s.strip() for line in text.splitlines() for s in SENTENCE_END.split(line)]
    return [s for s in found if len(s.split()) >= 5]


def tfidf_neighbours(texts: dict[str, str]) -> dict[str, list[str]]:
    """Each text's other texts, most similar (TF-IDF cosine over words of 3+ letters) first."""
    ids = list(texts)
    counts = [Counter(TOKEN.findall(texts[i].lower())) for i in ids]
    df = Counter(term for c in counts for term in c)
    vocabulary = {term: k for k, term in enumerate(t for t, n in df.items() if 2 <= n <= len(ids) // 10)}
    matrix = np.zeros((len(ids), len(vocabulary)), dtype=np.float32)
    for row, c in enumerate(counts):
        for term, n in c.items():
            if term in vocabulary:
                matrix[row, vocabulary[term]] = (1 + math.log(n)) * math.log(len(ids) / df[term])
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9
    similarity = matrix @ matrix.T
    np.fill_diagonal(similarity, -1)
    return {ids[r]: [ids[k] for k in np.argsort(-similarity[r])[:20]] for r in range(len(ids))}


def containment(text: str, others: list[set[bytes]], size: int = 5) -> float:
    """The largest share of `text`'s word n-grams found in one of `others` (n-gram sets: the baseline)."""
    mine = shingles(text, size)
    return max(len(mine & other) for other in others) / len(mine) if mine else 0.0


def has_quote(sentence: str) -> bool:
    return any(mark in sentence for mark in '"“”')


def paraphrase(sentence: str, rng: random.Random) -> str:
    """The lead rewritten: swapped words, a clause moved to the front, a few words dropped."""
    clauses = [c.strip() for c in sentence.rstrip(".").split(",") if c.strip()]
    if len(clauses) > 1:
        clauses = clauses[1:] + clauses[:1]
    out = []
    for k, word in enumerate(" ".join(clauses).split()):
        lower = word.lower()
        if lower in SWAPS:
            out.append(SWAPS[lower])
        elif k % 4 != 3 or word[:1].isupper():  # every fourth common word goes
            out.append(word)
    text = " ".join(out)
    return text[:1].upper() + text[1:] + "."


def merge(first: str, second: str) -> str:
    """Two sentences made one, as sub-editors do to save space."""
    joined = first.rstrip(".!? ")
    return f"{joined}, while {second[:1].lower()}{second[1:]}" if second[:1].isupper() else f"{joined}; {second}"


def reword(sentence: str, rng: random.Random) -> str:
    """A sub-editor's touch outside quotes: house words swapped in, and a short run of words cut in each
    stretch of 14 words."""
    if has_quote(sentence):
        return sentence
    tokens = [SWAPS.get(token, token) for token in sentence.split()]
    for _ in range(len(tokens) // 14):
        at = rng.randrange(3, len(tokens) - 6)
        tokens = tokens[:at] + tokens[at + rng.randint(1, 3):]
    return " ".join(tokens)


def edited(source: str, rng: random.Random, keep: float, rewording: float) -> tuple[list[str], list[str]]:
    """A wire story the way a sub-editor handles it; returns the sentences and the edits made."""
    found = sentences(source)
    how = []
    lead, rest = found[0], found[1:]
    kept = max(2, int(len(rest) * keep))
    if kept < len(rest):
        # Cut to length: mostly from the end, sometimes a middle paragraph too.
        rest = rest[:kept] if rng.random() < 0.6 else sorted(rng.sample(rest, kept), key=rest.index)
        how.append("cut")
    body = [reword(s, rng) if rng.random() < rewording else s for s in rest]
    if len(body) > 3:
        for _ in range(max(1, len(body) // 5)):  # reorder: a sentence moves up or down
            k = rng.randrange(len(body))
            body.insert(rng.randrange(len(body)), body.pop(k))
        how.append("reordered")
        k = rng.randrange(len(body) - 1)
        if not has_quote(body[k]) and not has_quote(body[k + 1]):
            body[k:k + 2] = [merge(body[k], body[k + 1])]
            how.append("merged")
    if rng.random() < 0.7:
        lead = paraphrase(lead, rng)
        how.append("paraphrased lead")
    return [lead] + body, how


def local_paragraph(donor: str, rng: random.Random, words_wanted: int) -> list[str]:
    found = sentences(donor)
    start = rng.randrange(max(1, len(found) - 3))
    out: list[str] = []
    for sentence in found[start:] + found[:start]:
        if sum(len(s.split()) for s in out) >= words_wanted:
            break
        out.append(sentence)
    return out


def word_count(parts: list[str]) -> int:
    return sum(len(p.split()) for p in parts)


def paragraphs(parts: list[str], rng: random.Random) -> str:
    lines, line = [], []
    for sentence in parts:
        line.append(sentence)
        if len(line) >= rng.randint(1, 3):
            lines.append(" ".join(line))
            line = []
    return "\n".join(lines + ([" ".join(line)] if line else []))


def labelled_set(seed: int = 7, rewording: float = 0.5, wire_count: int = 300, per_class: int = 200
                 ) -> tuple[dict[str, str], list[Example], int]:
    """The wire articles, the labelled articles, and how many texts were left out as real reprints;
    `rewording` is the share of a wire story's sentences (outside quotes) the sub-editor touches."""
    texts = bodies()
    rng = random.Random(seed)
    ids = sorted(texts)
    rng.shuffle(ids)
    wire_ids, other_ids = ids[:wire_count], ids[wire_count:]
    wire = {i: texts[i] for i in wire_ids}
    neighbours = tfidf_neighbours(texts)
    # Real reprints in the data (the same article on two sites) would be mislabelled as independent or
    # local: texts sharing 10% of their 5-grams with a wire article leave the other pools.
    reprints = {i for i in other_ids for w in neighbours[i][:10]
                if w in wire and containment(texts[i], [shingles(wire[w], 5)]) > 0.1}
    others = [i for i in other_ids if i not in reprints]
    donors, independent = others[: len(others) // 2], set(others[len(others) // 2:])
    examples: list[Example] = []
    for n in range(per_class):
        source = rng.choice(wire_ids)
        if rng.random() < 0.3:  # two wire stories combined (the nearest wire story on the topic)
            second = next(w for w in neighbours[source] if w in wire)
            first_part, how = edited(wire[source], rng, rng.uniform(0.3, 0.6), rewording)
            second_part, _ = edited(wire[second], rng, rng.uniform(0.2, 0.4), rewording)
            parts, sources, how = first_part + second_part[1:], (source, second), how + ["two sources"]
        else:
            parts, how = edited(wire[source], rng, rng.uniform(0.3, 0.9), rewording)
            sources = (source,)
        if rng.random() < 0.5:
            parts = parts + local_paragraph(texts[rng.choice(donors)], rng, int(0.12 * word_count(parts)))
            how.append("local paragraph")
        examples.append(Example(f"wholly-{n}", paragraphs(parts, rng), "wholly", sources, ", ".join(how)))
    for n in range(per_class):
        source = rng.choice(wire_ids)
        wire_part, how = edited(wire[source], rng, rng.uniform(0.2, 0.6), rewording)
        target = rng.uniform(0.25, 0.6)
        local = local_paragraph(texts[rng.choice(donors)], rng, int(word_count(wire_part) * (1 - target) / target))
        at = rng.randint(1, len(wire_part))
        parts = wire_part[:at] + local + wire_part[at:] if rng.random() < 0.5 else local + wire_part
        examples.append(Example(f"partially-{n}", paragraphs(parts, rng), "partially", (source,),
                                ", ".join(how + ["local paragraphs"])))
    pairs = [(w, next((i for i in neighbours[w] if i in independent), None)) for w in wire_ids]
    pairs = [pair for pair in pairs if pair[1] is not None]
    for n, (source, other) in enumerate(rng.sample(pairs, min(per_class, len(pairs)))):
        own = sentences(texts[other])
        own = own[: max(4, int(len(own) * rng.uniform(0.5, 1.0)))]
        how = "same topic"
        quotes = [s for s in sentences(wire[source]) if has_quote(s)]
        if rng.random() < 0.5 and quotes:
            own.insert(rng.randint(1, len(own)), rng.choice(quotes))
            how = "same topic, shared quote"
        examples.append(Example(f"none-{n}", paragraphs(own, rng), "none", (), how))
    return wire, examples, len(reprints)


# ------------------------------------------------------------------------------------------ scoring

def scores(truth: list[str], predicted: list[str]) -> dict[str, dict[str, float]]:
    out = {}
    for label in CLASSES:
        tp = sum(t == p == label for t, p in zip(truth, predicted))
        p_n, t_n = predicted.count(label), truth.count(label)
        precision = tp / p_n if p_n else 0.0
        recall = tp / t_n if t_n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = {"precision": precision, "recall": recall, "f1": f1}
    out["macro"] = {"f1": sum(out[label]["f1"] for label in CLASSES) / len(CLASSES)}
    return out


def classify(share: float, partially: float, wholly: float) -> str:
    return "wholly" if share >= wholly else "partially" if share >= partially else "none"


def cross_validated(shares: dict[object, list[float]], truth: list[str], folds: int, seed: int
                    ) -> tuple[list[str], list[tuple[object, float, float]]]:
    """Held-out predictions: for each fold, the (variant, partially, wholly) best on the other folds.
    `shares` holds, per variant (e.g. a passage length), every example's share."""
    order = list(range(len(truth)))
    random.Random(seed).shuffle(order)
    fold_of = {example: k % folds for k, example in enumerate(order)}
    grid = [(p / 100, w / 100) for p in range(5, 60, 5) for w in range(30, 95, 5) if w > p]
    predicted = [""] * len(truth)
    chosen = []
    for fold in range(folds):
        train = [k for k in range(len(truth)) if fold_of[k] != fold]

        def train_f1(choice: tuple[object, float, float]) -> float:
            variant, partially, wholly = choice
            return scores([truth[k] for k in train],
                          [classify(shares[variant][k], partially, wholly) for k in train])["macro"]["f1"]

        best = max(((v, p, w) for v in shares for p, w in grid), key=train_f1)
        chosen.append(best)
        for k in range(len(truth)):
            if fold_of[k] == fold:
                predicted[k] = classify(shares[best[0]][k], best[1], best[2])
    return predicted, chosen


def stage_shares(wire: dict[str, str], examples: list[Example], settings: ReuseSettings
                 ) -> tuple[list[float], list[tuple[str, ...]]]:
    """Each example's share covered by its sources (the stage's index and alignment) and the sources."""
    index = ReuseIndex(settings, complete=True)
    index.add([Indexed(wire_id, WIRE_TIME, index.arrival(), words(text)) for wire_id, text in wire.items()])
    batch = [Indexed(e.id, WIRE_TIME + timedelta(hours=3), index.arrival(), words(e.text)) for e in examples]
    shares, found = [], []
    for item, candidates in zip(batch, index.candidates(batch), strict=True):
        result = aligned_sources(item, candidates, settings)
        shares.append(result.share)
        found.append(tuple(source.article.id for source in result.sources))
    return shares, found


def copy_tier_links(wire: dict[str, str], examples: list[Example]) -> tuple[int, int]:
    """Of the wholly derived articles, how many the copy tier (dedup, default settings) puts in the cluster
    of one of their sources: the wire articles first, then the labelled ones, as they would arrive."""
    deduplicator = Deduplicator()
    later = WIRE_TIME + timedelta(hours=3)
    texts = [(wire_id, text, WIRE_TIME) for wire_id, text in wire.items()] + [(e.id, e.text, later) for e in examples]
    signatures = compute_signatures([text for _, text, _ in texts], SignatureSettings())
    cluster = {}
    for (text_id, text, published_at), signature in zip(texts, signatures, strict=True):
        stored = StoredArticle(text_id, None, text_hash(text), published_at)
        cluster[text_id] = deduplicator.decide(stored, signature).cluster_id
    wholly = [e for e in examples if e.label == "wholly"]
    return sum(cluster[e.id] in e.sources for e in wholly), len(wholly)


def quality(seed: int, folds: int, rewording: float) -> dict:
    wire, examples, reprints = labelled_set(seed, rewording)
    truth = [e.label for e in examples]
    started = time.perf_counter()
    variants, sources_found = {}, {}
    for min_words, min_shared_share in itertools.product((6, 8, 10), (0.04, 0.08, 0.12)):
        variant = (min_words, min_shared_share)
        variants[variant], sources_found[variant] = stage_shares(
            wire, examples, replace(ReuseSettings(), min_words=min_words, min_shared_share=min_shared_share))
    stage_seconds = time.perf_counter() - started
    predicted, chosen = cross_validated(variants, truth, folds, seed)
    started = time.perf_counter()
    wire_grams = [shingles(text, 5) for text in wire.values()]
    baseline_shares = [containment(e.text, wire_grams) for e in examples]
    baseline_seconds = time.perf_counter() - started
    baseline, baseline_chosen = cross_validated({5: baseline_shares}, truth, folds, seed)
    default = ReuseSettings()
    default_variant = (default.min_words, default.min_shared_share)
    default_predicted = [classify(s, default.partially, default.wholly) for s in variants[default_variant]]
    # Of the derived articles the stage calls derived, how many name (one of) their true sources first.
    derived = [k for k, e in enumerate(examples) if e.label != "none" and default_predicted[k] != "none"]
    right_source = sum(bool(sources_found[default_variant][k]) and
                       sources_found[default_variant][k][0] in examples[k].sources for k in derived)
    return {
        "examples": Counter(truth), "wire_articles": len(wire), "reprints_left_out": reprints,
        "how": Counter(e.how for e in examples).most_common(12),
        "stage_cv": scores(truth, predicted), "stage_chosen": chosen,
        "stage_defaults": scores(truth, default_predicted),
        "baseline_cv": scores(truth, baseline), "baseline_chosen": baseline_chosen,
        "source_right": (right_source, len(derived)), "copy_tier": copy_tier_links(wire, examples),
        "seconds": {f"stage ({len(variants)} variants)": stage_seconds, "baseline": baseline_seconds},
    }


# --------------------------------------------------------------------------------------------- cost

def cost(pages: int) -> dict:
    """Seconds per article of the stage (words, index, alignment: assign_reuse over batches of 512 with
    the index growing) beside extraction of the same pages (extract_document, this process), same run."""
    bodies()
    files = sorted((DATASET / "html").glob("*.html"))[:pages]
    raws = [RawDocument(origin=str(f), body=f.read_bytes(), url=f"https://example.org/{f.stem}",
                        content_type="text/html") for f in files]
    settings = ExtractSettings()
    started = time.perf_counter()
    articles = [a for a in (extract_document(raw, settings) for raw in raws) if isinstance(a, Article)]
    extraction = (time.perf_counter() - started) / len(raws)
    # Each page arrives twice (the second time dated an hour later), so half the articles find a source.
    now = WIRE_TIME
    articles = articles + [replace(a, id=a.id + "-copy", published_at=(a.published_at or now) + timedelta(hours=1))
                           for a in articles]
    index = ReuseIndex(complete=True)
    started = time.perf_counter()
    rows = 0
    for start in range(0, len(articles), DEFAULT_BATCH_SIZE):
        batch = articles[start:start + DEFAULT_BATCH_SIZE]
        decisions = [DedupDecision(a.id, DedupStatus.NEW, a.id) for a in batch]
        rows += len(assign_reuse(batch, decisions, index, now).rows)
    stage = (time.perf_counter() - started) / len(articles)
    return {"pages": len(raws), "articles": len(articles), "rows": rows, "extraction_ms": extraction * 1000,
            "reuse_ms": stage * 1000, "ratio": stage / extraction}


def report(result: dict) -> None:
    print(f"labelled set: {dict(result['examples'])} against {result['wire_articles']} wire articles "
          f"({result['reprints_left_out']} real reprints left out of the other pools)")
    for how, n in result["how"]:
        print(f"  {n:4d} {how}")
    print("\n| method | " + " | ".join(f"{c} P | {c} R | {c} F1" for c in CLASSES) + " | macro F1 |")
    print("|---|" + "---:|" * (3 * len(CLASSES) + 1))
    for name, key in (("newsingest reuse, thresholds cross-validated", "stage_cv"),
                      ("newsingest reuse, default settings", "stage_defaults"),
                      ("baseline: word-5-gram containment, cross-validated", "baseline_cv")):
        s = result[key]
        cells = [f"{s[c][m]:.3f}" for c in CLASSES for m in ("precision", "recall", "f1")]
        print(f"| {name} | " + " | ".join(cells) + f" | **{s['macro']['f1']:.3f}** |")
    print(f"\nchosen per fold ((passage words, candidate share), partially, wholly): {result['stage_chosen']}")
    print(f"baseline per fold (n, partially, wholly): {result['baseline_chosen']}")
    right, derived = result["source_right"]
    print(f"derived articles found derived (defaults) whose first source is a true one: {right}/{derived}")
    linked, wholly = result["copy_tier"]
    print(f"copy tier (dedup clusters) links {linked}/{wholly} wholly derived articles to a source")
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in result["seconds"].items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--rewording", type=float, default=0.5,
                        help="share of the wire sentences (outside quotes) a sub-editor rewords")
    parser.add_argument("--cost", type=int, default=0, help="also measure the cost on this many pages")
    parser.add_argument("--no-quality", action="store_true")
    args = parser.parse_args()
    if not args.no_quality:
        report(quality(args.seed, args.folds, args.rewording))
    if args.cost:
        c = cost(args.cost)
        print(f"\ncost on {c['pages']} pages ({c['articles']} articles, {c['rows']} reuse rows): extraction "
              f"{c['extraction_ms']:.2f} ms/page, reuse stage {c['reuse_ms']:.3f} ms/article "
              f"= {100 * c['ratio']:.1f}% of extraction")


if __name__ == "__main__":
    sys.exit(main())
