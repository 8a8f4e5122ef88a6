"""The plain-text cleaner: for articles that arrive already flattened (first line the title, then the body).

It works line by line and only ever *removes* whole lines, recording the rule for each; kept lines are
returned verbatim (surrounding whitespace aside). Bylines and datelines stay in the body (readers and the
real pages' hand-marked text count an article's own stamps as part of it) and are read into its author
and date.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property

import justext
from dateutil import parser as date_parser

from newsingest.extract.boilerplate import SOURCE_BOILERPLATE, line_key
from newsingest.extract.flattened import (LIST_MARKER, ArticleSpanSettings, BetweenCruftSettings, LinkListSettings,
                                          is_paragraph, judge_between_cruft, judge_flattened)
from newsingest.extract.language import count_words, detect_language, primary_language
from newsingest.extract.rules import is_comment_section_header, match_line_rule, match_list_header
from newsingest.records import RemovedLine

NAME = r"[A-Z\u00C0-\u024F][\w.'’\u00C0-\u024F-]*"
PERSON = rf"{NAME}(?:\s+{NAME}){{0,3}}"
# "By Maria Lopez and David Chen, Reuters": commas separate authors only when an "and" ends the list;
# otherwise what follows the comma is the affiliation, which is not part of the author's name.
AUTHORS = rf"{PERSON}(?:\s*,\s*{PERSON})*\s+(?:and|&|y|et|und|e)\s+{PERSON}|{PERSON}"
PERSON_SEPARATOR = re.compile(r"\s*,\s*|\s+(?:and|&|y|et|und|e)\s+")
BYLINE = re.compile(
    rf"(?i:by|par|por|von|di|compiled by|written by|reporting by)\s+(?P<author>{AUTHORS})"
    r"(?:\s*(?:,|\||–|—|-)\s*(?P<affiliation>[^.!?]{1,60})|\s+(?i:from agency reports|with agencies))?\s*")
# Words an affiliation may have besides capitalised ones: "Education Correspondent", "BBC News, London",
# "Staff writer". A lowercase word outside this list ("By Monday, all trains ran") means a sentence.
AFFILIATION_WORDS = frozenset("""
of for at in and the on de du des la le del y et und für staff reporter correspondent editor writer
""".split())
# "By Tuesday evening, ..." and "By March, ..." are sentences, not bylines.
NOT_A_NAME = re.compile(
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|may|june|july|august|september"
    r"|october|november|december|christmas|easter|noon|midnight|now|then|contrast|comparison|law|far",
    re.IGNORECASE)
DATELINE_PREFIX = re.compile(
    r"(?:(?:first |last )?(?:published|updated|posted|modified)(?: on| at)?|publié le|mis à jour le|publicado(?: el)?"
    r"|actualizado(?: el)?|veröffentlicht(?: am)?|aktualisiert(?: am)?|pubblicato(?: il)?|date)\s*:?\s*(?P<date>.{4,60})",
    re.IGNORECASE)
# Month names of the fixture languages, translated to English before dateutil (which knows only English).
FOREIGN_MONTHS = {
    "January": "janvier enero januar jänner gennaio janeiro",
    "February": "février fevrier febrero februar febbraio fevereiro",
    "March": "mars marzo märz março",
    "April": "avril abril aprile",
    "May": "mai mayo maggio maio",
    "June": "juin junio juni giugno junho",
    "July": "juillet julio juli luglio julho",
    "August": "août aout agosto",
    "September": "septembre septiembre setiembre settembre setembro",
    "October": "octobre octubre oktober ottobre outubro",
    "November": "novembre noviembre novembro",
    "December": "décembre decembre diciembre dezember dicembre dezembro",
}
FOREIGN_MONTH = re.compile(
    r"\b(" + "|".join(name for names in FOREIGN_MONTHS.values() for name in names.split()) + r")\b", re.IGNORECASE)
ENGLISH_MONTH = {name: english for english, names in FOREIGN_MONTHS.items() for name in names.split()}
MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b", re.IGNORECASE)
# The only words a date is written with (after FOREIGN_MONTHS): month and weekday names, whole or cut short,
# time words and the small words between them. A word that merely starts like one ("15 Marines",
# "200 g Marzipan", "4 Junior") makes the line text, not a date.
DATE_WORDS = frozenset("""
january february march april may june july august september october november december jan feb mar apr jun
jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu
thur thurs fri sat sun am pm a m p h t z at on the of th st nd rd de del el le à am um il às
""".split())
LETTERS = re.compile(r"[^\W\d_]+")
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:\b|(?=T\d))|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b")
STAMP_SEPARATOR = re.compile(r"\s+[|•·]\s+")  # between a date and a reading time in one stamp line
DOTTED_DATE = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b")  # 03.06.2024 is day first everywhere it is used
JOB = (r"journalist|reporter|correspondent|writer|editor|columnist|contributor|freelancer|author|producer|blogger"
       r"|photographer|analyst at \w+")
FOREIGN_JOB = (r"journaliste|rédact(?:eur|rice)|correspondant|correspondante|chroniqueu(?:r|se)|periodista"
               r"|redactor|redactora|corresponsal|columnista|journalistin|redakteur|redakteurin|korrespondent"
               r"|korrespondentin|giornalista|jornalista")
AUTHOR_BIO = re.compile(
    rf"(?:(?i:about the author|à propos de l'auteur|sobre el autor|über den autor|über die autorin)\b.*"
    rf"|(?P<name>{NAME}(?:\s+{NAME}){{1,3}})\s+(?:is|was|has been)\s+(?:a|an|the|our)\s+"
    rf"[^.]{{0,120}}?\b(?:{JOB})s?\b.*"
    rf"|(?P<name2>{NAME}(?:\s+{NAME}){{1,3}})\s+(?:writes|reports|covers)\s+(?:about|on)\b.*"
    rf"|(?P<name3>{NAME}(?:\s+{NAME}){{1,3}})\s+(?:est|es|ist|è|é)\s+(?:une?\s+|el\s+|la\s+|der\s+|die\s+)?"
    rf"(?:[\w-]+\s+){{0,2}}(?i:{FOREIGN_JOB})\b.*)",
)
# "... Follow her on X": anywhere in a line, so searched for rather than a ".*\bfollow...\b.*" in AUTHOR_BIO,
# which had the engine backtrack through every line and was half of the line rules' time.
FOLLOW_THE_WRITER = re.compile(r"\bfollow (?:him|her|them) on (?:twitter|x|linkedin|instagram|bluesky|threads)\b")
WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Who made or sent something, or where to reach them: "Photos by Araski Kuro", "Image via Kirill Linnik",
# "Photo: CPA/Jonas Berg", "Source: Getty", "Photo Credit: Shutterstock.com", "Cross-posted from The Madison Project",
# "Follow ... @stevenmazie", "Read more here: http://...", "Full coverage of U.S. news on NBCNews.com".
CREDIT_OR_ADDRESS = re.compile(r"\b(?i:by|via)\s|\b(?i:credits?|courtesy of|cross-posted)\b"
                               r"|\b(?i:photos?|images?|pictures?|fotos?|bild|sources?|quelle|fuente|fonte)\s*:|https?://|www\.|@\w|\w@\w"
                               r"|\w\.(?i:com|net|org|gov|edu|info|co\.uk|de|fr|es|it)\b")
# One sentence ending and the next beginning inside a line: "... to live in. But where?"
SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]")
# Words too common to say whether a line belongs to an article (English plus the common function words of
# the other languages in our fixtures); a stray headline is judged only by the words that remain.
STOPWORDS = frozenset("""
the and for are but not you all any can had her was one our out has have from they will with this that
what when where who why how into over after before about than then them these those its his their there
been being were would could should also just more most some such only very said says new amid year years
les des une est pour dans par sur qui que pas plus avec aux ces son ses sont ont été être del las los por
para con una que como más sus fue son der die das und mit von den dem des ist ein eine nicht auf für sich
""".split())

# jusText's stop lists (a dependency of trafilatura): each language's most frequent words. The stray-headline
# rule weighs a line by its content words, so it needs its language's list: with our short one alone,
# common German words ("jetzt", "müssen", "beachten") made subheadings look like other stories' headlines.
# Without a list (Chinese and Japanese, which have no spaces to split words at, among them) it says nothing.
JUSTEXT_STOPLISTS = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "pl": "Polish", "cs": "Czech", "sv": "Swedish", "da": "Danish", "no": "Norwegian_Bokmal",
    "nb": "Norwegian_Bokmal", "fi": "Finnish", "ro": "Romanian", "ca": "Catalan", "hu": "Hungarian",
    "tr": "Turkish", "ru": "Russian", "uk": "Ukrainian", "el": "Greek", "id": "Indonesian", "ko": "Korean",
}
# The languages AUTHOR_BIO's sentences are written in.
AUTHOR_BIO_LANGUAGES = frozenset({"en", "fr", "es", "de", "it", "pt"})

# Time-zone abbreviations seen in datelines; dateutil knows only UTC/GMT by itself.
TZ_OFFSETS = {"GMT": 0, "UTC": 0, "BST": 3600, "CET": 3600, "CEST": 7200, "EET": 7200, "EEST": 10800,
              "EST": -18000, "EDT": -14400, "CST": -21600, "CDT": -18000, "PST": -28800, "PDT": -25200}
HEADLINE_MAX_WORDS = 16
LIST_ITEM_MIN_WORDS = 4  # headlines under a list header have 4+ words; subheadings ("Cold and dark") fewer
LIST_MAX_ITEMS = 12
LIST_MIN_ITEMS = 2  # one headline-like line under "Related Posts" is as often the article's own
REPEAT_MIN_WORDS = 8
COMMENTS_AFTER_PARAGRAPHS = 3
TITLE = "title"  # the reason extract/selection.py gives a line that repeats the title
STEM_LENGTH = 5  # crude stemming: "drones"/"drone", "economy"/"economic" compare by their first letters


@dataclass(frozen=True, slots=True)
class StrayHeadlineSettings:
    """When a headline-like line is another story's: it has at least `min_content_words` content words and
    fewer than `min_overlap` of them occur elsewhere in the article. Chosen by measurement on
    tests/fixtures/extraction/text (`benchmarks/extraction_quality.py --text-dir ... --stray-sweep`): the
    real subheadings that share no word with their article are short ("Cold and dark", "Questions remain")
    while other stories' headlines are full sentences without a full stop."""

    min_content_words: int = 4
    min_overlap: float = 0.25


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


