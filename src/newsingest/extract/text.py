"""The plain-text cleaner: for articles that arrive already flattened (first line the title, then the body).

It works line by line and only ever *removes* whole lines, recording the rule for each; kept lines are
returned verbatim (surrounding whitespace aside). Bylines and datelines are removed from the body but
their author and date are kept as metadata.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from dateutil import parser as date_parser

from newsingest.extract.rules import match_line_rule
from newsingest.records import RemovedLine

NAME = r"[A-Z\u00C0-\u024F][\w.'’\u00C0-\u024F-]*"
BYLINE = re.compile(
    rf"(?i:by|par|por|von|di)\s+(?P<author>{NAME}(?:\s+{NAME}){{0,3}}(?:\s*(?:,|and|&|y|et|und)\s*{NAME}(?:\s+{NAME}){{0,3}})?)"
    r"(?:\s*(?:,|\||–|—|-)\s*(?P<affiliation>[^.!?]{1,60}))?\s*")
DATELINE_PREFIX = re.compile(
    r"(?:(?:first |last )?(?:published|updated|posted|modified)(?: on| at)?|publié le|mis à jour le|publicado(?: el)?"
    r"|actualizado(?: el)?|veröffentlicht(?: am)?|aktualisiert(?: am)?|date)\s*:?\s*(?P<date>.{4,60})",
    re.IGNORECASE)
MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b", re.IGNORECASE)
DATE_WORDS = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|am|pm|gmt|utc|bst|cet"
    r"|cest|est|edt|pst|pdt|at|on|the|of|th|st|nd|rd)[a-z]*\.?", re.IGNORECASE)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b")
AUTHOR_BIO = re.compile(
    rf"(?:about the author\b.*|(?P<name>{NAME}(?:\s+{NAME}){{1,3}})\s+(?:is|was|has been)\s+(?:a|an|the|our)\s+"
    r"[^.]{0,120}?\b(?:journalist|reporter|correspondent|writer|editor|columnist|contributor|freelancer|"
    r"author|producer|blogger|photographer|analyst at \w+)s?\b.*"
    rf"|(?P<name2>{NAME}(?:\s+{NAME}){{1,3}})\s+(?:writes|reports|covers)\s+(?:about|on)\b.*"
    r"|.*\bfollow (?:him|her|them) on (?:twitter|x|linkedin|instagram|bluesky|threads)\b.*)",
)
WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Words too common to say whether a line belongs to an article (English plus the common function words of
# the other languages in our fixtures); a stray headline is judged only by the words that remain.
STOPWORDS = frozenset("""
the and for are but not you all any can had her was one our out has have from they will with this that
what when where who why how into over after before about than then them these those its his their there
been being were would could should also just more most some such only very said says new amid year years
les des une est pour dans par sur qui que pas plus avec aux ces son ses sont ont été être del las los por
para con una que como más sus fue son der die das und mit von den dem des ist ein eine nicht auf für sich
""".split())

# Time-zone abbreviations seen in datelines; dateutil knows only UTC/GMT by itself.
TZ_OFFSETS = {"GMT": 0, "UTC": 0, "BST": 3600, "CET": 3600, "CEST": 7200, "EET": 7200, "EEST": 10800,
              "EST": -18000, "EDT": -14400, "CST": -21600, "CDT": -18000, "PST": -28800, "PDT": -25200}
STRAY_MAX_WORDS = 16
STRAY_MIN_CONTENT_WORDS = 2
# Fraction of a headline-like line's content words that must appear elsewhere in the article for the line
# to count as the article's own subheading. Chosen on tests/fixtures/extraction (see benchmarks/).
STRAY_MIN_OVERLAP = 0.25
STEM_LENGTH = 5  # crude stemming: "drones"/"drone", "economy"/"economic" compare by their first letters


@dataclass(slots=True)
class CleanedText:
    title: str | None
    lines: list[str]
    removed: list[RemovedLine] = field(default_factory=list)
    author: str | None = None
    published_at: datetime | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def normalise_line(line: str) -> str:
    """Surrounding whitespace off, NBSP and other Unicode spaces inside a line left as they were."""
    return line.strip(" \t\r\n\u00a0\u2000\u2001\u2002\u2003\u2009\u200b\ufeff")


def _content_words(text: str) -> set[str]:
    words = (unicodedata.normalize("NFKC", w).casefold() for w in WORD.findall(text))
    return {w[:STEM_LENGTH] for w in words if w not in STOPWORDS}


def parse_date(text: str) -> datetime | None:
    """A date written out in a dateline, or None when the text is not a date."""
    if not (MONTH.search(text) or ISO_DATE.search(text)):
        return None
    try:
        return date_parser.parse(text, fuzzy=True, tzinfos=TZ_OFFSETS)
    except (ValueError, OverflowError):
        return None


def match_byline(line: str) -> str | None:
    match = BYLINE.fullmatch(line)
    if not match or len(line.split()) > 14:
        return None
    return match.group("author").strip()


def match_dateline(line: str) -> datetime | None:
    if len(line.split()) > 10:
        return None
    prefixed = DATELINE_PREFIX.fullmatch(line)
    if prefixed:
        return parse_date(prefixed.group("date"))
    # A bare date line must be only a date: no letters besides month, weekday and time-zone words.
    if WORD.search(DATE_WORDS.sub(" ", line)):
        return None
    return parse_date(line)


class Vocabulary:
    """Content-word counts of a whole article, to ask whether a line's words occur *elsewhere* in it."""

    def __init__(self, texts: list[str]):
        self.counts: Counter[str] = Counter()
        for text in texts:
            self.counts.update(_content_words(text))

    def shared_fraction(self, line: str) -> tuple[int, float]:
        """How many content words the line has, and the fraction of them found in other lines."""
        words = _content_words(line)
        if not words:
            return 0, 0.0
        return len(words), sum(1 for w in words if self.counts[w] > 1) / len(words)

    def mentions_elsewhere(self, word: str, line: str) -> bool:
        stems = _content_words(word)
        return any(self.counts[s] > (1 if s in _content_words(line) else 0) for s in stems)


