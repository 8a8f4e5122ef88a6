"""Page metadata (src/newsingest/extract/metadata.py): publication time with its zone, headline without the
site name, cleaned bylines, declared canonical URL. Our own small pages (regression tests); the accuracy on
real pages is measured by benchmarks/metadata_quality.py on ../shared/eval."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from newsingest.extract import extract_document
from newsingest.extract.metadata import (
    BYLINE_CLASS,
    STAMP_CLASS,
    Fallback,
    MarkWords,
    Published,
    choose_published,
    clean_author,
    headline_in,
    page_metadata,
    parse_published,
    strip_site_name,
    url_day,
    visible_headline,
)
from newsingest.records import Article, RawDocument
from helpers import ingest

BODY = " ".join(["The council agreed on Tuesday to rebuild the harbour sea wall before next winter."] * 4)


def page(head: str = "", top: str = "", title: str = "Sea wall rebuild agreed | Harbour Gazette") -> str:
    return (f"<html><head><title>{title}</title>{head}</head><body>"
            f"<header><a href='/'><h1>Harbour Gazette</h1></a></header>"
            f"<article><h2>Sea wall rebuild agreed</h2>{top}<p>{BODY}</p><p>{BODY}</p></article>"
            "<div class='comments'><span class='comment-author'>Troll</span>"
            "<span class='comment-date'>June 3, 2024 at 11:02 pm</span></div></body></html>")


@pytest.mark.parametrize("value, iso, date_only, offset_hours", [
    ("2012-10-29T15:55:52Z", "2012-10-29T15:55:52+00:00", False, 0),
    ("2012-11-06T16:44:38+05:30", "2012-11-06T16:44:38+05:30", False, 5.5),
    ("Tue, 06 Nov 2012 05:17:06 -0800", "2012-11-06T05:17:06-08:00", False, -8),
    ("November 13, 2012 12:19 PM PST", "2012-11-13T12:19:00-08:00", False, -8),
    ("Monday 29 October 2012 11.55 EDT", "2012-10-29T11:55:00-04:00", False, -4),
    ("2012-10-29T11:55EDT", "2012-10-29T11:55:00-04:00", False, -4),
    # "ET" follows daylight saving: -4 in July, -5 in January
    ("July 23, 2012, 10:49 p.m. ET", "2012-07-23T22:49:00-04:00", False, -4),
    ("January 23, 2013, 10:49 p.m. ET", "2013-01-23T22:49:00-05:00", False, -5),
    ("20121102163623", "2012-11-02T16:36:23", False, None),  # NYT ptime: no zone stated
    ("08/09/2012 4:03 pm", "2012-08-09T16:03:00", False, None),
    ("2012-11-05", "2012-11-05", True, None),
    ("Nov. 7, 2012", "2012-11-07", True, None),
    ("2012-11-05T00:00:00+00:00", "2012-11-05", True, None),  # a CMS's placeholder midnight
])
def test_parse_published_keeps_time_and_stated_zone(value, iso, date_only, offset_hours):
    published = parse_published(value)
    assert published.isoformat() == iso
    assert published.date_only is date_only
    expected_offset = None if offset_hours is None else timedelta(hours=offset_hours)
    assert published.utc_offset == expected_offset
    assert parse_published(published.isoformat()) == published  # what HtmlExtract.date carries survives


@pytest.mark.parametrize("value", ["", "Comments (4)", "7 hours ago", "11:23 PM", None])
def test_no_date_without_a_day(value):
    assert parse_published(value) is None


def test_clock_only_stamp_takes_a_given_day():
    found = parse_published("at 4:59 PM", default_day=datetime(2012, 10, 28).date())
    assert found.isoformat() == "2012-10-28T16:59:00"


def test_trusted_source_names_the_day_and_an_agreeing_source_the_time():
    day_only = parse_published("2012-11-05")
    other_day_with_time = parse_published("2012-11-04T09:00:00Z")
    same_day_with_time = parse_published("Nov 5, 2012 - 1:00PM PT")
    chosen = choose_published([day_only, None, other_day_with_time, same_day_with_time])
    assert chosen.isoformat() == "2012-11-05T13:00:00-08:00"
    assert choose_published([other_day_with_time, day_only]) == other_day_with_time
    assert choose_published([None]) is None


@pytest.mark.parametrize("value, iso", [
    ("Tuesday, 11.06.2012 4:54 PM", "2012-11-06T16:54:00"),  # 11 June 2012 was a Monday: US order
    ("Monday, 11.06.2012", "2012-06-11"),
    ("Aug 8 '12", "2012-08-08"),
])
def test_weekday_and_short_year_read_the_day(value, iso):
    assert parse_published(value).isoformat() == iso


def test_address_day_settles_a_disagreement_but_not_an_agreement():
    todays_header, post_stamp = parse_published("November 7, 2012"), parse_published("November 1st, 2012 3:10 pm")
    address_day = url_day("http://blogs.example.com/2012/11/01/players-celebrate/")
    assert address_day == date(2012, 11, 1)
    assert choose_published([todays_header, post_stamp], address_day).isoformat() == "2012-11-01T15:10:00"
    assert choose_published([], address_day).isoformat() == "2012-11-01"
    assert url_day("http://example.com/2012/8/8/3229307/slug") == date(2012, 8, 8)
    assert url_day("http://example.com/news/12345") is None
    assert url_day("http://example.com/2012/11/5-videos-on-learning.html") is None  # a slug, not a day
    assert url_day("http://example.com/2012-11-05-story") == date(2012, 11, 5)
    # The page states 9 August twice; the address was made from the draft's day.
    head = '<meta name="sailthru.date" content="2012-08-09">'
    top = "<p class='byline'>by Andy Boron on Aug 9, 2012 9:29 AM EDT</p>"
    found = page_metadata(page(head, top), "http://www.example.com/2012/8/8/3229307/slug")
    assert found.published.isoformat() == "2012-08-09T09:29:00-04:00"


def test_utc_stamp_takes_the_zone_the_page_shows():
    mislabelled_local = parse_published("2012-11-06T05:17:06Z")
    with_offset = parse_published("2012-11-06T05:17-08:00")
    assert choose_published([mislabelled_local, with_offset]).isoformat() == "2012-11-06T05:17:00-08:00"
    shown_to_readers = parse_published("November 13, 2012 06:34 pm")
    chosen = choose_published([parse_published("2012-11-13 23:34:08+0000"), shown_to_readers])
    assert chosen.isoformat() == "2012-11-13T18:34:00-05:00"
    assert chosen.at == datetime(2012, 11, 13, 23, 34, tzinfo=UTC)
    # A page that states UTC and its zone for one instant is right either way: the first stays.
    same_instant = [parse_published("2012-10-29T15:55:00Z"), parse_published("Monday 29 October 2012 11.55 EDT")]
    assert choose_published(same_instant).isoformat() == "2012-10-29T15:55:00+00:00"
    # A clock that is not a whole number of quarter hours away is another moment, not a zone.
    assert choose_published([parse_published("2012-08-09T16:08:00Z"),
                             parse_published("08/09/2012 4:03 pm")]).utc_offset == timedelta(0)


@pytest.mark.parametrize("top, iso, authors", [
    # unmarked bylines and datelines
    ("<p>by randfish on November 5, 2010</p>", "2010-11-05", ("randfish",)),
    ("<div>Posted by <a href='/u/rain'>Rain Noe</a> | 6 Nov 2012 | Comments (0)</div>", "2012-11-06",
     ("Rain Noe",)),
    ("<td><a href='/x' class='left'>POSTED ON November 7th, 2012</a></td>", "2012-11-07", ()),
    # pieces of one stamp in separate elements, a script before it
    ("<div class='post-info'><script>var n = 'x';</script><span>Megan Slack</span><span>July 18, 2012 05:55 PM EDT"
     "</span></div>", "2012-07-18T17:55:00-04:00", ()),
    # the day in one element, "Posted at" with the clock in another
    ("<h2 class='date-header'>October 11, 2012</h2><span class='post-footers'>Posted at 07:17 PM</span>",
     "2012-10-11T19:17:00", ()),
    # an hCard author
    ("<p>This was written by <span class='vcard'><span class='fn n'>K.G. Schneider</span></span>.</p>", None,
     ("K.G. Schneider",)),
    ("<h6>Post written by <a href='/about'>Leo Babauta</a>.</h6>", None, ("Leo Babauta",)),
])
def test_stamps_and_bylines_without_marks(top, iso, authors):
    found = page_metadata(page(top=top), None)
    assert (found.published and found.published.isoformat()) == iso
    assert found.authors == authors


def bare_page(title: str, body: str) -> str:
    """A page without the masthead, article element and comments of `page`: only what the test puts in."""
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


def test_stamp_beside_the_headline():
    html = bare_page("Energy stocks rally", f"<h6>11/01/2012 @ 3:44PM</h6><h1>Energy stocks rally</h1><p>{BODY}</p>")
    assert page_metadata(html, None).published.isoformat() == "2012-11-01T15:44:00"


def test_a_list_of_other_stories_dates_is_not_the_articles():
    others = "".join(f"<li><span class='news_date'>September {day}, 2010</span> Other story</li>"
                     for day in (27, 14, 3))
    html = bare_page("Battleground poll", f"<ul>{others}</ul><h2>Battleground poll</h2>"
                                          f"<p class='createdate'>Sunday, August 05 2012</p><p>{BODY}</p>")
    assert page_metadata(html, None).published.isoformat() == "2012-08-05"


def test_a_post_stamp_shares_its_class_with_its_comments():
    comments = "".join(f"<p class='posted'>Posted by: reader{day} at October {day}, 2012 05:23 PM</p>"
                       for day in (29, 30, 31))
    found = page_metadata(bare_page("Oil prices", f"<h2>Oil prices</h2><p>{BODY}</p>"
                                    f"<p class='posted'>Posted by Menzie Chinn at October 28, 2012 05:10 PM</p>"
                                    f"{comments}"), None)
    assert found.published.isoformat() == "2012-10-28T17:10:00"
    assert found.authors == ("Menzie Chinn",)


def test_menus_and_headlines_that_open_with_by_name_nobody():
    top = ("<ul><li><a href='?sort=week'>BY WEEK</a></li><li><a href='?sort=month'>BY MONTH</a></li></ul>"
           "<h3>By the Numbers: 10,000</h3><p>By:</p>")
    assert page_metadata(page(top=top), None).authors == ()


@pytest.mark.parametrize("title, names, expected", [
    ("Why King Corn Wasn't Ready for the Drought | Wired Science | Wired.com", ["Wired Science"],
     "Why King Corn Wasn't Ready for the Drought"),
    ("Review: Elden Ring - IGN", ["ign"], "Review: Elden Ring"),
    ("BBC News - Scott and Kathy are coming", ["BBC News"], "Scott and Kathy are coming"),
    ("Budget: what it means for you", ["Harbour Gazette"], "Budget: what it means for you"),
    ("Tax row deepens - rightwingwatch.org", [], "Tax row deepens"),
    ("Free Range Librarian › The Reluctant Cataloger", ["Free Range Librarian"], "The Reluctant Cataloger"),
])
def test_site_name_segments_leave_the_title(title, names, expected):
    assert strip_site_name(title, names) == expected


def test_the_title_says_which_heading_is_the_headline():
    headings = ["Latest news", "Big Think", "NASA Hopes To Continue Its Space Exploration Plans"]
    title = "NASA Hopes To Continue Its Space Exploration Plans | IdeaFeed | Big Think"
    assert headline_in(title, headings) == "NASA Hopes To Continue Its Space Exploration Plans"
    assert headline_in("Something else entirely", headings) is None


# Shaped after the real pages where the stated title is not the headline readers see (BBC, WSJ, ABC News,
# a Chinese portal, a German regional paper); the page texts are ours.
@pytest.mark.parametrize("title, top_level, expected", [
    ("US couple pack for Olympic trip", ["Scott and Kathy Cleveland are coming to the Olympics"],
     "Scott and Kathy Cleveland are coming to the Olympics"),
    ("Geithner Urges Action on Debt Crisis", ["Geithner Urges Quick Action on Debt Crisis"],
     "Geithner Urges Quick Action on Debt Crisis"),
    ("Streit um Hafenmauer beigelegt", ["Lindenau", "Rat beendet den Streit um die neue Hafenmauer"],
     "Rat beendet den Streit um die neue Hafenmauer"),
    ("港口海堤重建获批", ["港城日报", "市议会批准重建港口海堤"], "市议会批准重建港口海堤"),
    # a section name shares no word with the headline: the stated title stays
    ("BJP split wide open over Gadkari", ["Politics"], None),
    ("Streit um Hafenmauer beigelegt", ["Lokales"], None),
    # an <h1> holding the title and more (a section link and a stamp inside it): the title is the headline
    ("Swamy to move court", ["Swamy to move court Politics news, Updated Nov 06, 2012"], None),
])
def test_the_visible_headline_wins_over_another_wording(title, top_level, expected):
    assert visible_headline(title, top_level) == expected


def test_a_title_that_names_the_site_gives_way_to_one_naming_a_heading():
    head = ('<meta property="og:title" content="Official Blog of the National Football League">'
            '<meta property="og:site_name" content="NFL.com">')
    html = (f"<html><head><title>NFL fantasy football: Murray likely still out - NFL.com</title>{head}</head>"
            f"<body><div class='post'><h2>NFL fantasy football: Murray likely still out</h2><p>{BODY}</p>"
            "</div></body></html>")
    assert page_metadata(html, "http://blogs.nfl.com/2012/11/06/murray/").title == (
        "NFL fantasy football: Murray likely still out")


def test_a_title_that_is_the_og_title_plus_a_section_never_names_the_section():
    head = '<meta property="og:title" content="Anna Hazare to form national level trust">'
    html = (f"<html><head><title>Anna Hazare to form national level trust - Politics - ibnlive</title>{head}"
            f"</head><body><nav><h2>Home</h2></nav><div class='menu'><h2>Politics</h2></div><div class='story'>"
            f"<h1>Anna Hazare to form national level trust <span>Politics news, Updated Nov 06</span></h1>"
            f"<p>{BODY}</p></div></body></html>")
    assert page_metadata(html, None).title == "Anna Hazare to form national level trust"


def test_an_h1_inside_a_layout_wrapper_named_for_its_sidebar_is_the_headline():
    # Genesis themes wrap content and sidebar in "content-sidebar-wrap"; a sidebar's own <h2>s stay out.
    html = ("<html><head><title>No Trade Idea | Jerseys and Hockey Love</title></head><body>"
            "<div id='content-sidebar-wrap'><div id='content'><div class='post'><h1>No Trade Idea</h1>"
            f"<p>{BODY}</p></div></div><div id='sidebar'><h2>Jerseys and Hockey Love</h2></div></div></body></html>")
    assert page_metadata(html, None).title == "No Trade Idea"


@pytest.mark.parametrize("byline, names", [
    ("Jeff Foust Monday; November", ("Jeff Foust",)),
    ("By JoNel Aleccia, NBC News", ("JoNel Aleccia",)),
    ("BY JEFFREY SPARSHOTT", ("Jeffrey Sparshott",)),
    ("by Mary Jo Foley November 13, 2012 12:19 PM PST", ("Mary Jo Foley",)),
    ("Posted by Ross Tucker and Jonathan Dugas", ("Ross Tucker", "Jonathan Dugas")),
    ("By NBC News' Akbar Shinwari and Amna Nawaz", ("Akbar Shinwari", "Amna Nawaz")),
    ("Carla Jennings; Gazette Staff Writer", ("Carla Jennings",)),
    ("Christopher Jan Benitez", ("Christopher Jan Benitez",)),  # "Jan" is a name here, not January
    ("Neetzan Zimmerman View Profile Email Twitter RSS", ("Neetzan Zimmerman",)),
    ("Posted in Architecture By Lavinia", ("Lavinia",)),
    ("Hi, I'm Becky. I live in Atlanta.", ()),
    ("Name *", ()),
    ("http://www.example.com/jeff-foust/", ()),
])
def test_bylines_give_names_only(byline, names):
    assert clean_author(byline) == names


def test_page_metadata_from_markup():
    head = ('<meta property="og:site_name" content="Harbour Gazette">'
            '<meta property="article:published_time" content="2024-06-03">'
            '<link rel="canonical" href="/news/sea-wall">')
    top = ("<p class='byline'>By Tomas Lind, Brussels bureau</p>"
           "<p class='dateline'>June 3, 2024 · 7:47 AM CEST</p>")
    found = page_metadata(page(head, top), "https://www.example.org/amp/sea-wall")
    assert found.title == "Sea wall rebuild agreed"
    assert found.authors == ("Tomas Lind",)
    assert found.published.isoformat() == "2024-06-03T07:47:00+02:00"
    assert found.canonical_url == "https://www.example.org/news/sea-wall"


def test_the_fallback_is_asked_only_for_what_the_page_leaves_open():
    asked = []
    fallback = Fallback(title=lambda: asked.append("title") or "Wall vote", date=lambda: asked.append("date") or "2024-06-01")
    head = '<meta property="article:published_time" content="2024-06-03">'
    assert page_metadata(page(head), None, fallback).published.isoformat() == "2024-06-03"
    assert asked == []  # title and date are in the page's own markup
    # An address with a day answers without the fallback too; the title falls back only when the page has none.
    dated = page_metadata(page(), "https://example.org/2024/06/02/wall", fallback)
    assert dated.published.isoformat() == "2024-06-02" and asked == []
    bare = page_metadata("<html><head></head><body><p>" + BODY + "</p></body></html>", None, fallback)
    assert (bare.title, bare.published.isoformat(), asked) == ("Wall vote", "2024-06-01", ["title", "date"])


def test_comment_dates_and_names_are_not_the_articles():
    found = page_metadata(page(), None)
    assert found.published is None
    assert found.authors == ()


def test_extracted_article_keeps_time_zone_and_precision():
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-06-03T04:58:00Z"}</script>'
    raw = RawDocument(origin="p", body=page(head).encode(), url="https://www.example.org/sea-wall",
                      content_type="text/html")
    article = extract_document(raw)
    assert isinstance(article, Article)
    assert article.published_at == datetime(2024, 6, 3, 4, 58, tzinfo=UTC)
    assert article.published_date_only is False
    assert article.published_utc_offset == timedelta(0)


def test_the_article_opens_with_the_visible_headline_once():
    """The title is the text's first line as readers see it; the <h1> among the body's lines is not kept twice."""
    html = ('<html><head><title>US couple pack for Olympic trip - BBC News</title>'
            '<meta property="og:title" content="US couple pack for Olympic trip"></head><body>'
            '<div class="story-body"><h1>Scott and Kathy Cleveland are coming to the Olympics</h1>'
            f"<p>{BODY}</p><p>{BODY.replace('harbour', 'ferry')}</p></div></body></html>")
    article = extract_document(RawDocument(origin="p", body=html.encode(), url="https://www.bbc.co.uk/news/x",
                                           content_type="text/html"))
    assert isinstance(article, Article)
    assert article.title == "Scott and Kathy Cleveland are coming to the Olympics"
    assert "Olympics" not in article.text


def test_warehouse_keeps_time_offset_and_date_only_flag(db_path, tmp_path):
    records = [
        {"url": "https://www.example.org/a", "html": page(
            '<meta property="article:published_time" content="2024-06-03T08:15:00-04:00">')},
        {"url": "https://www.example.org/b", "html": page(
            '<meta property="article:published_time" content="2024-06-04">').replace("harbour", "ferry")},
    ]
    feed = tmp_path / "pages.jsonl"
    feed.write_text("\n".join(json.dumps(record) for record in records), encoding="utf-8")
    ingest([feed], db_path)
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute("SELECT url, timezone('UTC', published_at), published_date_only, "
                           "published_utc_offset_minutes FROM articles ORDER BY url").fetchall()
    assert rows == [("https://www.example.org/a", datetime(2024, 6, 3, 12, 15), False, -240),
                    ("https://www.example.org/b", datetime(2024, 6, 4, 0, 0), True, None)]


def test_published_from_a_parser_datetime():
    assert Published.from_datetime(datetime(2024, 3, 12)).isoformat() == "2024-03-12"
    assert Published.from_datetime(datetime(2024, 3, 12, 8, 12)).isoformat() == "2024-03-12T08:12:00"


@pytest.mark.parametrize("marks", [
    "post-byline ", "Post-ByLine author", "entry-meta TIMESTAMP", "nav-menu ", "go by bus", "goby ",
    "ſubmitted ", "Byline ", "ıtem-date ", "\u212a-date", "widgeT-İnfo post-İnfo", " ", "written-by-x",
])
def test_mark_words_find_what_ignorecase_finds(marks):
    """The lower-case fast path on ASCII marks, the re.IGNORECASE search on others (long s, dotless i,
    the Kelvin sign are case variants of ASCII letters there)."""
    for words in (STAMP_CLASS, BYLINE_CLASS):
        assert bool(words.search(marks)) == bool(re.search(words.lower.pattern, marks, re.IGNORECASE))
    assert MarkWords("submitted").search("ſubmitted") and MarkWords("date").search("DATE")
    with pytest.raises(ValueError):
        MarkWords("Date")