def _words(text: str) -> set[str]:
    words = WORD.findall(text)
    if not words:
        return set()
    # One NFKC and casefold call for all the words, not two per word (they were a third of clean_lines'
    # time): "\n" neither composes with a letter nor comes out of one, so the joined words normalise to
    # the joined normalised words.
    return set(unicodedata.normalize("NFKC", "\n".join(words)).casefold().split("\n"))


@cache
def stopwords(language: str | None) -> frozenset[str] | None:
    """The words too common to tell articles apart in `language`, or None when we have no list for it."""
    name = JUSTEXT_STOPLISTS.get(language or "")
    return STOPWORDS | justext.get_stoplist(name) if name else None


def _content_stems(words: set[str], common: frozenset[str]) -> set[str]:
    return {w[:STEM_LENGTH] for w in words if w not in common}


def _english_months(text: str) -> str:
    return FOREIGN_MONTH.sub(lambda m: ENGLISH_MONTH[m.group(1).lower()], text)


def parse_date(text: str) -> datetime | None:
    """A date written out in a dateline, or None when the text is not a date."""
    text = _english_months(text)
    if not (MONTH.search(text) or ISO_DATE.search(text)):
        return None
    try:
        return date_parser.parse(text, fuzzy=True, tzinfos=TZ_OFFSETS, dayfirst=bool(DOTTED_DATE.search(text)))
    except (ValueError, OverflowError):
        return None


