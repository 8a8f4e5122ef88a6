"""Page metadata an analyst can rely on: headline without the site name, cleaned author names, the
publication time with the time zone the page states, and the canonical URL the page declares.

trafilatura reads metadata too, but keeps only the day of the publication date (its htmldate answers
"2024-03-12"), joins every byline-like string it finds ("Jeff Foust Monday; November") and returns
<title> with the site name in it. Here every place a page states a fact is a *candidate*, read in an order
of trust, and the answer is chosen by mechanisms that hold on any site:

- **date**: the most trusted candidate names the day; the time of day then comes from the most precise
  candidate that agrees on that day (a <meta> with the date only, a <time> or byline with the clock).
- **title**: a candidate headline (og:title, <title>) loses its site-name segments ("... | Wired.com")
  when the segment matches the site's name or host, or when another candidate (an <h1>, og:title) is the
  headline without that segment.
- **authors**: structured data first (JSON-LD, meta author, itemprop=author), then the visible byline;
  each is cut at what follows a name in a byline (dates, "on ...", "|", affiliations, job titles).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from html import unescape
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import lxml.etree
import lxml.html
from dateutil import parser as date_parser
from lxml.etree import ParserError

from newsingest.extract.language import UNSPACED

# Zone abbreviations news pages print after a time. The bare US ones ("ET", "PT") follow daylight saving,
# so they name a zone, not an offset; "IST" is left out (India and Ireland both use it).
ZONE_NAMES = {
    "ET": "America/New_York", "EDT": "America/New_York", "EST": "America/New_York",
    "CT": "America/Chicago", "CDT": "America/Chicago", "CST": "America/Chicago",
    "MT": "America/Denver", "MDT": "America/Denver", "MST": "America/Denver",
    "PT": "America/Los_Angeles", "PDT": "America/Los_Angeles", "PST": "America/Los_Angeles",
    "GMT": "UTC", "UTC": "UTC", "Z": "UTC", "BST": "Europe/London", "WET": "Europe/Lisbon",
    "CET": "Europe/Paris", "CEST": "Europe/Paris", "EET": "Europe/Athens", "EEST": "Europe/Athens",
    "JST": "Asia/Tokyo", "KST": "Asia/Seoul", "HKT": "Asia/Hong_Kong", "SGT": "Asia/Singapore",
    "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney", "NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
}
# After a digit too: "2012-10-29T11:55EDT".
ZONE_WORD = re.compile(r"(?<![^\W\d_])(" + "|".join(sorted(ZONE_NAMES, key=len, reverse=True)) + r")\b")
NUMERIC_OFFSET = re.compile(r"(?:[+-]\d{2}:?\d{2}|(?<=\d)Z)\s*$")
# A clock time in a date string: "T16:22", "4:03 pm", "11.55 EDT" (Guardian), "@11:25AM", "5pm".
CLOCK = re.compile(r"(?:(?<=T)|(?<![\w./-]))\d{1,2}(?::\d{2}|\.\d{2}(?![./-]?\d)|h\d{2})|\b\d{1,2}\s*[ap]\.?m\b",
                   re.IGNORECASE)
COMPACT_STAMP = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$")  # NYT ptime: 20121102163623
ISO_LIKE = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}")
MONTH_WORD = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
              r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
DATE_IN_TEXT = re.compile(
    rf"\b{MONTH_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:\d{{4}}|'\d{{2}}\b)"  # "Aug 8 '12" (Tumblr)
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\.?\s+{MONTH_WORD},?\s+\d{{4}}"
    r"|\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b",
    re.IGNORECASE)
# What may follow a date in one stamp: "12:19 PM PST", "at 4:30pm", ", 10:49 p.m. ET", "· 7:47 AM".
TIME_AFTER_DATE = re.compile(
    r"[\s,·•|@/-]*(?:at\s+|-\s+|//\s+)?(\d{1,2}(?:[:.]\d{2}(?::\d{2})?)?\s*(?:[ap]\.?m\.?)?)(?:\s*,?\s*("
    + "|".join(sorted(ZONE_NAMES, key=len, reverse=True)) + r")\b)?", re.IGNORECASE)
TIME_BEFORE_DATE = re.compile(r"\b(\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?)[\s,|·•-]*(?:on\s+)?(?:\w+day,?\s+)?$", re.IGNORECASE)
# The weekday a stamp names tells "11.06.2012" (US order, a Tuesday) from 11 June (a Monday).
WEEKDAY = re.compile(r"\b(?:(mon|tues|wednes|thurs|fri|satur|sun)day|(mon|tue|wed|thu|fri|sat|sun)\.?)\b",
                     re.IGNORECASE)
WEEKDAY_PREFIXES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
UPDATED = re.compile(r"\b(?:updated|modified|last updated|edited)\b", re.IGNORECASE)
PUBLISHED_META = (
    "article:published_time", "og:published_time", "datepublished", "article.published", "publishdate",
    "publish_date", "publish-date", "pubdate", "dcterms.issued", "dc.date.issued", "dcterms.created",
    "dc.date.created", "dc.created", "originalpublicationdate", "sailthru.date", "parsely-pub-date", "ptime",
    "pdate",
)
# Names that do not say which date they hold (a crawl, a modification, the page's own): trusted less
# than the stamp printed by the article.
VAGUE_DATE_META = ("date", "dc.date", "displaydate")
ARTICLE_TYPES = re.compile(r"article|posting|report|newsarticle|webpage", re.IGNORECASE)


class MarkWords:
    """Words searched for in an element's class and id, in any case. Nearly every page's marks are ASCII;
    there, a search of the lower-cased marks with a case-sensitive pattern finds the same (ASCII letters
    have no other case variants in ASCII text) at ~3x the speed of re.IGNORECASE, which matters as the
    byline and date searches test every element of the page (~900 on a news page)."""

    def __init__(self, pattern: str):
        if pattern != pattern.lower():
            raise ValueError(f"write the words in lower case: {pattern!r}")
        self.lower = re.compile(pattern)
        self.any_case = re.compile(pattern, re.IGNORECASE)

    def search(self, marks: str) -> re.Match | None:
        return self.lower.search(marks.lower()) if marks.isascii() else self.any_case.search(marks)


# Containers whose dates and names belong to readers or to other stories, not to the article. (Not
# "footer": bylines and time stamps live in an <article>'s footer, and in Blogger's "post-footer".)
NOT_THE_ARTICLE = MarkWords(r"comment|respond|reply|related|sidebar|recent|popular|trackback|pingback")
# Marks on the element itself only: Blogger puts the whole post inside a "widget".
NOT_A_STAMP = MarkWords(r"widget|timeline|archive|dropdown|promo|\bnav|form|input|label")
STAMP_CLASS = MarkWords(r"date|time|byline|posted|publish|meta|stamp|dateline|submitted|entry-?info|post-?info")
BYLINE_CLASS = MarkWords(r"byline|author|posted-?by|contributor|writer|dateline|submitted|\bby\b")
STAMP_SEARCH_LIMIT = 40  # stamp-like elements read per page; the article's own comes near its top
MARKED_READ_LIMIT = 400  # marked elements looked at per page, with or without a date in them
# A block whose own text opens like a dateline or a byline, with or without a class saying so:
# "<p>by randfish on November 5, 2010</p>", "Posted by <a>Rain Noe</a> | 6 Nov 2012", "POSTED ON November 7th".
DATELINE_CUE = re.compile(r"^\s*(?:(?:posted|published|written|filed|submitted)\b|by\s)", re.IGNORECASE)
# A name follows only "by" ("Posted in: Fantasy", "Published" are not bylines): "By", "Posted by:",
# "Post written by", "This was written by".
BYLINE_CUE = re.compile(r"^\s*(?:(?:[^\W\d_]+\s+){0,3}(?:posted|written)\s+)?by\b\s*:?\s*(?:$|[^\W\d_])",
                        re.IGNORECASE)
# Elements whose text opens with a cue without being a byline: headlines ("By the Numbers: 10,000"), and
# for names also links and controls ("By week", "By season" in a menu).
HEADLINES = ("h1", "h2", "h3", "title")
NOT_A_BYLINE = (*HEADLINES, "a", "option", "button", "label")
CUED_TEXT_LIMIT = 200  # a longer block that opens with "By" is prose ("By the time the council met, ...")
# A list of other stories' dates (a "latest news" widget): one class on this many stamps naming different days.
LISTING_SIZE = 3
# The day in an article's address: "/2012/11/01/", "/2012/8/8/", "/2012-11-01-"; not "/2012/11/5-videos".
URL_DAY = re.compile(r"/((?:19|20)\d{2})(?:/(\d{1,2})/(\d{1,2})(?=/|$)|-(\d{2})-(\d{2})(?=[/._-]|$))")
LARGEST_UTC_OFFSET = timedelta(hours=14)
NEIGHBOURS_READ = 2  # elements read on each side of the headline for an unmarked stamp
SHORT_STAMP = 80  # characters: longer text beside a headline is a standfirst, not a stamp

TITLE_SEPARATOR = re.compile(r"\s+(?:[|»«›‹·•~]|::|-{1,2}|–|—|/{1,2})\s+|\s*[|»«›‹]\s*|:\s+|\s+:")
DOMAIN_NAME = re.compile(r"^(?:www\.)?[\w-]+(?:\.[a-z]{2,6}){1,2}$", re.IGNORECASE)  # "rightwingwatch.org"
WORD = re.compile(r"[^\W_]+")
SPACED_WORD = re.compile(f"[^\\W_{UNSPACED}]+")
UNSPACED_RUN = re.compile(f"[{UNSPACED}]+")

BYLINE_PREFIX = re.compile(
    r"^(?:(?:posted|written|reported|story|words|text|photos?)\s+)?(?:by|von|par|por|di)\s*:?\s+|^author\s*:\s*"
    r"|^(?:posted|written)\s*(?:by)?\s*:\s*", re.IGNORECASE)
# What ends the name part of a byline: a date, "on ...", "in <section>", separators, counters.
BYLINE_END = re.compile(
    r"\s+(?:on|at|in|posted|published|updated|filed|-|–|—)\s+(?=\S)|\s*(?:[|•·/]{1,2}|\(|\[|\d)"
    rf"|\s+(?=(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|{MONTH_WORD}\s+\d)"
    r"|\s+(?:view profile|email|follow|twitter|about the author|contributor|says:?|wrote:?|said:?)\b", re.IGNORECASE)
JOB_TITLE = re.compile(
    r"\b(?:staff|writer|reporter|correspondent|editor|columnist|contributor|desk|newsroom|journalist|producer"
    r"|manager|director|professor|analyst|ceo|cto|founder|m\.?d\.?|ph\.?d\.?|jr\.?|sr\.?)\b", re.IGNORECASE)
# Words that end up in trafilatura's author field from a dateline ("Jeff Foust Monday; November"). Month
# names in full only: "Jan", "May" and "June" are also first names.
DATE_WORD = re.compile(r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|july|august"
                       r"|september|october|november|december|today|yesterday|\d.*)\W*$", re.IGNORECASE)
NAME_SEPARATOR = re.compile(r"\s*(?:;|,|\band\b|&|\bund\b|\bet\b|\by\b)\s*", re.IGNORECASE)
NAME_CHARACTER = re.compile(r"[^\W\d_]")
URL = re.compile(r"https?://|www\.", re.IGNORECASE)
NOT_A_NAME = re.compile(r"https?://|www\.|@|\.(?:com|org|net)\b|^\W*$", re.IGNORECASE)
# Labels of byline widgets and forms that land where a name is expected.
WIDGET_LABEL = re.compile(r"(?:by|name|authors?|posted|admin|administrator|anonymous|view profile|profile|email|"
                          r"share|comments?|more|none|unknown)\W*", re.IGNORECASE)
# "By NBC News' Akbar Shinwari": the outlet's possessive before the name.
POSSESSIVE_OUTLET = re.compile(r"^(?:[A-Z][\w.&-]*\s+){0,3}[A-Z][\w.&-]*['’]s?\s+(?=[A-Z])")
# First person and verbs: an author's bio ("Hi, I'm Becky. I live in ..."), not a byline.
SENTENCE = re.compile(r"\b(?:i|i'm|i’m|me|my|is|are|was|has|have|writes|lives?)\b", re.IGNORECASE)
BY_INSIDE = re.compile(r".*\b(?:by|von|par|por)\s*:?\s+(?=[^\W\d_])", re.IGNORECASE | re.DOTALL)
MAX_NAME_WORDS = 5


@dataclass(frozen=True, slots=True)
class Published:
    """When an article was published, as precisely as the page says it."""

    at: datetime  # aware; midnight UTC when only the day is known, the page's clock as UTC when no zone
    date_only: bool
    utc_offset: timedelta | None  # the offset the page states with its time; None without time or zone

    @property
    def local_date(self) -> date:
        return self.at.date()

    def isoformat(self) -> str:
        """"2012-11-05", "2012-11-05T13:00:00" (no zone stated) or "2012-11-05T13:00:00-08:00": what
        parse_published reads back into the same value."""
        if self.date_only:
            return self.local_date.isoformat()
        return (self.at if self.utc_offset is not None else self.at.replace(tzinfo=None)).isoformat()

    @classmethod
    def from_datetime(cls, value: datetime) -> Published:
        """A datetime from a parser that does not say what it knew: midnight means only the day."""
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return _day_only(value.date())
        return _aware(value.replace(tzinfo=None), value.tzinfo)


def _unknown() -> None:
    return None


@dataclass(frozen=True, slots=True)
class Fallback:
    """Another extractor's answers (trafilatura's), each asked for only where the page's own candidates leave
    its field open: trafilatura's date search (htmldate) cost ~1.4 ms of CPU per page and its title search
    ~0.3, and most pages state both in their markup."""

    title: Callable[[], str | None] = _unknown
    date: Callable[[], str | None] = _unknown


@dataclass(frozen=True, slots=True)
class PageMetadata:
    title: str | None
    authors: tuple[str, ...]
    published: Published | None
    canonical_url: str | None  # <link rel=canonical> (resolved), else og:url; None when the page has neither

    @property
    def author(self) -> str | None:
        return "; ".join(self.authors) or None


# ---------------------------------------------------------------------------------------------- dates


def _zone_at(name: str, local: datetime) -> timezone | ZoneInfo:
    zone = ZoneInfo(ZONE_NAMES[name.upper()])
    offset = local.replace(tzinfo=zone).utcoffset()
    return timezone(offset) if offset is not None else UTC


def _aware(local: datetime, stated: timezone | ZoneInfo | None) -> Published:
    if stated is None:
        return Published(local.replace(tzinfo=UTC), date_only=False, utc_offset=None)
    offset = local.replace(tzinfo=stated).utcoffset() if local.tzinfo is None else local.utcoffset()
    return Published(local.replace(tzinfo=timezone(offset)), date_only=False, utc_offset=offset)


def _day_only(day: date) -> Published:
    return Published(datetime(day.year, day.month, day.day, tzinfo=UTC), date_only=True, utc_offset=None)


def _named_weekday(text: str) -> int | None:
    if match := WEEKDAY.search(text):
        return WEEKDAY_PREFIXES.index((match.group(1) or match.group(2))[:3].lower())
    return None


def _compact_stamp(compact: re.Match) -> Published | None:
    """A COMPACT_STAMP match ("20121102163623", "20121102"), or None when it is no calendar date."""
    year, month, day, hour, minute, second = (int(part) if part else None for part in compact.groups())
    try:
        local = datetime(year, month, day, hour or 0, minute or 0, second or 0)
    except ValueError:
        return None
    return _day_only(local.date()) if hour is None or (hour, minute) == (0, 0) else _aware(local, None)


def _for_dateutil(text: str) -> str:
    """A stamp in the forms dateutil reads: "13th" as "13", "p.m." as "pm", "11.55" (a clock) as "11:55"."""
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"\b([ap])\.m\.?", r"\1m", text, flags=re.IGNORECASE)
    return re.sub(r"(?<![\d./-])(\d{1,2})\.(\d{2})\b(?![./-]?\d)", r"\1:\2", text)  # "11.55 EDT"


def parse_published(value: str | None, default_day: date | None = None) -> Published | None:
    """A publication date from a machine-readable value ("2012-10-29T15:55:52Z", "20121102163623",
    "Tue, 06 Nov 2012 05:17:06 -0800") or a stamp written for readers ("November 13, 2012 12:19 PM PST").

    A time of exactly midnight counts as no time: CMSs write "T00:00:00" when they only know the day.
    With `default_day`, a value holding only a clock ("at 4:59 PM") is that time on that day.
    """
    value = unescape(value or "").strip()
    if not value or len(value) > 80:
        return None
    if compact := COMPACT_STAMP.match(value):
        return _compact_stamp(compact)
    has_date = bool(DATE_IN_TEXT.search(value) or ISO_LIKE.match(value))
    if not has_date and default_day is None:
        return None
    named_zone = ZONE_WORD.search(value)
    text = _for_dateutil(ZONE_WORD.sub(" ", value) if named_zone else value)
    default = datetime.combine(default_day or date(1900, 1, 1), time())
    dayfirst = bool(re.search(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b", text))
    try:
        parsed = date_parser.parse(text, fuzzy=True, default=default, dayfirst=dayfirst)
        weekday = _named_weekday(value)
        if weekday is not None and parsed.weekday() != weekday and parsed.day <= 12:
            swapped = date_parser.parse(text, fuzzy=True, default=default, dayfirst=not dayfirst)
            parsed = swapped if swapped.weekday() == weekday else parsed
    except (ValueError, OverflowError):
        return None
    if parsed.year < 1900 or (not has_date and parsed.date() != default_day):
        return None
    has_clock = bool(CLOCK.search(value)) and (parsed.hour, parsed.minute) != (0, 0)
    if not has_clock:
        return _day_only(parsed.date())
    if parsed.tzinfo is not None and (NUMERIC_OFFSET.search(value) or named_zone is None):
        return _aware(parsed, None if parsed.utcoffset() is None else parsed.tzinfo)
    if named_zone:
        return _aware(parsed, _zone_at(named_zone.group(1), parsed))
    return _aware(parsed, None)


def _stamp_in_text(text: str) -> Published | None:
    """The first "date [time [zone]]" in a byline or dateline, before any "Updated"."""
    text = re.sub(r"\s+", " ", text)
    # "Published Nov. 7, 2012 2:25 pm Updated Nov. 7, 2012 4:01 pm": the stamp before "Updated" when there is
    # one, else the updated one (on a page that states no other, it is the only time given).
    for candidate in (UPDATED.split(text, maxsplit=1)[0], text):
        if match := DATE_IN_TEXT.search(candidate):
            following = TIME_AFTER_DATE.match(candidate, match.end())
            stamp = match.group(0) + (" " + " ".join(p for p in following.groups() if p) if following else "")
            if not following and (before := TIME_BEFORE_DATE.search(candidate, 0, match.start())):
                stamp = f"{match.group(0)} {before.group(1)}"  # "2:23 pm, August 9th, 2012"
            if weekday := WEEKDAY.search(candidate, max(0, match.start() - 12), match.start()):
                stamp = f"{weekday.group(0)} {stamp}"  # it decides between day and month orders
            if found := parse_published(stamp):
                return found
    return None


def url_day(url: str | None) -> date | None:
    """The publication day an article's address holds ("/2012/11/01/slug"), or None."""
    if match := URL_DAY.search(urlsplit(url or "").path):
        try:
            year, month, day = match.group(1), match.group(2) or match.group(4), match.group(3) or match.group(5)
            return date(int(year), int(month), int(day))
        except ValueError:
            return None
    return None


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _local_zone(chosen: Published, found: list[Published]) -> Published:
    """A UTC stamp in the page's own zone when another candidate shows that zone: an offset with the same
    clock (a CMS that writes local time with a "Z"), or a clock without zone a whole number of quarter hours
    away (the time readers see, "06:34 pm" for 23:34Z). A page that states both UTC and its zone for the same
    instant is right either way: the most trusted stays."""
    utc_clock = _minute(chosen.at).replace(tzinfo=None)
    for candidate in found:
        if candidate.date_only or candidate.utc_offset == timedelta(0):
            continue
        clock = _minute(candidate.at).replace(tzinfo=None)
        if candidate.utc_offset is not None and clock == utc_clock:
            return candidate
        offset = clock - utc_clock
        if (candidate.utc_offset is None and offset and abs(offset) <= LARGEST_UTC_OFFSET
                and offset % timedelta(minutes=15) == timedelta(0)):
            return _aware(candidate.at.replace(tzinfo=None), timezone(offset))
    return chosen


