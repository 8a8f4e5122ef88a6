"""Context for flattened text (extract/flattened.py): runs of short lines at the article's edges go as a
link list; lists the article gives, and short lines between its paragraphs, stay. Our own examples, shaped
after the real pages of ../shared/eval (benchmarks/extraction_quality.py --dev --plain-text measures it)."""

from __future__ import annotations

from newsingest.extract.flattened import LINK_LIST, LinkListSettings, judge_link_lists
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
