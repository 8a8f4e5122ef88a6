"""What an article is about, as weighted terms: the words and names a story's reports have in common.

Independent reports of one event share few phrases (so MinHash cannot link them) but they share the
event's *names and numbers*: places, people, organisations, amounts, scores. So the features are single
words, weighted by where they occur (the headline and the lead say what the story is) and boosted when
the text writes them capitalised mid-sentence (a cheap named-entity detector that needs no model).
Weights here are term frequencies only; rarity (IDF) is applied at comparison time from the running
corpus statistics, so a stored feature vector never goes stale.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import chain, compress, count, repeat
from operator import itemgetter
from typing import NamedTuple

import numpy as np

# Numbers keep their decimal point ("6.6", "4.25") and percent sign: magnitudes, rates and scores are
# among the best clues that two reports describe the same event.
WORD = r"[^\W\d_]+(?:['’][^\W\d_]+)*"
TOKEN = re.compile(rf"\d+(?:[.,]\d+)*%?|{WORD}")
# TOKEN on ASCII text (most articles): the same tokens ([^\W\d_] is [A-Za-z] there, ’ cannot occur), found
# ~1.5x faster without the per-character Unicode class lookups.
ASCII_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*%?|[A-Za-z]+(?:'[A-Za-z]+)*")
# A capitalised token is no name when it opens the zone or a sentence: within three characters after
# sentence-ending punctuation, with only whitespace between. (A letter after punctuation or whitespace
# always starts a word token, so the group is the very token TOKEN finds there.)
SENTENCE_START = re.compile(rf"[.!?:;\"“”\n]\s{{0,2}}({WORD})")

# Function words of the languages the extractor sees most, plus calendar words and reporting verbs:
# they are capitalised often (weekdays, "He") but name nothing, and early in a fresh warehouse the IDF
# statistics are too thin to discount them.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are around as at be because been before being
below between both but by can could did do does doing down during each few for from further had has have
having he her here hers him his how i if in into is it its itself just may might more most much must my
no nor not now of off on once only or other our out over own said same says say she should so some such
than that the their them then there these they this those through to too under until up upon very was we
were what when where which while who whom why will with would you your yes yet via per told according
new one two three first last year years week day days time people including since ago mr ms mrs
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
january february march april may june july august september october november december
el la los las de del y en que un una por con para se su al lo es como más pero sus le ha
le la les des du et en un une pour dans sur au aux par qui que est pas plus ce cette son sa ses
der die das und ist im den dem ein eine zu mit von auf für nicht sich des auch als an
""".split())


@dataclass(frozen=True, slots=True)
class FeatureSettings:
    title_weight: float = 3.0
    lead_weight: float = 2.0
    lead_words: int = 60  # the first paragraph, or this many words when the first paragraph is longer
    entity_boost: float = 2.0  # applied to terms the body writes capitalised mid-sentence
    min_length: int = 2  # shorter word tokens ("s", "j") are noise; numbers are kept whatever their length


def _term(token: str, min_length: int) -> str | None:
    """The term a token counts as, or None for stopwords and stray letters."""
    if token.endswith(("'s", "’s")):
        token = token[:-2]
    term = token.casefold()
    if term in STOPWORDS or (len(term) < min_length and not term[0].isdigit()):
        return None
    return term


class _Terms(dict):
    """Token -> term (None for stopwords and stray letters), shared by the articles a process handles:
    news vocabulary repeats heavily, so nearly every token is decided once per process, not once per
    article. Emptied when full (~16 MB at 100,000 tokens): a real LRU would cost more on each of the many
    hits than the rare refill."""

    def __init__(self, min_length: int, size: int = 100_000):
        super().__init__()
        self.min_length = min_length
        self.size = size

    def __missing__(self, token: str) -> str | None:
        if len(self) >= self.size:
            self.clear()
        term = self[token] = _term(token, self.min_length)
        return term


