"""The two seed articles: 004 loses exactly its 8 cruft lines, 000 loses nothing."""

from newsingest.extract.text import clean_text

from conftest import SEED_CLEAN, SEED_CRUFT

SEED_004_CRUFT = {
    "Saudi Arabia unveils intellectual property strategy amid efforts to diversify economy": "stray_headline",
    "Read | Russia to expand military links with Iran, says UK": "related_link",
    "Read Also: 10 Most Handsome Men In Morocco In 2024": "related_link",
    "Share:": "share_prompt",
    "author": "orphan_label",
    "Omar Haddad is a technology and business journalist who writes about startups, fintech innovations, "
    "and digital growth in the Middle East.": "author_bio",
    "Leave a Reply": "comment_form",
    "Your email address will not be published. Required fields are marked *": "comment_form",
}


def norm(line: str) -> str:
    return " ".join(line.split())


def body_lines(path):
    lines = [norm(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[0], lines[1:]


def test_seed_004_loses_exactly_its_cruft_with_reasons():
    title, lines = body_lines(SEED_CRUFT)
    cleaned = clean_text(SEED_CRUFT.read_text(encoding="utf-8"))
    assert cleaned.title == title
    assert {norm(r.line): r.rule for r in cleaned.removed} == SEED_004_CRUFT
    assert [norm(line) for line in cleaned.lines] == [line for line in lines if line not in SEED_004_CRUFT]


def test_seed_000_is_untouched():
    title, lines = body_lines(SEED_CLEAN)
    cleaned = clean_text(SEED_CLEAN.read_text(encoding="utf-8"))
    assert cleaned.removed == []
    assert cleaned.title == title
    assert [norm(line) for line in cleaned.lines] == lines