def _is_affiliation(text: str | None) -> bool:
    if text is None:
        return True
    words = re.findall(r"[^\W\d_][\w'’.-]*", text)
    return bool(words) and text[0].isupper() and all(w[0].isupper() or w.lower() in AFFILIATION_WORDS
                                                    for w in words)


def _names_people(author: str) -> bool:
    """Each person a full name (given and family name) or an agency's initials ("AFP"): "Von Hoffnung und
    Angst", a German subheading, names two capitalised nouns, not people."""
    return all(len(person.split()) >= 2 or (len(person) >= 2 and person.isupper())
               for person in PERSON_SEPARATOR.split(author))


def match_byline(line: str) -> str | None:
    """The author named by a byline ("By Tomas Lind, Brussels" -> "Tomas Lind"), or None."""
    match = BYLINE.fullmatch(line)
    if not match or len(line.split()) > 14 or not _is_affiliation(match.group("affiliation")):
        return None
    author = match.group("author").strip()
    return None if NOT_A_NAME.fullmatch(author.split()[0]) or not _names_people(author) else author


def _match_date_part(part: str) -> datetime | None:
    prefixed = DATELINE_PREFIX.fullmatch(part)
    date = prefixed.group("date") if prefixed else part
    # The date must be only a date: no words besides date and time-zone words, so that "Updated guidance is
    # expected in May" stays a sentence; and unless a "Published"-like word says so, a whole date with its
    # year: "12. Juni" alone heads a programme's day, it does not date the article.
    if not (prefixed or YEAR.search(date)):
        return None
    words = LETTERS.findall(_english_months(date))
    if any(w.casefold() not in DATE_WORDS and w.upper() not in TZ_OFFSETS for w in words):
        return None
    return parse_date(date)


