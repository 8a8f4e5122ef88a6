"""Context for text that arrives flattened (no markup left to say what is a menu): jusText's context rule,
after Pomikálek (2011), reduced to what holds on real pages.

A page's furniture survives flattening as runs of short lines that are not sentences: menus, blogrolls,
"Related posts" lists. jusText lets such lines go with their neighbours; on the plain-text set built from
the real pages of ../shared/eval (benchmarks/extraction_quality.py --dev --plain-text), short lines in the
*middle* of an article are body twice as often as not (subheadings, list items, captions), while long runs
of them above the first paragraph or below the last are mostly furniture. So only those go, and only when
no line ending in a colon introduces them ("Ingredients:", "From left to right:": a list the article
gives).
"""

from __future__ import annotations

from dataclasses import dataclass

from newsingest.extract.language import count_words

LINK_LIST = "link_list"
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


def judge_link_lists(lines: list[str], start: int = 0,
                     settings: LinkListSettings = LinkListSettings()) -> dict[int, str]:
    """position -> LINK_LIST for the lines of runs of short lines that lie above the first paragraph or below
    the last (positions count from `start`, blank lines included, as clean_lines counts them)."""
    numbered = [(position, line.strip()) for position, line in enumerate(lines, start) if line.strip()]
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