@functools.cache
def _terms(min_length: int) -> _Terms:
    return _Terms(min_length)


def _tokens(text: str) -> list[str]:
    return (ASCII_TOKEN if text.isascii() else TOKEN).findall(text)


def _term_counts(tokens: list[str], terms: _Terms) -> Counter[str]:
    """How often the zone has each term, in order of first occurrence. Looked up and counted in C loops:
    a Python step per token was most of the features' cost."""
    counts = Counter(map(terms.__getitem__, tokens))
    del counts[None]  # stopwords
    return counts


def _names(text: str, tokens: list[str], terms: _Terms) -> set[str]:
    """The terms the zone (`tokens`: its _tokens) writes capitalised mid-sentence: a token is a
    name when it is capitalised more often than it opens a sentence. C loops again: the capitalised
    tokens picked by their first letters, the sentence openers by a regex."""
    capitalised = Counter(compress(tokens, map(str.isupper, map(itemgetter(0), tokens))))
    if not capitalised:
        return set()
    openers = Counter(SENTENCE_START.findall(text))
    if first := TOKEN.match(text):
        openers[first.group()] += 1
    return {terms[token] for token, count in capitalised.items() if count > openers[token]} - {None}


class TermWeights(NamedTuple):
    """Term weights as the warehouse stores them: one string of space-separated terms and one float32
    blob, aligned. Also how they travel from the extraction workers: unpickling a dict of a few hundred
    floats cost the run's own process ~90 us per article, this form ~1 us; DuckDB converts Python lists
    of lists element by element, ~100x slower to land than a string and a blob per row."""

    terms: str
    weights: bytes

    def term_list(self) -> list[str]:
        return self.terms.split(" ") if self.terms else []

    def array(self) -> np.ndarray:
        return np.frombuffer(self.weights, dtype="<f4")

    def as_dict(self) -> dict[str, float]:
        return dict(zip(self.term_list(), self.array().tolist(), strict=True))


def _lead(text: str, words: int) -> tuple[str, str]:
    """The lead (first paragraph, at most `words` words) and the rest of the body."""
    first, _, rest = text.strip().partition("\n")
    tokens = first.split()
    if len(tokens) > words:
        return " ".join(tokens[:words]), " ".join(tokens[words:]) + "\n" + rest
    return first, rest


def term_weights(title: str | None, text: str, settings: FeatureSettings = FeatureSettings()) -> TermWeights:
    """Sublinear, zone-weighted term frequencies, boosted for names; IDF is applied later. Terms in order
    of first occurrence (title, lead, body): new terms are numbered in that order (StoryIndex)."""
    lead, body = _lead(text, settings.lead_words)
    terms = _terms(settings.min_length)
    zones = (title or "", lead, body)
    tokens = [_tokens(zone) for zone in zones]
    counts = [_term_counts(zone_tokens, terms) for zone_tokens in tokens]
    order = dict.fromkeys(chain.from_iterable(counts))  # the terms, first occurrence first
    # Weighted counts summed zone by zone, where they were added one occurrence at a time: equal for
    # whole-number weights.
    frequencies = sum(weight * np.fromiter(map(zone.get, order, repeat(0)), dtype=np.float64, count=len(order))
                      for zone, weight in zip(counts, (settings.title_weight, settings.lead_weight, 1.0)))
    # math.log, as the weights were always computed (numpy's log may differ in the last bit); rounded to
    # float32 last, as they are stored.
    weights = np.fromiter(map(math.log, frequencies.tolist()), dtype=np.float64, count=len(order)) + 1.0
    # Headlines are often in title case, so only the running text can tell a name from a word.
    names = _names(lead, tokens[1], terms) | _names(body, tokens[2], terms)
    position = dict(zip(order, count()))
    weights[[position[name] for name in names]] *= settings.entity_boost
    return TermWeights(" ".join(order), weights.astype("<f4").tobytes())