def match_dateline(line: str) -> datetime | None:
    """The date of a dateline; "Published 7 March 2024 | 4 min read" is a dateline with a reading time."""
    if len(line.split()) > 12:
        return None
    date_part, *others = STAMP_SEPARATOR.split(line)
    if any(match_line_rule(other) is None and _match_date_part(other) is None for other in others):
        return None
    return _match_date_part(date_part)


class Vocabulary:
    """Words of a whole article, to ask whether a line's words occur *elsewhere* in it.

    Counted at the first question: most articles have no line that a context rule weighs against the
    others (an author bio naming someone, a headline-like line with enough content words)."""

    def __init__(self, texts: list[str], common: frozenset[str] | None = STOPWORDS):
        self._texts = texts
        self.common = common  # the language's stop words; None: no list, so no content words to weigh

    @cached_property
    def _counts(self) -> tuple[Counter[str], Counter[str]]:
        """Content-word stems, and exact words for names ("Marchand" is not "Marché")."""
        stems: Counter[str] = Counter()
        words: Counter[str] = Counter()
        for text in self._texts:
            text_words = _words(text)
            if self.common is not None:
                stems.update(_content_stems(text_words, self.common))
            words.update(text_words)
        return stems, words

    def shared_fraction(self, stems: set[str]) -> float:
        """The fraction of a line's content-word stems found in other lines."""
        if not stems:
            return 0.0
        stem_counts, _ = self._counts
        return sum(1 for stem in stems if stem_counts[stem] > 1) / len(stems)

    def mentions_elsewhere(self, name: str, line: str) -> bool:
        in_line = _words(line)
        _, word_counts = self._counts
        return any(word_counts[w] > (1 if w in in_line else 0) for w in _words(name))


def is_author_bio(line: str, vocabulary: Vocabulary) -> bool:
    """A sentence about the writer. If the person it names also appears in the article, it is body."""
    match = AUTHOR_BIO.fullmatch(line)
    if not match:
        # `in` passes over the lines without the words at C speed; the search alone tries every position.
        return "follow " in line and FOLLOW_THE_WRITER.search(line) is not None
    name = match.group("name") or match.group("name2") or match.group("name3")
    return not (name and vocabulary.mentions_elsewhere(name.split()[-1], line))


