"""Context for flattened text (extract/flattened.py): runs of short lines at the article's edges go as a
link list; lists the article gives, and short lines between its paragraphs, stay; lines without text go,
and so do other stories listed with their dates below the article, but not the article's own stamps. Our own examples, shaped
after the real pages of ../shared/eval (benchmarks/extraction_quality.py --dev --plain-text measures it)."""

from __future__ import annotations

from newsingest.extract.flattened import (DATED_TEASER, LINK_LIST, NO_TEXT, LinkListSettings,
                                          judge_link_lists)
from newsingest.extract.text import clean_text

ENGLISH = ["Council approves new cycle lanes for the city centre",
           "The city council voted on Tuesday to build six kilometres of protected cycle lanes by next summer.",
           "Work on the first section, along the river, is due to start in March, the council said."]
MENU = ["Home", "News", "Sport", "Business", "Culture", "Travel", "Weather", "Video", "Podcasts", "Contact us"]
GERMAN = ["Stadtrat beschließt neue Radwege",
          "Der Stadtrat hat am Dienstag beschlossen, bis zum nächsten Sommer sechs Kilometer Radwege zu bauen.",
          "Die Arbeiten am ersten Abschnitt entlang des Flusses sollen im März beginnen, teilte die Stadt mit."]
GERMAN_MENU = ["Startseite", "Politik", "Wirtschaft", "Sport", "Kultur", "Reise", "Wetter", "Leserbriefe",
               "Kontakt", "Impressum"]
CHINESE = ["市议会批准新建自行车道",
           "市议会周二投票决定，在明年夏天之前修建六公里受保护的自行车道。",
           "市政府表示，沿河的第一段工程将于三月份开工，预计年底完工。"]
CHINESE_MENU = ["首页", "新闻", "体育", "财经", "文化", "旅游", "天气", "视频", "图片", "联系我们"]


def removed(text_lines: list[str]) -> list[tuple[str, str]]:
    return [(r.line, r.rule) for r in clean_text("\n".join(text_lines)).removed]


def test_a_menu_above_the_first_paragraph_goes():
    assert removed([ENGLISH[0], *MENU, *ENGLISH[1:]]) == [(line, LINK_LIST) for line in MENU]


def test_a_german_menu_below_the_last_paragraph_goes():
    assert removed([*GERMAN, *GERMAN_MENU]) == [(line, LINK_LIST) for line in GERMAN_MENU]


def test_a_chinese_menu_below_the_last_paragraph_goes():
    # Chinese paragraphs are counted in characters and end with "。": they are paragraphs, the menu is not.
    assert removed([*CHINESE, *CHINESE_MENU]) == [(line, LINK_LIST) for line in CHINESE_MENU]


def test_a_list_the_article_introduces_stays():
    ingredients = ["Ingredients:", "1 large onion", "4 cloves garlic", "1 tsp cumin", "1 tsp flour",
                   "2 cans white beans", "cayenne to taste", "1/4 tsp sugar", "chopped green onions",
                   "sour cream to garnish", "salt and pepper to taste"]
    assert removed([*ENGLISH, *ingredients]) == []


def test_short_lines_between_paragraphs_stay():
    # In the middle of an article short lines are subheadings and list items as often as not.
    assert removed([ENGLISH[0], ENGLISH[1], *MENU, ENGLISH[2]]) == []


def test_a_short_run_at_the_edge_stays():
    # A dateline, a byline and a kicker above the first paragraph are not a menu.
    assert removed([ENGLISH[0], "Local news", "Tuesday", "City desk", *ENGLISH[1:]]) == []


def test_positions_count_blank_lines_as_the_cleaner_does():
    lines = ["", *MENU, "", ENGLISH[1]]
    assert judge_link_lists(lines, start=3) == {position: LINK_LIST for position in range(4, 14)}
    assert judge_link_lists(lines, settings=LinkListSettings(run_min_lines=11)) == {}


def test_lines_without_a_letter_or_digit_go_in_any_language():
    separators = ["—————", "-", "* * *", "|", "###"]
    for article in (ENGLISH, GERMAN, CHINESE):
        lines = [article[0], separators[0], article[1], *separators[1:3], article[2], *separators[3:]]
        assert removed(lines) == [(line, NO_TEXT) for line in separators]


def test_a_separator_does_not_break_a_menu_into_runs_too_short_to_go():
    menu = [*MENU[:5], "|", *MENU[5:]]
    assert removed([*ENGLISH, *menu]) == [(line, NO_TEXT if line == "|" else LINK_LIST) for line in menu]


def test_other_stories_listed_with_their_dates_below_the_article_go():
    english = ["- After Setback, Mayor Still Intent on Speeding Transit Projects - Nov 09, 2012",
               "- Congestion Pricing Debuts on the Harbour Bridge - November 13, 2012"]
    german = ["Neue Buslinie für die Altstadt beschlossen – 12.03.2024", "Hafenfest lockt tausende Besucher 2024-03-10"]
    chinese = ["市中心将新建两座停车场 2024年3月12日", "地铁三号线延长段下月通车 2024-03-10"]
    for article, teasers in ((ENGLISH, english), (GERMAN, german), (CHINESE, chinese)):
        assert removed([*article, *teasers]) == [(line, DATED_TEASER) for line in teasers]


def test_the_articles_own_dated_lines_stay():
    # Its stamps below it, and a dated line between its paragraphs (a timeline, a quoted release).
    stamps = ["Posted by Kathy on March 21, 2007", "Published: July 5, 2012", "Updated Nov 9, 2012",
              "Von Anna Becker, 12.03.2024"]
    assert [line for line, _ in removed([*ENGLISH, *stamps])] == []
    timeline = "The council first proposed the lanes on March 3, 2012"
    assert removed([ENGLISH[0], ENGLISH[1], timeline, ENGLISH[2]]) == []
