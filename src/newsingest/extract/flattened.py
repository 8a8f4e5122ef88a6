"""Context for text that arrives flattened (no markup left to say what is a menu): jusText's context rule,
after Pomikálek (2011), reduced to what holds on real pages.

A page's furniture survives flattening as runs of short lines that are not sentences: menus, blogrolls,
"Related posts" lists. jusText lets such lines go with their neighbours; on the plain-text set built from
the real pages of ../shared/eval (benchmarks/extraction_quality.py --dev --plain-text), short lines in the
*middle* of an article are body about as often as not (subheadings, list items, captions), while long runs
of them above the first paragraph or below the last are mostly furniture. So only those go, and only when
no line ending in a colon introduces them ("Ingredients:", "From left to right:": a list the article
gives).
"""

from __future__ import annotations

from newsingest.extract.language import count_words

LINK_LIST = "link_list"
SHORT_MAX_WORDS = 7  # a line this short that does not end like a sentence is a label, a link or a name
RUN_MIN_LINES = 8  # shorter runs are a list the article gives as often as a menu (see module doc)
PARAGRAPH_MIN_WORDS = 10  # a line this long that ends like a sentence is one of the article's paragraphs
SENTENCE_END = tuple(".!?\"”’»)…。！？」』")


def is_paragraph(line: str) -> bool:
    return line.endswith(SENTENCE_END) and count_words(line) >= PARAGRAPH_MIN_WORDS


def is_short(line: str) -> bool:
    return count_words(line) <= SHORT_MAX_WORDS and not line.endswith(SENTENCE_END)


def judge_link_lists(lines: list[str], start: int = 0) -> dict[int, str]:
    """position -> LINK_LIST for the lines of runs of RUN_MIN_LINES short lines or more that lie above the
    first paragraph or below the last (positions count from `start`, blank lines included, as clean_lines
    counts them)."""
    numbered = [(position, line.strip()) for position, line in enumerate(lines, start) if line.strip()]
    paragraphs = [index for index, (_, line) in enumerate(numbered) if is_paragraph(line)]
    if not paragraphs:
        return {}
    edges = [range(0, paragraphs[0]), range(paragraphs[-1] + 1, len(numbered))]
    judged: dict[int, str] = {}
    for edge in edges:
        for run in _short_runs(numbered, edge):
            introduced = run[0] > 0 and numbered[run[0] - 1][1].endswith(":")
            if len(run) >= RUN_MIN_LINES and not introduced:
                judged.update((numbered[index][0], LINK_LIST) for index in run)
    return judged


def _short_runs(numbered: list[tuple[int, str]], span: range) -> list[list[int]]:
    """Indexes of the maximal runs of short lines within `span`."""
    runs: list[list[int]] = []
    current: list[int] = []
    for index in span:
        if is_short(numbered[index][1]):
            current.append(index)
        else:
            runs, current = runs + [current] if current else runs, []
    return runs + [current] if current else runs