def is_headline_like(line: str) -> bool:
    """Short, starts with a capital or a digit, and does not end like a sentence or a list item."""
    return (2 <= count_words(line) <= HEADLINE_MAX_WORDS and line[-1] not in ".!;:,\"”’»)…。！？」』"
            and (line[0].isupper() or line[0].isdigit()) and not LIST_MARKER.match(line))


def is_listed_headline(line: str) -> bool:
    """An entry of a list of headlines, with or without a list marker ("1. Council tax to rise")."""
    item = LIST_MARKER.sub("", line, count=1)
    return len(item.split()) >= LIST_ITEM_MIN_WORDS and is_headline_like(item)


def is_sentence_case(line: str) -> bool:
    """Fewer than half the words after the first start with a capital: a sentence, where a headline in
    title case ("Women Will Love This: Funniest Prayer to God") capitalises most of its words."""
    words = [word for word in line.split()[1:] if word[0].isalpha()]
    return sum(word[0].isupper() for word in words) * 2 < len(words)


def is_writers_prose(line: str) -> bool:
    """A question or more than one sentence, in sentence case: inside a story, the writer talking ("Are
    nine-speed transmissions the natural limit?", "Meanwhile, he must try and find a bubble. But where?"),
    which on the real pages of ../shared/eval the stray-headline rule took for headlines."""
    return is_sentence_case(line) and (line.endswith("?") or SENTENCE_BREAK.search(line) is not None)


def is_stray_headline(line: str, vocabulary: Vocabulary,
                      settings: StrayHeadlineSettings = StrayHeadlineSettings()) -> bool:
    """A headline-like line that shares almost nothing with the rest of the article: another story's.

    Not a credit or an address, which share as few words with the story and are its own (on the real pages
    of ../shared/eval these were a third of what the rule took: "Posted by Dan Friedman, AdWords Product
    Manager", "Write to ... at ...@dowjones.com")."""
    if not is_headline_like(line) or CREDIT_OR_ADDRESS.search(line):
        return False
    stems = _content_stems(_words(line), vocabulary.common)
    # A short subheading ("Cold and dark") is never stray: no need to count the article's words for it.
    return len(stems) >= settings.min_content_words and vocabulary.shared_fraction(stems) < settings.min_overlap


def read_stamp(line: str) -> str | datetime | None:
    """The author a byline names or the date a dateline gives, or None for any other line."""
    return match_byline(line) or match_dateline(line)


def _paragraph_span(candidates: list[tuple[int, str]], reasons: dict[int, str]) -> tuple[int, int]:
    """Positions of the article's first and last paragraph among the lines no rule removed."""
    paragraphs = [position for position, line in candidates if position not in reasons and is_paragraph(line)]
    return (paragraphs[0], paragraphs[-1]) if paragraphs else (0, -1)


def _read_stamps_at_the_edges(candidates: list[tuple[int, str]], reasons: dict[int, str],
                              stamps: dict[int, str | datetime], judged: Mapping[int, str],
                              result: CleanedText) -> None:
    """A byline or dateline states the article's author or date only above its first paragraph or below its
    last; between paragraphs a date or a "By ..." line is the story's own (a timeline's "November 23, 1928",
    a live blog's "updated 1:25 PM EST", a quoted memo's "DATE: ..."), so it says nothing. Nor does a stamp
    in a line a context rule removed (a reader comment's "By ..."); one the line selection dropped still
    dates the page."""
    first, last = _paragraph_span(candidates, reasons)
    for position, value in stamps.items():
        removed_by_a_rule = position in reasons and reasons[position] != judged.get(position)
        if removed_by_a_rule or first < position < last:
            continue
        if isinstance(value, datetime):
            result.published_at = result.published_at or value
        else:
            result.author = result.author or value


