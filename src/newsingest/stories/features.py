"""What an article is about, as weighted terms: the words and names a story's reports have in common.

Independent reports of one event share few phrases (so MinHash cannot link them) but they share the
event's *names and numbers*: places, people, organisations, amounts, scores. So the features are single
words, weighted by where they occur (the headline and the lead say what the story is) and boosted when
the text writes them capitalised mid-sentence (a cheap named-entity detector that needs no model).
Weights here are term frequencies only; rarity (IDF) is applied at comparison time from the running
corpus statistics, so a stored feature vector never goes stale.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

# Numbers keep their decimal point ("6.6", "4.25") and percent sign: magnitudes, rates and scores are
# among the best clues that two reports describe the same event.
TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W\d_]+(?:['’][^\W\d_]+)*")
SENTENCE_END = re.compile(r"[.!?:;\"“”\n]\s*$")

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


def _count_zone(text: str, weight: float, min_length: int, counts: dict[str, float], names: set[str] | None) -> None:
    """Add the zone's terms to `counts` with its weight; with `names`, also collect the terms it writes
    capitalised mid-sentence."""
    terms: dict[str, str | None] = {}  # token -> term: a zone repeats its words, decide each once
    for match in TOKEN.finditer(text):
        token = match.group()
        term = terms[token] if token in terms else terms.setdefault(token, _term(token, min_length))
        if term is None:
            continue
        counts[term] = counts.get(term, 0.0) + weight
        if names is not None and token[0].isupper() and term not in names and (start := match.start()) > 0 \
                and not SENTENCE_END.search(text, max(0, start - 3), start):
            names.add(term)


def pack(weights: dict[str, float]) -> tuple[str, bytes]:
    """Weights as the warehouse stores them: one string of terms and one float32 blob. (DuckDB converts
    Python lists of lists element by element, ~100x slower to land than a string and a blob per row.)"""
    return " ".join(weights), np.fromiter(weights.values(), dtype="<f4", count=len(weights)).tobytes()


def unpack(terms: str, weights: bytes) -> dict[str, float]:
    return dict(zip(terms.split(" "), np.frombuffer(weights, dtype="<f4").tolist(), strict=True)) if terms else {}


def _lead(text: str, words: int) -> tuple[str, str]:
    """The lead (first paragraph, at most `words` words) and the rest of the body."""
    first, _, rest = text.strip().partition("\n")
    tokens = first.split()
    if len(tokens) > words:
        return " ".join(tokens[:words]), " ".join(tokens[words:]) + "\n" + rest
    return first, rest


def term_weights(title: str | None, text: str, settings: FeatureSettings = FeatureSettings()) -> dict[str, float]:
    """Sublinear, zone-weighted term frequencies, boosted for names; IDF is applied later."""
    lead, body = _lead(text, settings.lead_words)
    counts: dict[str, float] = {}
    names: set[str] = set()
    # Headlines are often in title case, so only the running text can tell a name from a word.
    _count_zone(title or "", settings.title_weight, settings.min_length, counts, None)
    _count_zone(lead, settings.lead_weight, settings.min_length, counts, names)
    _count_zone(body, 1.0, settings.min_length, counts, names)
    return {term: (1.0 + math.log(count)) * (settings.entity_boost if term in names else 1.0)
            for term, count in counts.items()}