def choose_published(candidates: Iterable[Published | None], address_day: date | None = None) -> Published | None:
    """The first (most trusted) candidate names the day; the clock comes from the first candidate with a
    time on that same day, with a stated zone preferred over none.

    When the article's address holds a day (`address_day`: pass it only when the page's own candidates do
    not agree on one) and the first candidate names another, the candidates that agree with the address go
    first: a blog's "today" header or a list of other stories' dates came before the article's own stamp.
    Without any candidate that agrees, the address's day is the answer."""
    found = [candidate for candidate in candidates if candidate is not None]
    if address_day is not None and not any(candidate.local_date == address_day for candidate in found):
        return _day_only(address_day)
    if address_day is not None and found[0].local_date != address_day:
        found = sorted(found, key=lambda candidate: candidate.local_date != address_day)
    if not found:
        return None
    chosen = found[0]
    for candidate in found[1:]:
        if candidate.date_only or candidate.local_date != chosen.local_date:
            continue
        if chosen.date_only or (chosen.utc_offset is None and candidate.utc_offset is not None
                                and candidate.at.time() == chosen.at.time()):
            chosen = candidate
    return _local_zone(chosen, found) if chosen.utc_offset == timedelta(0) else chosen


# ------------------------------------------------------------------------------------------ the page