def _mark_listed_headlines(candidates: list[tuple[int, str]], reasons: dict[int, str]) -> None:
    """A list header ("Most read", "More from Business") and the headlines listed under it go together; a
    header that lists no headline stays (rules.LIST_HEADERS)."""
    header: tuple[int, str] | None = None  # (position, rule) of the header the lines below may belong to
    listed: list[int] = []
    for position, line in [*candidates, (None, "")]:
        rule = match_list_header(line)
        if header and not rule and position not in reasons and len(listed) < LIST_MAX_ITEMS \
                and is_listed_headline(line):
            listed.append(position)
            continue
        if header and len(listed) >= LIST_MIN_ITEMS:
            for listed_position in (header[0], *listed):
                reasons.setdefault(listed_position, header[1])
        header, listed = ((position, rule) if rule else None), []


def _mark_comment_section(candidates: list[tuple[int, str]], reasons: dict[int, str]) -> None:
    """A reader-comments header and everything after it are readers' text. Only a header below the story's
    first COMMENTS_AFTER_PARAGRAPHS paragraphs counts: a "12 comments" counter in a share bar near the top
    is one of the article's stamps and must not take the article. (It used to be a header in the second
    half of the lines, which long comment sections never satisfy: on the dev pages' plain text that took
    99 cruft lines, this takes 545, for 8 body lines instead of 4.)"""
    paragraphs = 0
    for index, (position, line) in enumerate(candidates):
        if paragraphs >= COMMENTS_AFTER_PARAGRAPHS and is_comment_section_header(line):
            for later, _ in candidates[index:]:
                reasons.setdefault(later, "comment_form")
            return
        if position not in reasons and is_paragraph(line):
            paragraphs += 1


def _mark_repeated_paragraphs(candidates: list[tuple[int, str]], reasons: dict[int, str]) -> None:
    """A paragraph the article already has, word for word: a page's teaser or summary of its own story,
    or its print copy, which trafilatura's recall mode takes in too. Short lines ("Yes.", "* * *") may
    rightly recur; a sentence of REPEAT_MIN_WORDS or more does not."""
    seen: set[str] = set()
    for position, line in candidates:
        if position in reasons or count_words(line) < REPEAT_MIN_WORDS:
            continue
        key = " ".join(line.split()).casefold()
        if key in seen:
            reasons[position] = "repeated_paragraph"
        seen.add(key)


def _heads_the_byline(line: str, following: str) -> bool:
    """A headline right above the byline is the story's own: the page's <h1>, where its <title> (the title
    given) is a shorter headline. A question in sentence case there is a reader poll's (our fixture h025)."""
    return match_byline(following) is not None and not is_writers_prose(line)


def _context_rule(line: str, following: str, in_story: bool, vocabulary: Vocabulary,
                  stray: StrayHeadlineSettings, language: str | None) -> str | None:
    """Rules that judge a line against the rest of the article, each in the languages it knows. A line the
    next one continues in lower case is part of a sentence broken across lines, never a headline; below the
    story's first paragraph a question or a line of sentences is the writer's (above it, a question is a
    reader poll's), and a line that heads the byline is the story's own headline."""
    if language in AUTHOR_BIO_LANGUAGES and is_author_bio(line, vocabulary):
        return "author_bio"
    if (vocabulary.common is not None and not following[:1].islower() and not (in_story and is_writers_prose(line))
            and not _heads_the_byline(line, following) and is_stray_headline(line, vocabulary, stray)):
        return "stray_headline"
    return None


