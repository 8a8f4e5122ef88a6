"""Context for text that arrives flattened (no markup left to say what is a menu): what flattening leaves of
a page's furniture, other stories and readers' comments, judged by where a line lies against the article.
The rules follow the kinds of cruft that stay on real flattened pages (benchmarks/plain_text_remainder.py,
docs/extraction.md): lines without text, other stories listed with their dates, comment threads, link
lists (jusText's context rule, after Pomikálek 2011, reduced to what holds on real pages) and lines far
from the article's run of prose (body text extraction, after Finn et al. 2001); and, after every line rule,
short lines between cruft (jusText's context classification, with the rules' verdicts as its bad lines).

A page's furniture survives flattening as runs of short lines that are not sentences: menus, blogrolls,
"Related posts" lists. jusText lets such lines go with their neighbours; on the plain-text set built from
the real pages of ../shared/eval (benchmarks/extraction_quality.py --dev --plain-text), short lines in the
*middle* of an article are body twice as often as not (subheadings, list items, captions), while long runs
of them above the first paragraph or below the last are mostly furniture. So only those go, and only when
no line ending in a colon introduces them ("Ingredients:", "From left to right:": a list the article
gives).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from newsingest.extract.language import count_words

LINK_LIST = "link_list"
NO_TEXT = "no_text"
DATED_TEASER = "dated_teaser"
FAR_FROM_ARTICLE = "far_from_article"
COMMENT_THREAD = "comment_thread"
BETWEEN_CRUFT = "between_cruft"
# Reasons that say nothing about a line's neighbours: a separator sits between an article's sections as
# often as between menus, and a repeated paragraph is the article's own text.
NOT_CRUFT_EVIDENCE = frozenset({NO_TEXT, "repeated_paragraph"})
LETTER_WORD = re.compile(r"[^\W\d_]+")
GOOD, BAD, SHORT = "good", "bad", "short"  # jusText's classes of a line before its neighbours are weighed
# The head of a reader's comment or a social note: a name of up to four words, perhaps a date, and the verb
# ("Dana K. says:", "Mike on March 3, 2012 at 4:15 pm said:", "elfgrove reblogged this from dcwomen and
# added:", "monica-segura liked this", "Jens schreibt:", "网友小王说："). The words are those of the
# languages listed; elsewhere no line is a head.
COMMENT_HEAD = re.compile(
    r"\S+(?: \S+){0,3}(?: (?:on|at|am|le|el) .{0,40}\d{4}.{0,20})? "
    r"(?i:says|said|wrote|writes|sagt|schreibt|meint|dit|a écrit|dice|escribió)\s*:"
    r"|\S+(?: \S+){0,3} (?i:liked this|reblogged this from \S+(?: and added:)?)"
    r"|\S{1,12}(?:说|写道)[:：]")
MIN_COMMENT_HEADS = 3  # one "... said:" below a paragraph introduces a quote; three make a thread
# "1. Homework clubs ...", "- new cycle routes": items of a list, which are body unless a list header
# ("Most read") introduces them (text.py) or they lie far from the article.
LIST_MARKER = re.compile(r"(?:\d{1,2}[.)]|[-•*–—·▪])\s+")
ITEM_MIN_WORDS = 4  # a list item or sentence this long may be the article's ("- Quick Office 5.3" may too)
# A letter or a digit in any script: a line without one ("-", "—————", "* * *", "|") says nothing.
TEXT_CHARACTER = re.compile(r"[^\W_]")
# A date that ends a line: "Nov 09, 2012", "November 9, 2012", "2012-11-09", "09.11.2012", "11/09/2012",
# "2012年11月9日". Month names in English only: in other languages only the numeric forms count.
DATE_AT_END = re.compile(
    r"(?:\b(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}"
    r"|\b\d{4}-\d{2}-\d{2}|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}年\d{1,2}月\d{1,2}日)\W*$")
# The article's own stamps end with a date too ("Posted by Kathy on March 21, 2007", "Updated Nov 9, 2012").
STAMP_START = re.compile(r"\W*(?i:by|posted|published|updated|modified|first|last|originally|von|par|por)\b")
TEASER_MIN_WORDS = 3  # before the date: "Published: July 5, 2012" is the article's dateline, not a teaser
PARAGRAPH_MIN_WORDS = 10  # a line this long that ends like a statement is one of the article's paragraphs
SENTENCE_END = tuple(".!?\"”’»)…。！？」』")
STATEMENT_END = tuple(".!\"”’»)…。！」』")


def is_paragraph(line: str) -> bool:
    """A line that marks where the article is: long, and ending like a statement (a reader poll's question
    above the story is as long as a paragraph)."""
    return line.endswith(STATEMENT_END) and count_words(line) >= PARAGRAPH_MIN_WORDS


@dataclass(frozen=True, slots=True)
class LinkListSettings:
    """A line of at most `short_max_words` words that does not end like a sentence is short (a label, a link,
    a name); `run_min_lines` short lines in a row at an edge are furniture. Chosen on the plain-text set as
    the setting that removes the most cruft at 95% precision or better (`benchmarks/extraction_quality.py
    --dev --plain-text` prints the grid's choice on four folds by page scored on the fifth: the same setting
    in four folds of five); shorter runs are often a list the article gives."""

    short_max_words: int = 7
    run_min_lines: int = 10


@dataclass(frozen=True, slots=True)
class ArticleSpanSettings:
    """The article is the run of lines with the most prose (Finn et al. 2001's body text extraction, by
    line): a paragraph scores its words, a list item or sentence of ITEM_MIN_WORDS or more `item_weight`
    times its words, any other line `-short_line_cost`. A line more than `max_distance` lines from that run
    is another page's. Chosen on the plain-text set as the setting that removes the most cruft at 95%
    precision or better (`benchmarks/extraction_quality.py --dev --plain-text` prints the choice on four
    folds by page scored on the fifth)."""

    short_line_cost: float = 3.0
    item_weight: float = 0.5
    max_distance: int = 30


@dataclass(frozen=True, slots=True)
class BetweenCruftSettings:
    """jusText's context classification (Pomikálek 2011) on what the line rules leave: a line a rule removed
    is bad; a kept line of `short_chars` characters or more is good when at least `stopword_density` of its
    words are stop words of the article's language, else bad; a shorter one is short. A short line that does
    not end like a sentence goes when the nearest lines above and below it that are not short are both bad,
    unless a good line follows within `heading_distance` characters (jusText's heading rule). Unlike jusText,
    the page's edges are not bad: there short lines are body as often as cruft. Chosen on the plain-text set
    (`benchmarks/extraction_quality.py --dev --plain-text` prints the choice on four folds by page scored on
    the fifth: this one in three folds of five); on all pages 130 characters removes one cruft line more for
    two body lines, and takes subheadings from our labelled texts, whose short paragraphs it no longer counts
    as good text. jusText's own defaults are 70 characters, a density of 0.30 and 200 characters."""

    short_chars: int = 100
    stopword_density: float = 0.3
    heading_distance: int = 200


def judge_between_cruft(candidates: list[tuple[int, str]], reasons: Mapping[int, str],
                        common: frozenset[str] | None,
                        settings: BetweenCruftSettings = BetweenCruftSettings()) -> dict[int, str]:
    """position -> BETWEEN_CRUFT for the short lines no rule removed whose neighbours are cruft: a "Views"
    counter between other stories' headlines, "Search this blog" between a subscribe prompt and a widget
    label. `common` is the stop-word list of the article's language; without one nothing is judged."""
    if common is None:
        return {}
    lines = [(position, line, reasons.get(position)) for position, line in candidates
             if reasons.get(position) not in NOT_CRUFT_EVIDENCE]
    classes = [_context_free_class(line, reason, common, settings) for _, line, reason in lines]
    lengths = [len(line) for _, line, _ in lines]
    judged = {}
    for index, (position, line, reason) in enumerate(lines):
        if (reason is None and classes[index] == SHORT and not line.endswith(SENTENCE_END)
                and _nearest_long(classes, index, -1) == BAD == _nearest_long(classes, index, 1)
                and not heads_good_text(lengths, classes, index, settings.heading_distance)):
            judged[position] = BETWEEN_CRUFT
    return judged


def _context_free_class(line: str, reason: str | None, common: frozenset[str], settings: BetweenCruftSettings) -> str:
    if reason is not None:
        return BAD
    if len(line) < settings.short_chars:
        return SHORT
    words = LETTER_WORD.findall(line.lower())
    stop = sum(word in common for word in words)
    return GOOD if stop >= settings.stopword_density * max(1, len(words)) else BAD


def _nearest_long(classes: list[str], index: int, step: int) -> str | None:
    """The class of the nearest line that is not short, above (step -1) or below (+1); None at an edge."""
    index += step
    while 0 <= index < len(classes):
        if classes[index] != SHORT:
            return classes[index]
        index += step
    return None


def heads_good_text(lengths: list[int], classes: list[str], index: int, distance: int) -> bool:
    """A good line follows line `index` within `distance` characters (lines' `lengths`, jusText's `classes`):
    the line is a heading."""
    between = 0
    for length, line_class in zip(lengths[index + 1:], classes[index + 1:]):
        if between > distance:
            return False
        if line_class == GOOD:
            return True
        between += length
    return False


def judge_flattened(lines: list[str], start: int = 0, settings: LinkListSettings = LinkListSettings(),
                    span: ArticleSpanSettings = ArticleSpanSettings()) -> dict[int, str]:
    """position -> reason for the lines of flattened text that are not the article's, before any line rule:
    lines without text, other stories listed with their dates below the article, a thread of comments, link
    lists, and lines far from the article (judged on the lines the others leave)."""
    numbered = [(position, line.strip()) for position, line in enumerate(lines, start) if line.strip()]
    paragraphs = {position for position, line in numbered if is_paragraph(line)}
    judged = {position: NO_TEXT for position, line in numbered if not TEXT_CHARACTER.search(line)}
    judged.update(_dated_teasers(numbered, paragraphs))
    judged.update(_comment_thread(numbered, paragraphs))
    judged.update(judge_link_lists(lines, start, settings))
    left = [(position, line) for position, line in numbered if position not in judged]
    judged.update(_far_from_article(left, paragraphs, span))
    return judged


def _comment_thread(numbered: list[tuple[int, str]], paragraphs: set[int]) -> dict[int, str]:
    """Below the article's first paragraph, MIN_COMMENT_HEADS comment heads or more make a thread of
    readers' comments: the first head and everything after it go. (A thread under a "Comments" header
    is the line rules' comment_form.)"""
    if not paragraphs:
        return {}
    first = min(paragraphs)
    heads = [position for position, line in numbered if position > first and COMMENT_HEAD.fullmatch(line)]
    if len(heads) < MIN_COMMENT_HEADS:
        return {}
    return {position: COMMENT_THREAD for position, _ in numbered if position >= heads[0]}


def _prose_score(line: str, paragraph: bool, span: ArticleSpanSettings) -> float:
    words = count_words(line)
    if paragraph:
        return words
    if words >= ITEM_MIN_WORDS and (LIST_MARKER.match(line) or line.endswith(SENTENCE_END + (":", ";"))):
        return span.item_weight * words
    return -span.short_line_cost


def _far_from_article(numbered: list[tuple[int, str]], paragraphs: set[int],
                      span: ArticleSpanSettings) -> dict[int, str]:
    """position -> FAR_FROM_ARTICLE for the lines more than span.max_distance lines from the run of lines
    with the highest prose score (the maximum subarray, Kadane's algorithm). On the real pages these are
    sidebars of hundreds of lines and other stories' teasers below a short article."""
    best, best_first, best_last = 0.0, 0, -1
    total, first = 0.0, 0
    for index, (position, line) in enumerate(numbered):
        if total <= 0:
            total, first = 0.0, index
        total += _prose_score(line, position in paragraphs, span)
        if total > best:
            best, best_first, best_last = total, first, index
    if best_last < 0:
        return {}
    return {position: FAR_FROM_ARTICLE for index, (position, _) in enumerate(numbered)
            if index < best_first - span.max_distance or index > best_last + span.max_distance}


def _dated_teasers(numbered: list[tuple[int, str]], paragraphs: set[int]) -> dict[int, str]:
    """Below the article's last paragraph, a title followed by a date ("- After Setback, Mayor Still Intent
    on Transit Projects - Nov 09, 2012") is another story listed with its date: on the real pages of
    ../shared/eval 54 such lines were cruft and none body. Above the first paragraph and between
    paragraphs a dated line is as often the story's own (a timeline, a quoted release)."""
    if not paragraphs:
        return {}
    last = max(paragraphs)
    judged = {}
    for position, line in numbered:
        date = position > last and DATE_AT_END.search(line)
        if date and count_words(line[:date.start()]) >= TEASER_MIN_WORDS and not STAMP_START.match(line):
            judged[position] = DATED_TEASER
    return judged


def judge_link_lists(lines: list[str], start: int = 0,
                     settings: LinkListSettings = LinkListSettings()) -> dict[int, str]:
    """position -> LINK_LIST for the lines of runs of short lines that lie above the first paragraph or below
    the last (positions count from `start`, blank lines included, as clean_lines counts them)."""
    numbered = [(position, line.strip()) for position, line in enumerate(lines, start)
                if TEXT_CHARACTER.search(line)]
    paragraphs = [index for index, (_, line) in enumerate(numbered) if is_paragraph(line)]
    if not paragraphs:
        return {}
    edges = [range(0, paragraphs[0]), range(paragraphs[-1] + 1, len(numbered))]
    judged: dict[int, str] = {}
    for edge in edges:
        for run in _short_runs(numbered, edge, settings.short_max_words):
            # a header ending in a colon, in the run or just above it, introduces a list
            introduced = any(numbered[index][1].endswith(":") for index in range(max(0, run[0] - 1), run[0] + 1))
            if len(run) >= settings.run_min_lines and not introduced:
                judged.update((numbered[index][0], LINK_LIST) for index in run)
    return judged


def _short_runs(numbered: list[tuple[int, str]], span: range, short_max_words: int) -> list[list[int]]:
    """Indexes of the maximal runs of short lines within `span`."""
    runs: list[list[int]] = []
    current: list[int] = []
    for index in span:
        line = numbered[index][1]
        if count_words(line) <= short_max_words and not line.endswith(SENTENCE_END):
            current.append(index)
        else:
            runs, current = runs + [current] if current else runs, []
    return runs + [current] if current else runs