def is_author_bio(line: str, vocabulary: Vocabulary) -> bool:
    """A sentence about the writer. If the person it names also appears in the article, it is body."""
    match = AUTHOR_BIO.fullmatch(line)
    if not match:
        return False
    name = match.group("name") or match.group("name2")
    return not (name and vocabulary.mentions_elsewhere(name.split()[-1], line))


def is_headline_like(line: str) -> bool:
    words = line.split()
    if not 2 <= len(words) <= STRAY_MAX_WORDS or line[-1] in ".!;:,\"”’»)" or line[0] in "-•*–—“\"'‘(":
        return False
    capitalised = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
    return capitalised >= 2


def is_stray_headline(line: str, vocabulary: Vocabulary) -> bool:
    """A headline-like line that shares almost nothing with the rest of the article: another story's."""
    if not is_headline_like(line):
        return False
    count, overlap = vocabulary.shared_fraction(line)
    return count >= STRAY_MIN_CONTENT_WORDS and overlap < STRAY_MIN_OVERLAP


def _line_rule(line: str, result: CleanedText) -> str | None:
    """Rules that judge a line on its own; bylines and datelines also fill the article's metadata."""
    if reason := match_line_rule(line):
        return reason
    if author := match_byline(line):
        result.author = result.author or author
        return "byline"
    if date := match_dateline(line):
        result.published_at = result.published_at or date
        return "dateline"
    return None


def _context_rule(line: str, vocabulary: Vocabulary) -> str | None:
    """Rules that judge a line against the rest of the article."""
    if is_author_bio(line, vocabulary):
        return "author_bio"
    if is_stray_headline(line, vocabulary):
        return "stray_headline"
    return None


def clean_lines(lines: list[str], title: str | None = None) -> CleanedText:
    """Remove cruft lines from an article body; `title` is used as context, never removed."""
    result = CleanedText(title=title, lines=[])
    candidates: list[tuple[int, str]] = []
    reasons: dict[int, str] = {}
    for position, raw_line in enumerate(lines):
        if line := normalise_line(raw_line):
            candidates.append((position, line))
            if reason := _line_rule(line, result):
                reasons[position] = reason
    # Context rules compare with the lines that survived the line rules: a byline naming the author
    # must not make the author's bio look like part of the story.
    vocabulary = Vocabulary([title or "", *(line for p, line in candidates if p not in reasons)])
    for position, line in candidates:
        reason = reasons.get(position) or _context_rule(line, vocabulary)
        if reason is None:
            result.lines.append(line)
        else:
            result.removed.append(RemovedLine(line=line, rule=reason, position=position))
    return result


def clean_text(text: str, title: str | None = None) -> CleanedText:
    """Clean a flattened article. Without a known title, the first non-blank line is the title."""
    lines = text.splitlines()
    if title is None:
        while lines and not normalise_line(lines[0]):
            lines.pop(0)
        title = normalise_line(lines.pop(0)) if lines else None
    return clean_lines(lines, title=title)