def clean_lines(lines: list[str], title: str | None = None,
                stray: StrayHeadlineSettings = StrayHeadlineSettings(), learned: frozenset[str] = frozenset(),
                start: int = 0, language: str | None = None, judged: Mapping[int, str] | None = None,
                between_cruft: BetweenCruftSettings | None = None) -> CleanedText:
    """Remove cruft lines from an article body; `title` is used as context, never removed.

    `learned` holds the line keys of the source's learned boilerplate (extract/boilerplate.py); `start` is
    the position of the first line in the text it came from, so that positions stay unique per article;
    `language` (a tag such as "de" or "en-GB") is detected from the lines when not given; `judged` maps the
    positions of lines found not to be article text before cleaning (extract/selection.py) to the reason,
    given when no line rule names them. With `between_cruft` (text that arrived flattened), short lines
    between the lines the rules removed go too (flattened.judge_between_cruft).
    """
    judged = judged or {}
    result = CleanedText(title=title, lines=[])
    candidates: list[tuple[int, str]] = []
    reasons: dict[int, str] = {}
    stamps: dict[int, str | datetime] = {}  # position -> the author or date of a byline or dateline
    for position, raw_line in enumerate(lines, start):
        if line := normalise_line(raw_line):
            candidates.append((position, line))
            # A line repeating the title is the title, whatever it reads like ("WATCH: ..." heads a video page).
            rule = None if judged.get(position) == TITLE else match_line_rule(line)
            if reason := rule or judged.get(position):
                reasons[position] = reason
            elif learned and line_key(line) in learned:
                reasons[position] = SOURCE_BOILERPLATE
            if not rule and (stamp := read_stamp(line)):
                stamps[position] = stamp
    # Detected on the lines the line rules leave, stripped, as cleaning the cleaned text sees them: an "Ad"
    # marker or stray spaces must not change the language the context rules below weigh words in.
    text = "\n".join(line for position, line in candidates if position not in reasons)
    language = primary_language(language) or detect_language(text)
    _mark_listed_headlines(candidates, reasons)
    _mark_comment_section(candidates, reasons)
    _mark_repeated_paragraphs(candidates, reasons)
    # Context rules compare with the story's lines that survived the line rules: a byline naming the author
    # must not make the author's bio look like part of the story.
    story = [line for position, line in candidates if position not in reasons and position not in stamps]
    vocabulary = Vocabulary([title or "", *story], stopwords(language))
    first_paragraph, _ = _paragraph_span(candidates, reasons)
    # The line that follows is the next one kept so far: an "Ad" marker removed between a headline and the
    # story does not continue the headline, and cleaning the cleaned text must see the same neighbours.
    remaining = [(position, line) for position, line in candidates if position not in reasons]
    for index, (position, line) in enumerate(remaining):
        following = remaining[index + 1][1] if index + 1 < len(remaining) else ""
        if reason := _context_rule(line, following, position > first_paragraph, vocabulary, stray, language):
            reasons[position] = reason
    if between_cruft is not None:
        reasons.update(judge_between_cruft(candidates, reasons, vocabulary.common, between_cruft))
    # Decided on what every other rule left, so that cleaning the cleaned text reads the same stamps.
    _read_stamps_at_the_edges(candidates, reasons, stamps, judged, result)
    for position, line in candidates:
        reason = reasons.get(position)
        if reason is None:
            result.lines.append(line)
        else:
            result.removed.append(RemovedLine(line=line, rule=reason, position=position))
    return result


def split_title(text: str, title: str | None = None) -> tuple[str | None, list[str], int]:
    """(title, body lines, position of the first body line). Without a known title, the first non-blank
    line is the title."""
    lines = text.splitlines()
    if title is not None:
        return title, lines, 0
    start = 0
    while lines and not normalise_line(lines[0]):
        lines.pop(0)
        start += 1
    title = normalise_line(lines.pop(0)) if lines else None
    return title, lines, start + 1


def clean_text(text: str, title: str | None = None, stray: StrayHeadlineSettings = StrayHeadlineSettings(),
               learned: frozenset[str] = frozenset(), language: str | None = None,
               link_lists: LinkListSettings = LinkListSettings(),
               span: ArticleSpanSettings = ArticleSpanSettings(),
               between_cruft: BetweenCruftSettings = BetweenCruftSettings()) -> CleanedText:
    """Clean a flattened article (see split_title for where its title comes from)."""
    title, lines, start = split_title(text, title)
    return clean_lines(lines, title=title, stray=stray, learned=learned, start=start, language=language,
                       judged=judge_flattened(lines, start, link_lists, span), between_cruft=between_cruft)
