"""Context for flattened text (extract/flattened.py): runs of short lines at the article's edges go as a
link list; lists the article gives, and short lines between its paragraphs, stay; lines without text go,
and so do other stories listed with their dates below the article, but not the article's own stamps, and
lines far from the article's run of prose, but not the items of a list the article is; a thread of readers'
comments goes from its first head on; short lines between cruft go after the line rules, but not at the
edges, not before a paragraph, and not in a language without a stop-word list. Our own examples, shaped
after the real pages of ../shared/eval (benchmarks/extraction_quality.py --dev --plain-text measures it)."""

from __future__ import annotations

from newsingest.extract.flattened import (BETWEEN_CRUFT, COMMENT_THREAD, DATED_TEASER, FAR_FROM_ARTICLE, LINK_LIST,
                                          NO_TEXT, ArticleSpanSettings, BetweenCruftSettings, LinkListSettings,
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


def removed(text_lines: list[str], span: ArticleSpanSettings = ArticleSpanSettings()) -> list[tuple[str, str]]:
    return [(r.line, r.rule) for r in clean_text("\n".join(text_lines), span=span).removed]


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
    german = ["Neue Buslinie für die Altstadt beschlossen – 12.03.2024",
              "Hafenfest lockt tausende Besucher 2024-03-10"]
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


SIDEBARS = {
    "en": [f"Harbour ferry timetable changes announced for route {n} this winter" for n in range(45)],
    "de": [f"Neue Fahrpläne für die Hafenfähre auf der Linie {n} im kommenden Winter" for n in range(45)],
    "zh": [f"第{n}路渡轮冬季时刻表调整方案公布" for n in range(45)],
}


def test_a_sidebar_far_below_the_article_goes_from_its_distance_on():
    # A sidebar of other stories' headlines (too long for a link list) under a short article: the lines
    # more than 30 lines from the article's last paragraph go, the nearer ones are left to the line rules.
    for article, language in ((ENGLISH, "en"), (GERMAN, "de"), (CHINESE, "zh")):
        far = [(line, rule) for line, rule in removed([*article, *SIDEBARS[language]]) if rule == FAR_FROM_ARTICLE]
        assert far == [(line, FAR_FROM_ARTICLE) for line in SIDEBARS[language][30:]], language


def test_a_sidebar_above_the_article_goes_too():
    far = [line for line, rule in removed([ENGLISH[0], *SIDEBARS["en"], *ENGLISH[1:]]) if rule == FAR_FROM_ARTICLE]
    assert far == SIDEBARS["en"][:15]
    assert [line for line, rule in removed([ENGLISH[0], *SIDEBARS["en"], *ENGLISH[1:]], ArticleSpanSettings(
        max_distance=44)) if rule == FAR_FROM_ARTICLE] == SIDEBARS["en"][:1]


def test_an_article_that_is_a_long_list_keeps_its_items():
    # Release notes, a changelog, a list of talks: items of four words or more count as the article's prose.
    items = [f"- Improved handling of harbour ferry bookings in release {n}" for n in range(60)]
    assert removed([ENGLISH[0], ENGLISH[1], *items, ENGLISH[2]]) == []


THREADS = {
    "en": ["Dana K. says:", "Great news, the bridge was a nightmare on a bike.",
           "Mike on March 3, 2012 at 4:15 pm said:", "About time. Now fix the potholes on Mill Road.",
           "elfgrove reblogged this from harbourcitynews and added:", "Finally!", "monica-segura liked this"],
    "de": ["Jens schreibt:", "Endlich! Die Brücke war mit dem Rad eine Zumutung.", "Petra M. schreibt:",
           "Und wann kommen die Schlaglöcher dran?", "Uwe sagt:", "Gute Nachricht für Pendler."],
    "zh": ["网友小王说：", "终于等到了，骑车过桥太危险了。", "李女士写道：", "希望工程按时完成。", "老张说：", "支持！"],
}


def test_a_thread_of_readers_comments_goes_from_its_first_head():
    for article, language in ((ENGLISH, "en"), (GERMAN, "de"), (CHINESE, "zh")):
        thread = THREADS[language]
        assert [(line, rule) for line, rule in removed([*article, *thread]) if rule == COMMENT_THREAD] == [
            (line, COMMENT_THREAD) for line in thread], language


def test_a_quote_introduced_by_said_stays():
    quoted = [ENGLISH[0], ENGLISH[1], "The mayor, Ana Ruiz, said:", "“It is the biggest change to the city centre "
              "in a generation, and it will be done by summer.”", "Council member Tom Reed said:",
              "“We will watch the budget closely.”", ENGLISH[2]]
    assert removed(quoted) == []


# Short lines between cruft (jusText's context classification after the line rules). Our own examples, shaped
# after the real pages' furniture: a widget label between a subscribe prompt and a share line, a "Leserreisen"
# link between a newsletter prompt and an ad marker.
LONG_ENGLISH = ("Work on the first section, along the river, is due to start in March, and the council said that "
                "it expects the whole route to open by the end of the year.")


def test_a_short_line_between_two_cruft_lines_goes():
    lines = [*ENGLISH, "Sign up for our newsletter", "Search this blog", "Follow us on X @HarbourCityNews"]
    assert removed(lines) == [("Sign up for our newsletter", "newsletter_prompt"),
                              ("Search this blog", BETWEEN_CRUFT),
                              ("Follow us on X @HarbourCityNews", "share_prompt")]


def test_a_german_short_line_between_two_cruft_lines_goes():
    lines = [*GERMAN, "Jetzt den kostenlosen Lindenau-Newsletter abonnieren", "Leserreisen", "Anzeige"]
    assert ("Leserreisen", BETWEEN_CRUFT) in removed(lines)


def test_a_short_line_at_the_edge_stays_whatever_is_above_it():
    # At the page's edge short lines are body as often as cruft: the edge is not a bad neighbour.
    lines = [*ENGLISH, "Sign up for our newsletter", "Privacy policy"]
    assert removed(lines) == [("Sign up for our newsletter", "newsletter_prompt")]


def test_a_subheading_between_a_cruft_line_and_a_paragraph_stays():
    lines = [ENGLISH[0], ENGLISH[1], "Advertisement", "What the council decided", LONG_ENGLISH]
    assert removed(lines) == [("Advertisement", "advertisement")]


def test_a_heading_followed_closely_by_a_good_paragraph_stays_between_ad_markers():
    # jusText's heading rule: a good paragraph within heading_distance characters below makes it a heading.
    lines = [ENGLISH[0], ENGLISH[1], "Advertisement", "What the council decided", "Advertisement", LONG_ENGLISH]
    assert removed(lines) == [("Advertisement", "advertisement"), ("Advertisement", "advertisement")]
    text = "\n".join(lines)
    without_heading_rule = clean_text(text, between_cruft=BetweenCruftSettings(heading_distance=-1)).removed
    assert ("What the council decided", BETWEEN_CRUFT) in [(r.line, r.rule) for r in without_heading_rule]


def test_a_german_subheading_between_ad_markers_stays_before_its_paragraph():
    paragraph = ("Die Kosten von rund vier Millionen Euro teilen sich nach Angaben der Verwaltung das Land "
                 "und die Stadt, die den größeren Teil für die Brücken über den Fluss trägt.")
    lines = [*GERMAN, "Anzeige", "Wer zahlt", "Anzeige", paragraph]
    assert removed(lines) == [("Anzeige", "advertisement"), ("Anzeige", "advertisement")]


def test_chinese_short_lines_between_cruft_stay_without_a_stop_list():
    # No stop-word list for Chinese: good and bad lines cannot be told apart, so the rule says nothing.
    lines = [*CHINESE, "© 2024 滨江日报 版权所有", "扫码下载客户端", "Advertisement"]
    assert removed(lines) == [("© 2024 滨江日报 版权所有", "legal_footer"), ("Advertisement", "advertisement")]


def test_cleaning_the_cleaned_text_removes_nothing_more():
    lines = [*ENGLISH, "Sign up for our newsletter", "Search this blog", "Follow us on X @HarbourCityNews",
             "Advertisement", "Today's paper", "Anzeige"]
    once = clean_text("\n".join(lines))
    twice = clean_text("\n".join([ENGLISH[0], *once.lines]))
    assert twice.lines == once.lines and not twice.removed
