"""Deterministic synthetic news corpus for the benchmarks: N documents as sharded JSONL, HTML or text.

    .venv/bin/python benchmarks/corpus.py --size 10000 --kind html --out benchmarks/corpus

Article bodies are word-level Markov text (order 1) trained on the hand-written articles of the dedup
fixture set, ~600 words in 7-9 paragraphs, so unrelated documents share almost no word 3-shingles (as
real news does) while reading like news vocabulary. ~20% of the documents are copies of an earlier one,
made with the dedup fixture generator's own variant transforms (imported, not copied): light rewording,
formatting changes, added boilerplate, new headline, other byline, paragraph added/removed, and exact
copies under another URL or an AMP URL. HTML pages carry navigation, related links, share bars, a
newsletter prompt, scripts and a footer around the article; half of the plain-text documents carry
boilerplate lines (menus, "Read also", cookie notices).

The same (size, kind, seed) always writes the same bytes; an existing corpus with a matching manifest is
reused.
"""

from __future__ import annotations

import argparse
import bisect
import importlib.util
import itertools
import json
import random
import re
import shutil
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_GENERATOR = ROOT / "tests" / "fixtures" / "dedup" / "make_dedup_set.py"
DOCS_PER_SHARD = 1000
DUPLICATE_SHARE = 0.20
# A copy appears within this many documents of its original: news copies arrive within days, and the
# dedup window is bounded, so copies of very old stories would be unrealistic.
COPY_DISTANCE = 5000
FIRST_DAY = date(2026, 1, 5)
DOCS_PER_DAY = 5000
SECTIONS = ["local", "business", "politics", "science", "sport", "culture", "health", "technology"]
# Variant kinds and their weights among the copies. "exact_copy" and "amp_copy" are ours (another URL,
# same text; the AMP page of the same article); the others are make_dedup_set's transforms.
# Invented proper nouns: each story gets its own people, places and organisations, which is what makes
# real stories distinguishable (the Markov vocabulary alone is shared by every document).
SYLLABLES = ["al", "ba", "cor", "da", "el", "fen", "gar", "hol", "is", "ka", "lor", "mar", "nor", "os", "pel",
             "quin", "ras", "sol", "tan", "ul", "ver", "wen", "yar", "zel", "bri", "dun", "ev", "mon", "rik", "sta"]
CAPITALISED = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+")
GENERATOR_VERSION = 2  # bump when the same seed would write different documents; cached corpora are rebuilt
VARIANT_WEIGHTS = {
    "exact_copy": 3, "amp_copy": 2, "exact_copy_formatting": 3, "light_rewording": 3,
    "boilerplate_added": 3, "new_headline": 2, "different_byline": 2, "paragraph_removed": 2,
    "paragraph_added": 2,
}