def _parse(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return None


def _meta(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        content = element.get("content")
        if key and content and content.strip():
            values.setdefault(key, []).append(content.strip())
    return values


def _json_ld(tree: lxml.html.HtmlElement) -> list[dict]:
    """The article objects of the page's JSON-LD (top level, lists and @graph)."""
    found = []

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            kinds = node.get("@type")
            kinds = " ".join(kinds) if isinstance(kinds, list) else str(kinds or "")
            if ARTICLE_TYPES.search(kinds):
                found.append(node)
            walk(node.get("@graph"))

    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            walk(json.loads(script.text or ""))
        except (ValueError, RecursionError):
            continue
    found.sort(key=lambda node: "webpage" in str(node.get("@type")).lower())  # articles before pages
    return found


def _outside_the_article(element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in ("body", "html"):  # their classes describe the whole page ("feature_newcomments")
            break
        marks = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        if ancestor.tag in ("aside", "nav") or (marks.strip() and NOT_THE_ARTICLE.search(marks)):
            return True
    return False


def _text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def _shown_text(element) -> str:
    """The text a reader sees in an element, its pieces kept apart ("Megan Slack" and "July 18, 2012" in two
    spans are not "SlackJuly") and without the source of its scripts."""
    pieces = element.xpath(".//text()[not(ancestor::script or ancestor::style)]")
    return re.sub(r"\s+", " ", " ".join(pieces)).strip()


def _marked(tree, pattern: MarkWords, cue: re.Pattern, not_cued: tuple[str, ...], limit: int) -> Iterator:
    """Elements of the page body whose class or id matches, or whose own text opens like a byline, in
    document order, outside comment sections and sidebars."""
    seen = 0
    for element in tree.iter(lxml.etree.Element):
        if element.tag in ("script", "style", "body", "html", "meta", "link"):
            continue
        marks = f"{element.get('class') or ''} {element.get('id') or ''}"
        text = element.text
        if not ((marks != " " and pattern.search(marks))
                or (text and element.tag not in not_cued and cue.match(text))):
            continue
        if NOT_THE_ARTICLE.search(marks) or NOT_A_STAMP.search(marks) or _outside_the_article(element):
            continue
        yield element
        seen += 1
        if seen >= limit:
            return


def _block_text(element) -> str | None:
    """What a marked element says, or None for a long block that only opens like a byline (prose)."""
    text = _shown_text(element)
    marks = f"{element.get('class') or ''} {element.get('id') or ''}"
    return text if len(text) <= CUED_TEXT_LIMIT or STAMP_CLASS.search(marks) or BYLINE_CLASS.search(marks) else None


def _published_candidates(tree, meta: dict[str, list[str]], articles: list[dict]) -> Iterator[Published | None]:
    for node in articles:
        yield parse_published(str(node.get("datePublished") or ""))
    for key in PUBLISHED_META:
        for value in meta.get(key, ()):
            yield parse_published(value)
    for element in tree.xpath('//*[@itemprop="datePublished" or @itemprop="datepublished"][not(self::meta)]'):
        yield parse_published(element.get("datetime") or element.get("content") or _text(element))
    for element in tree.xpath("//time[@pubdate or contains(@class, 'publish') or contains(@class, 'entry-date')]"
                              "|//abbr[contains(@class, 'published')]"):
        if not _outside_the_article(element):
            yield parse_published(element.get("datetime") or element.get("title") or _text(element))


def _read_stamps(tree) -> list[tuple[object, str, Published | None]]:
    """Stamp-like elements with a digit in them, their text and the stamp it holds, in document order."""
    read = []
    for element in _marked(tree, STAMP_CLASS, DATELINE_CUE, HEADLINES, MARKED_READ_LIMIT):
        if element.tag == "time" and element.get("datetime"):
            read.append((element, "", parse_published(element.get("datetime"))))
        elif (text := _block_text(element)) and any(character.isdigit() for character in text[:200]):
            read.append((element, text[:200], _stamp_in_text(text[:200])))
        if len(read) >= STAMP_SEARCH_LIMIT:
            break
    return read


def _mark(element) -> tuple[str, str]:
    """Tag and first class word: "upcoming-event-date odd" and "... even" are one list's rows."""
    return element.tag, (element.get("class") or "").split(" ")[0]


def _listings(read: list[tuple[object, str, Published | None]]) -> set[tuple[str, str]]:
    """Marks of stamps that list other stories or comments: one mark on several stamps of different days."""
    days: dict[tuple[str, str], list[date | None]] = {}
    for element, _, found in read:
        days.setdefault(_mark(element), []).append(found.local_date if found else None)
    return {mark for mark, seen in days.items()
            if len(seen) >= LISTING_SIZE and len({day for day in seen if day}) >= 2}


def _list_rows(read: list[tuple[object, str, Published | None]]) -> set[int]:
    """Positions of stamps that belong to lists. A list followed by a stamp of another mark is a sidebar's,
    before the article's own stamp: all its rows go. Otherwise its first row is the article's own stamp (the
    Atlantic's "span.date", then the same class on a "just in" list; a post, then its comments): the rest go."""
    listings = _listings(read)
    rows: set[int] = set()
    for mark in listings:
        positions = [index for index, (element, _, _) in enumerate(read) if _mark(element) == mark]
        followed = any(found and _mark(element) not in listings for element, _, found in read[positions[0] + 1:])
        rows.update(positions if followed else positions[1:])
    return rows


def _stamps(tree) -> Iterator[Published | None]:
    read = _read_stamps(tree)
    rows = _list_rows(read)
    day: date | None = None
    for index, (_, text, found) in enumerate(read):
        if index in rows:
            continue
        if found is None and day is not None and CLOCK.search(text[:40]):
            # Blogger and TypePad print the day in one element and "Posted at 4:59 PM" in the next.
            found = parse_published(text[:40], default_day=day)
        if found is not None and day is None:
            day = found.local_date
        yield found


def _beside_headline(tree) -> Iterator[Published | None]:
    """A stamp printed next to the headline with nothing marking it: "<h6>11/01/2012 @ 3:44PM</h6><h1>...".
    The elements right before and after the first <h1> are read."""
    for heading in tree.xpath("//h1")[:1]:
        before = islice(heading.itersiblings(preceding=True), NEIGHBOURS_READ)
        for element in [*before, *islice(heading.itersiblings(), NEIGHBOURS_READ)]:
            if len(text := _shown_text(element)) <= SHORT_STAMP:
                yield _stamp_in_text(text)


def _published(tree, meta, articles, fallback_date: Callable[[], str | None], address: str | None) -> Published | None:
    """The page's markup (structured data, metas), its printed stamps, then `fallback_date` (trafilatura's,
    which may be read from the address). The address's day settles it only where the markup disagrees or
    says nothing: where it agrees, the address was made on another day (a draft's, the print edition's)."""
    markup = list(_published_candidates(tree, meta, articles))
    vague = [parse_published(value) for key in VAGUE_DATE_META for value in meta.get(key, ())]
    markup_days = {candidate.local_date for candidate in (*markup, *vague) if candidate is not None}
    printed = [*_stamps(tree), *_beside_headline(tree)]
    own = [*markup, *printed, *vague]
    address_day = url_day(address) if len(markup_days) != 1 else None
    # The fallback's answer is a day without a clock, and it comes last: after any candidate of the page's
    # own, or with the address's day, choose_published gives the same answer with it and without it.
    if address_day is None and not any(own):
        own.append(parse_published(fallback_date()))
    return choose_published(own, address_day)


# -------------------------------------------------------------------------------------------- titles


def _words(text: str) -> str:
    return "".join(WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def _site_like(segment: str, site_names: Iterable[str]) -> bool:
    words = _words(segment)
    if not words or DOMAIN_NAME.match(segment.strip()):
        return True
    for name in site_names:
        known = _words(name)
        if known and (words == known or (len(words) >= 3 and (words in known or known in words))):
            return True
    return False


def _segments(title: str) -> list[str]:
    return [part for part in TITLE_SEPARATOR.split(title) if part and part.strip()]


def strip_site_name(title: str, site_names: Iterable[str]) -> str:
    """The title without its leading and trailing segments that name the site."""
    title = re.sub(r"\s+", " ", title).strip()
    parts = _segments(title)
    if len(parts) < 2:
        return title
    start, end = 0, len(parts)
    while end - start > 1 and _site_like(parts[end - 1], site_names):
        end -= 1
    while end - start > 1 and _site_like(parts[start], site_names):
        start += 1
    if (start, end) == (0, len(parts)):
        return title
    first = title.find(parts[start])
    last = title.rfind(parts[end - 1]) + len(parts[end - 1])
    return title[first:last].strip()


def headline_in(title: str, headings: Iterable[str]) -> str | None:
    """The longest heading of the page that is the whole title or a run of its segments: the title says
    which of the page's headings is the article's, the heading says where the site name starts."""
    parts = _segments(re.sub(r"\s+", " ", title).strip())
    runs = {_words(" ".join(parts[i:j])) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}
    matching = [heading for heading in headings if (words := _words(heading)) and words in runs]
    return max(matching, key=lambda heading: len(_words(heading)), default=None)


def _site_names(meta: dict[str, list[str]], page_url: str | None, articles: list[dict]) -> list[str]:
    names = meta.get("og:site_name", []) + meta.get("application-name", []) + meta.get("cps_site_name", [])
    for node in articles:
        publisher = node.get("publisher")
        if isinstance(publisher, dict) and publisher.get("name"):
            names.append(str(publisher["name"]))
    host = urlsplit(page_url or "").hostname or ""
    labels = [label for label in host.split(".") if label not in ("www", "m", "com", "org", "net", "co", "uk")]
    names += labels
    for name in list(names):  # "http://ibnlive.in.com/" and "NYTimes.com" name the site by its host
        if "." in name:
            names.append(re.sub(r"^(?:https?://)?(?:www\.)?([^./]+).*$", r"\1", name))
    return names


def _links_home(element) -> bool:
    """A heading that is (or sits in) a link to the site's front page is the masthead, not a headline."""
    links = [*element.iter("a"), *(a for a in element.iterancestors("a"))]
    for link in links:
        parts = urlsplit(link.get("href") or "#")
        if parts.path in ("", "/", "/index.html", "/index.php") and not parts.query and not parts.fragment:
            return True
    return False


@dataclass(slots=True)
class _Headings:
    headlines: list[str]  # JSON-LD headlines, then the page's headings in document order
    top_level: list[str]  # the page's <h1> texts among them, in document order
    mastheads: list[str]  # headings that link to the front page


def _headings(tree, articles: list[dict]) -> _Headings:
    stated = (str(node.get("headline")) for node in articles if node.get("headline"))
    found = _Headings([headline for headline in stated if 2 <= len(headline) <= 300], [], [])
    for element in tree.xpath("//h1|//h2|//h3|//*[@itemprop='headline'][not(self::meta)]"
                              "|//*[contains(@class, 'title') or contains(@class, 'headline')]"
                              "[not(self::meta)][not(self::title)]"):
        # A page's <h1> is its own (sidebars use lower headings), whatever the layout's wrappers are called
        # ("content-sidebar-wrap", a Drupal body's "one-sidebar sidebar-first").
        if element.tag != "h1" and _outside_the_article(element):
            continue
        text = _text(element)
        if _links_home(element):
            found.mastheads.append(text)
        elif 2 <= len(text) <= 300:
            found.headlines.append(text)
            if element.tag == "h1":
                found.top_level.append(text)
    found.mastheads = [heading for heading in found.mastheads if heading]
    return found


def _title_candidates(tree, meta) -> list[str]:
    """The page's stated titles, most trusted first; not one that is an earlier one plus more ("<og:title>
    - Politics - ibnlive"): its other segments name the section or the site, never the headline."""
    stated = [*meta.get("og:title", []), *meta.get("twitter:title", []),
              " ".join(_text(element) for element in tree.xpath("//head/title")[:1])]
    candidates: list[str] = []
    for candidate in filter(_words, stated):
        if not any(_words(earlier) in _words(candidate) for earlier in candidates):
            candidates.append(candidate)
    return candidates


def _headline_words(text: str) -> set[str]:
    """Words that two wordings of a headline share: words of four letters or more by their first five
    ("Olympics", "Olympic"), in unspaced scripts pairs of characters."""
    text = unicodedata.normalize("NFKC", text).casefold()
    words = {word[:5] for word in SPACED_WORD.findall(text) if len(word) > 3}
    for run in UNSPACED_RUN.findall(text):
        words.update(run[i:i + 2] for i in range(len(run) - 1))
    return words


def visible_headline(title: str, top_level: list[str]) -> str | None:
    """The page's <h1> that is the story's headline as readers see it, where the stated title is another
    wording (a shorter og:title for search and sharing: "US couple pack for Olympic trip" over "Scott and
    Kathy Cleveland are coming to the Olympics"): the one sharing most words with the title, first on a
    tie; a section's name ("Politics") shares none with the headline. Not an <h1> that holds
    the title and more ("<title> Politics news, Updated Nov 06"): the title is the headline there."""
    shared = _headline_words(title)
    best, most = None, 0
    for heading in top_level:
        common = len(_headline_words(heading) & shared)
        if common > most and _words(title) not in _words(heading):
            best, most = heading, common
    return best


def _title(tree, meta, articles, site_names: list[str], fallback_title: Callable[[], str | None]) -> str | None:
    headings = _headings(tree, articles)
    site_names = [*site_names, *headings.mastheads]
    # The fallback is asked for only when the page states no title.
    candidates = _title_candidates(tree, meta) or [title for title in [fallback_title()] if title and _words(title)]
    # Any stated title naming one of the page's headings: og:title can be the site's name, where <title>
    # has the post's ("Official Blog of the National Football League", "NFL fantasy football: ... - NFL.com").
    for candidate in candidates:
        if headline := headline_in(candidate, headings.headlines):
            return headline
    if not candidates:
        return headings.headlines[0] if headings.headlines else None
    # Headings that are one end of the title but not most of it are the site's masthead ("Big Think").
    mastheads = [heading for heading in headings.headlines if 2 * len(_words(heading)) < len(_words(candidates[0]))]
    title = strip_site_name(candidates[0], [*site_names, *mastheads])
    return visible_headline(title, headings.top_level) or title


# ------------------------------------------------------------------------------------------- authors


def clean_author(text: str | None) -> tuple[str, ...]:
    """Names in a byline or author field: "By JoNel Aleccia, NBC News" -> ("JoNel Aleccia",),
    "Jeff Foust Monday; November" -> ("Jeff Foust",), "Ross Tucker and Jonathan Dugas" -> both."""
    if not text:
        return ()
    text = re.sub(r"\s+", " ", unescape(text)).strip()
    if URL.match(text):  # article:author is often the author's page
        return ()
    text, prefixed = BYLINE_PREFIX.subn("", text)
    text, by_inside = BY_INSIDE.subn("", text, count=1)  # "Posted in Architecture By Lavinia"
    if not (prefixed or by_inside) and SENTENCE.search(text):
        return ()
    text = POSSESSIVE_OUTLET.sub("", text)
    if end := BYLINE_END.search(text):
        text = text[:end.start()]
    names: list[str] = []
    for position, part in enumerate(NAME_SEPARATOR.split(text)):
        words = [word for word in part.strip(" .:-'\"").split() if not DATE_WORD.match(word)]
        name = " ".join(words)
        if not name or NOT_A_NAME.search(name) or not NAME_CHARACTER.search(name) or WIDGET_LABEL.fullmatch(name):
            continue
        if JOB_TITLE.search(name) or len(words) > MAX_NAME_WORDS:
            if position == 0 and not names and not JOB_TITLE.search(name):
                return ()  # a sentence, not a name
            continue
        if position > 0 and names and "," in text and not re.search(r"\b(?:and|&)\b", text):
            break  # "Name, Affiliation": what follows the comma is not another author
        if name.isupper() and len(name) > 3:
            name = name.title()
        if name not in names:
            names.append(name)
    return tuple(names)


def _author_candidates(tree, meta: dict[str, list[str]], articles: list[dict]) -> Iterator[str]:
    for node in articles:
        authors = node.get("author")
        for author in authors if isinstance(authors, list) else [authors]:
            if isinstance(author, dict):
                author = author.get("name")
            if isinstance(author, str):
                yield author
    for key in ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author", "byl", "og:author"):
        yield from meta.get(key, [])
    for element in tree.xpath("//*[@itemprop='author'][not(self::meta)]|//a[@rel='author']"
                              "|//*[contains(@class, 'vcard')]//*[contains(concat(' ', @class, ' '), ' fn ')]"):
        if not _outside_the_article(element):
            names = element.xpath(".//*[@itemprop='name']")
            yield names[0].get("content") or _text(names[0]) if names else _text(element)
    for element in _marked(tree, BYLINE_CLASS, BYLINE_CUE, NOT_A_BYLINE, STAMP_SEARCH_LIMIT):
        text = _shown_text(element)
        if 0 < len(text) <= 200:
            yield text


def _authors(tree, meta, articles, site_names: list[str]) -> tuple[str, ...]:
    """The first candidate that names someone; a "name" that is the site's own ("World News") is not.
    trafilatura's author is not a candidate: measured on real pages it added more wrong names (a blog's
    header, a post's title) than right ones."""
    site = {_words(name) for name in site_names}
    for candidate in _author_candidates(tree, meta, articles):
        if (names := clean_author(candidate)) and not any(_words(name) in site for name in names):
            return names
    return ()


# ------------------------------------------------------------------------------------- canonical URL


def _canonical(tree, meta: dict[str, list[str]], page_url: str | None) -> str | None:
    for href in [*tree.xpath("//link[@rel='canonical']/@href"), *meta.get("og:url", [])]:
        href = unescape(href).strip()
        resolved = urljoin(page_url, href) if page_url else href
        if urlsplit(resolved).scheme in ("http", "https") and urlsplit(resolved).hostname:
            return resolved
    return None


def page_metadata(html: str, page_url: str | None, fallback: Fallback = Fallback()) -> PageMetadata:
    """Metadata of one page. `fallback` answers where the page offers nothing better."""
    tree = _parse(html)
    if tree is None:
        return PageMetadata(fallback.title(), (), parse_published(fallback.date()), None)
    meta = _meta(tree)
    articles = _json_ld(tree)
    site_names = _site_names(meta, page_url, articles)
    canonical_url = _canonical(tree, meta, page_url)
    return PageMetadata(
        title=_title(tree, meta, articles, site_names, fallback.title),
        authors=_authors(tree, meta, articles, site_names),
        published=_published(tree, meta, articles, fallback.date, canonical_url or page_url),
        canonical_url=canonical_url,
    )