def load_fixture_generator():
    """The dedup fixture generator as a module: its base articles train the text model and its variant
    transforms make the near-duplicates."""
    spec = importlib.util.spec_from_file_location("make_dedup_set", FIXTURE_GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FIXTURE = load_fixture_generator()


class MarkovText:
    """Order-1 word chain over sentences of the fixture articles (cumulative weights, bisect to sample)."""

    def __init__(self, paragraphs: list[str]):
        transitions: dict[str, Counter[str]] = defaultdict(Counter)
        for paragraph in paragraphs:
            words = ["<s>"] + paragraph.split() + ["</s>"]
            for current, following in itertools.pairwise(words):
                transitions[current][following] += 1
        self.choices: dict[str, tuple[list[str], list[int]]] = {}
        for word, counts in transitions.items():
            followers = sorted(counts)
            self.choices[word] = (followers, list(itertools.accumulate(counts[f] for f in followers)))

    def _next(self, word: str, rng: random.Random) -> str:
        followers, cumulative = self.choices[word]
        return followers[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]

    def sentence(self, rng: random.Random, max_words: int = 40) -> str:
        words, word = [], "<s>"
        while len(words) < max_words:
            word = self._next(word, rng)
            if word == "</s>":
                break
            words.append(word)
        text = " ".join(words).rstrip(",;:")
        return text if text.endswith((".", "?", "!", '"')) else text + "."

    def paragraph(self, rng: random.Random, words: int) -> str:
        sentences, count = [], 0
        while count < words:
            sentence = self.sentence(rng)
            sentences.append(sentence)
            count += len(sentence.split())
        return " ".join(sentences)

    def title(self, rng: random.Random) -> str:
        return self.sentence(rng, max_words=rng.randint(7, 12)).rstrip(".")


@dataclass(slots=True)
class Story:
    """One generated document before rendering (make_dedup_set's document model plus a URL and day)."""

    url: str
    canonical: str
    source: str
    section: str
    day: date
    author: str
    title: str
    paras: list[str]
    pre: list[str] = field(default_factory=list)
    post: list[str] = field(default_factory=list)
    footer: str | None = None
    variant: str = "original"
    original_index: int | None = None

    def fixture_doc(self) -> dict:
        return dict(title=self.title, byline=f"By {self.author}", paras=list(self.paras), footer=self.footer,
                    pre=list(self.pre), post=list(self.post))


class CorpusGenerator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.text = MarkovText([p for article in FIXTURE.BASE for p in article["paras"]])
        self.authors = sorted({a["author"] for a in FIXTURE.BASE} | set(FIXTURE.OTHER_BYLINE_NAMES))
        self.titles: list[str] = []

    def _names(self, count: int) -> list[str]:
        return ["".join(self.rng.choices(SYLLABLES, k=self.rng.randint(2, 3))).capitalize() for _ in range(count)]

    def _with_names(self, text: str, names: list[str]) -> str:
        """Proper nouns inside sentences become this story's own names, and one of them is quoted."""
        said = self.text.sentence(self.rng, max_words=15)
        text = f"{text} {self.rng.choice(names)} said {said[0].lower()}{said[1:]}"
        return CAPITALISED.sub(lambda _: self.rng.choice(names), text)

    def original(self, index: int) -> Story:
        rng = self.rng
        source = rng.choice(FIXTURE.ORIGIN_OUTLETS)
        section = rng.choice(SECTIONS)
        day = FIRST_DAY + timedelta(days=index // DOCS_PER_DAY)
        names = self._names(5)
        title = f"{names[0]}: {self.text.title(rng)}"
        url = f"https://www.{source}/{section}/{day:%Y/%m/%d}/{FIXTURE.slugify(title)[:60]}-{index}"
        paras = [self._with_names(self.text.paragraph(rng, rng.randint(55, 70)), names)
                 for _ in range(rng.randint(7, 9))]
        self.titles.append(title)
        return Story(url=url, canonical=url, source=source, section=section, day=day,
                     author=rng.choice(self.authors), title=title, paras=paras,
                     footer=FIXTURE.OUTLETS[source][1])

    def copy(self, original: Story, original_index: int, index: int) -> Story:
        rng = self.rng
        kind = rng.choices(list(VARIANT_WEIGHTS), list(VARIANT_WEIGHTS.values()))[0]
        source = rng.choice(FIXTURE.REPUBLISHERS) if kind != "amp_copy" else original.source
        story = Story(url=f"https://{source}/story/{original.day:%Y%m%d}/{index}", canonical="", source=source,
                      section=original.section, day=original.day + timedelta(days=rng.choice([0, 0, 1, 2])),
                      author=original.author, title=original.title, paras=list(original.paras),
                      footer=FIXTURE.OUTLETS[source][1], variant=kind, original_index=original_index)
        if kind == "amp_copy":
            story.url, story.canonical, story.footer = original.url + "/amp", original.url, original.footer
        elif kind == "light_rewording":
            story.paras, _ = FIXTURE.light_reword(story.paras, rng)
        elif kind == "exact_copy_formatting":
            story.paras = FIXTURE.reformat("\n\n".join(story.paras), rng)[0].split("\n\n")
        elif kind == "boilerplate_added":
            doc = story.fixture_doc()
            FIXTURE.add_boilerplate(doc, rng, original.source, story.section, story.day.isoformat(),
                                    self.titles[-200:])
            story.paras, story.pre, story.post = doc["paras"], doc["pre"], doc["post"]
        elif kind == "new_headline":
            story.title = self.text.title(rng)
        elif kind == "different_byline":
            story.author = rng.choice([a for a in FIXTURE.OTHER_BYLINE_NAMES if a != original.author])
        elif kind == "paragraph_removed":
            del story.paras[rng.randrange(1, len(story.paras) - 1)]
        elif kind == "paragraph_added":
            story.paras.insert(rng.randint(1, len(story.paras)), self.text.paragraph(rng, 60))
        story.canonical = story.canonical or story.url
        return story

    def stories(self, size: int):
        """Originals and copies in arrival order; a copy follows its original within COPY_DISTANCE."""
        recent: list[tuple[int, Story]] = []
        for index in range(size):
            if recent and self.rng.random() < DUPLICATE_SHARE:
                original_index, original = self.rng.choice(recent)
                yield self.copy(original, original_index, index)
                continue
            story = self.original(index)
            recent.append((index, story))
            if len(recent) > COPY_DISTANCE * (1 - DUPLICATE_SHARE):
                recent.pop(0)
            yield story


def render_html(story: Story, rng: random.Random, related: list[str]) -> str:
    """A news page: head metadata, menus, the article, related links, share bar, newsletter, footer."""
    name = FIXTURE.OUTLETS[story.source][0]
    body = "\n".join(f"<p>{escape(p)}</p>" for p in story.paras)
    links = "\n".join(f'<li><a href="/{story.section}/{FIXTURE.slugify(t)[:50]}">{escape(t)}</a></li>'
                      for t in related)
    menu = "".join(f'<li><a href="/{s}">{s.capitalize()}</a></li>' for s in SECTIONS)
    extra_pre = "".join(f'<div class="promo">{escape(line)}</div>' for line in story.pre)
    extra_post = "".join(f'<div class="promo">{escape(line)}</div>' for line in story.post)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(story.title)} | {escape(name)}</title>
<link rel="canonical" href="{escape(story.canonical)}">
<meta name="author" content="{escape(story.author)}">
<meta property="article:published_time" content="{story.day.isoformat()}T{rng.randint(5, 22):02d}:{rng.randint(0, 59):02d}:00Z">
<meta property="og:site_name" content="{escape(name)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:Georgia,serif;margin:0}}nav ul{{display:flex;gap:1em}}.promo{{color:#555}}</style>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}};gtag('js',new Date());gtag('config','G-{rng.randrange(10**9)}');</script>
</head><body>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button> <a href="/privacy">Manage preferences</a></div>
<header><a class="logo" href="/">{escape(name)}</a><nav><ul>{menu}</ul></nav>
<form action="/search"><input name="q" placeholder="Search"></form><a href="/subscribe">Subscribe</a></header>
<main><article>
<div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/{story.section}">{story.section.capitalize()}</a></div>
<h1>{escape(story.title)}</h1>
<div class="byline">By <span class="author">{escape(story.author)}</span> · <time datetime="{story.day.isoformat()}">{FIXTURE.human_date(story.day)}</time></div>
<div class="share">Share: <a href="#">Facebook</a> <a href="#">X</a> <a href="#">Email</a></div>
{extra_pre}
<div class="article-body">
{body}
</div>
{extra_post}
<p class="footer-note">{escape(story.footer or "")}</p>
</article>
<aside class="related"><h2>Read also</h2><ul>
{links}
</ul></aside>
<section class="newsletter"><h2>Sign up for our morning newsletter</h2><p>Get the day's top stories in your inbox.</p>
<form><input type="email" placeholder="Email"><button>Sign up</button></form></section>
<section class="comments"><h2>Comments</h2><p>Comments are closed for this article.</p></section>
</main>
<footer><ul><li><a href="/about">About us</a></li><li><a href="/privacy">Privacy Policy</a></li>
<li><a href="/terms">Terms of Use</a></li><li><a href="/contact">Contact</a></li></ul>
<p>© 2026 {escape(name)}. All rights reserved.</p></footer>
<script src="https://cdn.{story.source}/assets/app.{rng.randrange(16**8):08x}.js" defer></script>
</body></html>"""


def render_text(story: Story, rng: random.Random, related: list[str]) -> str:
    """Plain text as crawlers flatten it: title line, byline, body; half with menus and link lines."""
    lines = [story.title, f"By {story.author}", FIXTURE.human_date(story.day), *story.pre]
    if rng.random() < 0.5:
        lines[1:1] = ["Home | News | Local | Business | Sport | Culture | Opinion", "Skip to main content"]
        lines += story.paras[:3] + [f"Read also: {related[0]}"] + story.paras[3:]
        lines += ["Share this article", f"More from {story.section.capitalize()}",
                  *(f"Read also: {title}" for title in related[1:]),
                  "Privacy Policy | Terms of Use | Cookie Settings | Contact Us"]
    else:
        lines += story.paras
    if story.footer:
        lines.append(story.footer)
    return "\n\n".join(lines + story.post)


def record(story: Story, kind: str, rng: random.Random, related: list[str]) -> dict:
    if kind == "html":
        return {"url": story.url, "html": render_html(story, rng, related)}
    return {"url": story.url, "title": story.title, "text": render_text(story, rng, related),
            "author": story.author, "published_at": story.day.isoformat()}


def shards(size: int, kind: str, seed: int = 1) -> Iterator[list[tuple[Story, dict]]]:
    """The corpus shard by shard: each document's story and its JSONL record (one random stream for both,
    so the same arguments always give the same documents)."""
    generator = CorpusGenerator(seed)
    stories = generator.stories(size)
    while chunk := list(itertools.islice(stories, DOCS_PER_SHARD)):
        found = []
        for story in chunk:
            related = generator.rng.sample(generator.titles[-500:], min(5, len(generator.titles)))
            found.append((story, record(story, kind, generator.rng, related)))
        yield found


def story_labels(size: int, kind: str, seed: int = 1) -> dict[str, int]:
    """URL -> the position of the original it reports, for every document: each original is its own event
    (its names are its own) and its copies report it too. The truth benchmarks/story_quality.py scores
    story grouping against at news-firehose volume."""
    stories = (story for chunk in shards(size, kind, seed) for story, _ in chunk)
    return {story.url: position if story.original_index is None else story.original_index
            for position, story in enumerate(stories)}


def corpus_dir(out: Path, size: int, kind: str, seed: int) -> Path:
    return out / f"{kind}-{size}-s{seed}"


def generate(out: Path, size: int, kind: str, seed: int = 1) -> Path:
    """Write (or reuse) the corpus; returns its folder of part-NNNNN.jsonl shards and manifest.json."""
    folder = corpus_dir(out, size, kind, seed)
    manifest_path = folder / "manifest.json"
    if manifest_path.exists() and json.loads(manifest_path.read_text()).get("generator") == GENERATOR_VERSION:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    variants: Counter[str] = Counter()
    words = 0
    for shard, chunk in enumerate(shards(size, kind, seed)):
        for story, _ in chunk:
            variants[story.variant] += 1
            words += sum(len(p.split()) for p in story.paras)
        lines = [json.dumps(document, ensure_ascii=False) for _, document in chunk]
        (folder / f"part-{shard:05d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    manifest = {"generator": GENERATOR_VERSION, "size": size, "kind": kind, "seed": seed, "variants": dict(variants.most_common()),
                "duplicate_share": round(1 - variants["original"] / size, 4),
                "mean_body_words": round(words / size, 1),
                "bytes": sum(p.stat().st_size for p in folder.glob("part-*.jsonl"))}
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--kind", choices=["html", "text"], default="html")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "corpus")
    args = parser.parse_args()
    folder = generate(args.out, args.size, args.kind, args.seed)
    print(folder, file=sys.stderr)
    print((folder / "manifest.json").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
