"""The bad-input corpus: every case with the outcome it must end in.

Small cases are committed under `cases/` and `feeds/` (written by this script, so they can be regenerated and read);
large ones (a 50 MB page, a gzip bomb, 10,000 copies of one article, ...) are written to `large/`, which
is gitignored, by `python tests/bad_inputs/make_corpus.py` or by the test on first use.

An expectation counts what one file must end as: `articles` landed (duplicates included) and
`rejections` by reason code. `contains` lists strings the landed text must hold verbatim (Unicode that
must survive); `dedup` counts articles per dedup status; `published_at_null` says the dates were absurd.
"""

from __future__ import annotations

import gzip
import json
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
LARGE_DIR = HERE / "large"
FEEDS_DIR = HERE / "feeds"  # untrusted XML: parsed by the feed and sitemap readers, not ingested as files

PARAGRAPHS = [
    "The city council voted on Tuesday to approve new cycle lanes along the harbour road, ending a debate "
    "that had divided residents and shop owners for more than two years.",
    "Work is due to start in the spring and should take about four months, the transport committee said, "
    "with the road staying open to buses and delivery vans throughout the construction period.",
    "Opponents had argued that removing forty parking spaces would hurt the small shops near the ferry "
    "terminal, but a survey commissioned by the council found most customers arrive on foot or by bus.",
]
TITLE = "Harbour road to get cycle lanes after two-year debate"
ARTICLE = TITLE + "\n\n" + "\n\n".join(PARAGRAPHS) + "\n"


def html_page(body: str, head: str = "", title: str = TITLE) -> str:
    return (f"<!doctype html><html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
            f"{body}</article></body></html>")


ARTICLE_HTML = html_page("".join(f"<p>{p}</p>" for p in PARAGRAPHS))


@dataclass(frozen=True)
class Case:
    name: str  # file name; the extension decides how the source reads it
    body: bytes
    articles: int = 0
    rejections: dict[str, int] = field(default_factory=dict)
    contains: tuple[str, ...] = ()
    dedup: dict[str, int] = field(default_factory=dict)
    published_at_null: bool = False
    why: str = ""

    @property
    def total(self) -> int:
        return self.articles + sum(self.rejections.values())


def rejected(name: str, body: bytes, reason: str, why: str) -> Case:
    return Case(name, body, rejections={reason: 1}, why=why)


def landed(name: str, body: bytes, why: str, contains: tuple[str, ...] = ()) -> Case:
    return Case(name, body, articles=1, contains=contains, why=why)


def jsonl(*records: object) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records).encode() + b"\n"


def variant(n: int) -> str:
    """The article with one paragraph of its own: a distinct document that is still a news story."""
    return ARTICLE + f"\nCouncillor number {n} said the decision was the right one for the district.\n"


def small_cases() -> list[Case]:
    smart = ("Council \u201capproves\u201d harbour lanes\n\n" + "\n\n".join(PARAGRAPHS)
             + "\n\nThe mayor said: \u201cIt\u2019s a good day for the city \u2013 and for cyclists.\u201d\n")
    unicode_text = ("Lantern festival draws record crowds \U0001F3EE\n\n" + PARAGRAPHS[0] + "\n"
                    "Visitors from Tokyo said \u300c\u7d20\u6674\u3089\u3057\u3044\u300d and a family "
                    "\U0001F468\u200d\U0001F469\u200d\U0001F467 waved flags \U0001F1EF\U0001F1F5 \U0001F1E9\U0001F1EA.\n"
                    "\u5e02\u8bae\u4f1a\u5468\u4e8c\u6295\u7968\u6279\u51c6\u4e86\u6e2f\u53e3\u8def\u7684"
                    "\u65b0\u81ea\u884c\u8f66\u9053\u3002 \u0645\u062c\u0644\u0633 \u0627\u0644\u0645\u062f\u064a"
                    "\u0646\u0629 \u0648\u0627\u0641\u0642 \u0639\u0644\u0649 \u0627\u0644\u0645\u0634\u0631\u0648\u0639"
                    " \u05d4\u05de\u05d5\u05e2\u05e6\u05d4 \u05d0\u05d9\u05e9\u05e8\u05d4.\n" + PARAGRAPHS[1] + "\n")
    invisible = ARTICLE.replace("cycle lanes", "cy\u200bcle la\u2060nes").replace(
        "harbour road", "\u202eharbour road\u202c").replace("Work is", "\u2066Work is\u2069")
    return [
        rejected("empty.txt", b"", "empty", "nothing to read"),
        rejected("whitespace_only.html", b" \n\t\r\n   \n", "empty", "only whitespace"),
        rejected("image.html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary_content", "PNG named .html"),
        rejected("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(300),
                 "binary_content", "PDF named .txt"),
        rejected("archive.htm", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4, "binary_content",
                 "ZIP named .htm"),
        rejected("program.txt", b"\x7fELF\x02\x01\x01\x00" + bytes(2000), "binary_content", "ELF named .txt"),
        rejected("mostly_nul.txt", b"news\x00" * 400, "binary_content", "text drowned in NUL bytes"),
        landed("nul_bytes_in_text.txt", ARTICLE.replace(". ", ".\x00 ", 3).encode(), "a few stray NULs are dropped",
               contains=("two years.", "four months,")),
        landed("control_chars.txt", ARTICLE.replace("Work", "\x1b[1mWork\x1b[0m\x07").encode(),
               "terminal escapes in text", contains=("Work is due",)),
        landed("invalid_utf8.txt", (ARTICLE + "Caf\u00e9 owners called it a na\u00efve plan.\n").encode().replace(
            b"council", b"counc\xffil\xc3", 1), "two broken bytes in UTF-8: U+FFFD for them, the rest intact",
               contains=("Caf\u00e9 owners called it a na\u00efve plan.", "counc\ufffdil\ufffd")),
        landed("utf16_bom.txt", ("\ufeff" + ARTICLE + "Caf\u00e9 owners agreed.\n").encode("utf-16-le"),
               "UTF-16 with BOM", contains=("Caf\u00e9 owners",)),
        landed("utf16le_no_bom.txt", (ARTICLE + "Caf\u00e9 owners agreed.\n").encode("utf-16-le"),
               "UTF-16-LE without BOM", contains=("Caf\u00e9 owners",)),
        landed("utf16be_no_bom.txt", (ARTICLE + "Caf\u00e9 owners agreed.\n").encode("utf-16-be"),
               "UTF-16-BE without BOM", contains=("Caf\u00e9 owners",)),
        landed("utf32_bom.txt", (ARTICLE + "Caf\u00e9 owners agreed.\n").encode("utf-32"), "UTF-32 with BOM",
               contains=("Caf\u00e9 owners",)),
        landed("utf8_bom.html", b"\xef\xbb\xbf" + ARTICLE_HTML.replace("terminal", "terminal caf\u00e9").encode(),
               "UTF-8 BOM before the doctype", contains=("terminal caf\u00e9",)),
        landed("mislabelled_charset.html",
               html_page("".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "<p>The caf\u00e9 na\u00efve r\u00e9sum\u00e9 "
                         "stays.</p>", head='<meta charset="iso-8859-1">').encode("utf-8"),
               "UTF-8 bytes labelled ISO-8859-1", contains=("caf\u00e9 na\u00efve r\u00e9sum\u00e9",)),
        landed("latin1_declared.html",
               html_page("".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "<p>The caf\u00e9 stays open.</p>",
                         head='<meta charset="iso-8859-1">').encode("latin-1"),
               "Latin-1 bytes, correctly labelled", contains=("caf\u00e9 stays",)),
        landed("windows1252_smart_quotes.txt", smart.encode("cp1252"), "cp1252 smart quotes and dashes",
               contains=("\u201cIt\u2019s a good day for the city \u2013 and for cyclists.\u201d",)),
        landed("mixed_line_endings.txt", ARTICLE.replace("\n\n", "\r\n", 1).replace("\n\n", "\r\r", 1).encode(),
               "CRLF, CR and LF in one file", contains=(PARAGRAPHS[0], PARAGRAPHS[2])),
        landed("zero_width_and_bidi.txt", invisible.encode(), "zero-width and bidi controls are dropped",
               contains=("cycle lanes", "harbour road", "Work is")),
        landed("emoji_cjk_rtl.txt", unicode_text.encode(), "emoji, CJK and RTL survive verbatim",
               contains=("\U0001F468\u200d\U0001F469\u200d\U0001F467", "\U0001F1EF\U0001F1F5",
                         "\u300c\u7d20\u6674\u3089\u3057\u3044\u300d", "\u6e2f\u53e3\u8def",
                         "\u0645\u062c\u0644\u0633 \u0627\u0644\u0645\u062f\u064a\u0646\u0629",
                         "\u05d4\u05de\u05d5\u05e2\u05e6\u05d4")),
        landed("chinese_article.txt",
               ("\u6e2f\u53e3\u8def\u5c06\u5efa\u81ea\u884c\u8f66\u9053\n\n" + (
                   "\u5e02\u8bae\u4f1a\u5468\u4e8c\u6295\u7968\u6279\u51c6\u5728\u6e2f\u53e3\u8def\u4fee\u5efa"
                   "\u65b0\u7684\u81ea\u884c\u8f66\u9053\uff0c\u7ed3\u675f\u4e86\u4e00\u573a\u6301\u7eed\u4e24"
                   "\u5e74\u7684\u4e89\u8bba\u3002\u5de5\u7a0b\u9884\u8ba1\u660e\u5e74\u6625\u5929\u5f00\u5de5"
                   "\uff0c\u5927\u7ea6\u9700\u8981\u56db\u4e2a\u6708\u3002\n") * 2).encode(),
               "CJK has no spaces between words: counted by characters", contains=("\u81ea\u884c\u8f66\u9053",)),
        rejected("only_javascript.html",
                 b"<html><head><script>var a = 1;</script></head><body><script>" + b"document.write('x');" * 200
                 + b"</script><noscript>Enable JavaScript</noscript></body></html>", "too_short",
                 "a page that is only script (the <noscript> line is all the text)"),
        Case("boilerplate_only.html", html_page(
            "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
            "<p>Share this article on Facebook</p><p>Sign up for our newsletter</p>"
            "<p>Accept cookies</p><footer>\u00a9 2024 Example Media. All rights reserved.</footer>",
            title="Example Media").encode(),
            rejections={"too_short": 1}, why="navigation, share prompts and footer only"),
        rejected("truncated.html.gz", gzip.compress(ARTICLE_HTML.encode(), mtime=0)[:60], "corrupt_gzip", "gzip cut short"),
        rejected("not_really.txt.gz", ARTICLE.encode(), "corrupt_gzip", "plain text named .gz"),
        landed("valid.html.gz", gzip.compress(ARTICLE_HTML.encode(), mtime=0), "control: a good gzipped page"),
        rejected("slides.pptx", b"PK\x03\x04" + bytes(100), "unsupported_file_type", "not a news file type"),
        landed("\u00fcn\u00efcode name \u2713.txt", variant(1).encode(), "a file name that is not ASCII"),
        Case("mixed_good_and_malformed.jsonl", jsonl(
            {"url": "https://news.example/a1", "title": TITLE, "text": variant(2)},
            "{not json at all",
            {"url": "https://news.example/a2", "title": TITLE, "text": variant(3)},
            '{"url": "https://news.example/a3", "text": "unterminated',
            {"url": "https://news.example/a4", "title": TITLE, "text": variant(4)},
        ), articles=3, rejections={"malformed_json": 2}, why="bad lines among good ones"),
        Case("wrong_field_types.jsonl", jsonl(
            {"url": 42, "text": variant(5)}, {"text": ["a", "list"]}, {"title": {"nested": 1}, "text": variant(6)},
            {"url": "https://news.example/no-body"}, [1, 2, 3], "null",
            {"url": "https://news.example/ok", "title": TITLE, "text": variant(7)},
        ), articles=1, rejections={"invalid_record": 6}, why="JSON values of the wrong type"),
        Case("json_edge_cases.jsonl", jsonl(
            '{"url": "https://news.example/surrogate", "title": "Lone \\ud800 surrogate", "text": '
            + json.dumps(variant(8) + " broken \ud800 char", ensure_ascii=True) + "}",
            "[" * 100_000 + "]" * 100_000,
            '{"url": "https://news.example/huge-int", "text": ' + "9" * 5000 + "}",
            '{"url": "https://news.example/inf", "title": NaN, "text": "x"}',
        ), articles=1, rejections={"malformed_json": 2, "invalid_record": 1},
            contains=("broken \ufffd char",), why="lone surrogate, 100k-deep array, 5000-digit number, NaN"),
        Case("absurd_dates.jsonl", jsonl(
            {"url": "https://news.example/year0", "title": TITLE, "text": variant(9), "published_at": "0000-01-01"},
            {"url": "https://news.example/y9999", "title": TITLE, "text": variant(10),
             "published_at": "9999-12-31T23:59:59Z"},
            {"url": "https://news.example/future", "title": TITLE, "text": variant(11), "published_at": "2199-06-01"},
            {"url": "https://news.example/junk", "title": TITLE, "text": variant(12), "published_at": "yesterday-ish"},
            {"url": "https://news.example/neg", "title": TITLE, "text": variant(13), "published_at": "-0044-03-15"},
        ), articles=5, published_at_null=True, why="dates that are not plausible publication dates"),
        landed("absurd_date_meta.html", html_page(
            "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "<p>Filed from the year nine thousand.</p>",
            head='<meta property="article:published_time" content="9999-12-31T00:00:00Z">').encode(),
               "an absurd date in the page's own metadata"),
    ]


LAUGHS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
XML_CASES = {
    # Each must parse (or fail) quickly, without expanding entities or reading local files.
    "billion_laughs_feed.xml": f"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{LAUGHS}]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>
<link>https://news.example/a</link><description>&lol9;</description></item></channel></rss>""",
    "billion_laughs_sitemap.xml": f"""<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY lol0 "lol">{LAUGHS}]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://news.example/&lol9;</loc></url></urlset>""",
    "xxe_feed.xml": """<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title><link>https://news.example/b</link>
<description>&xxe;</description></item></channel></rss>""",
    "xxe_atom.xml": """<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title><entry><title>&xxe;</title>
<link href="https://news.example/c"/><summary>&xxe;</summary></entry></feed>""",
    "xxe_sitemap.xml": """<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://news.example/&xxe;</loc></url></urlset>""",
    "xxe_parameter_entity.xml": """<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % ext SYSTEM "file:///etc/passwd"> %ext;]>
<rss version="2.0"><channel><title>t</title><item><link>https://news.example/d</link></item></channel></rss>""",
    "quadratic_blowup.xml": '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "' + "x" * 50_000 + '">]>'
    '<rss version="2.0"><channel><item><title>' + "&big;" * 2_000 + "</title><link>https://news.example/e</link>"
    "</item></channel></rss>",
    "malformed_feed.xml": """<?xml version="1.0"?><rss version="2.0"><channel><title>Broken
<item><title>Unclosed <b>tags</title><link>https://news.example/f</link></item><item><link>""",
    "not_xml_at_all.xml": "\x00\x01 this is not a feed { } < > & ;",
}


def deep_nesting(levels: int) -> bytes:
    return ("<html><body>" + "<div>" * levels + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
            + "</div>" * levels + "</body></html>").encode()


def gzip_bomb(output_bytes: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
    chunk = b"\0" * (1 << 20)
    parts = [compressor.compress(chunk) for _ in range(output_bytes >> 20)]
    return b"".join(parts) + compressor.flush()


COPIED = ("Ferry strike halts island crossings\n\nCrews on the island ferries walked out at dawn on Monday "
          "over a pay offer they called an insult, stranding hundreds of commuters on both sides of the sound.\n"
          "The operator said it had offered a four per cent rise and would return to talks on Wednesday, while "
          "the union said the strike would continue until the offer matched inflation.\n")


def near_identical_copies(count: int) -> bytes:
    """One story of its own, copied under `count` URLs, every other copy with a line that differs."""
    return jsonl(*({"url": f"https://copies.example/story-{n}", "text": COPIED + (
        f"Commuters queued for {n % 50 + 2} hours at the terminal.\n" if n % 2 else "")} for n in range(count)))


def large_cases() -> list[Case]:
    many = 10_000
    return [
        Case("html_50mb.html", b"", rejections={"too_large": 1}, why="over the 10 MB limit"),  # body: see write()
        rejected("gzip_bomb.txt.gz", gzip_bomb(512 << 20), "too_large", "0.5 MB of gzip inflating to 512 MB"),
        rejected("deep_nesting_100k.html", deep_nesting(100_000), "no_article_text",
                 "100,000 nested divs: lxml stops at its depth limit"),
        landed("single_5mb_line.txt", (TITLE + "\n\n" + " ".join(["harbour lanes council vote"] * 200_000)).encode(),
               "one 5 MB line"),
        Case("near_identical_10k.jsonl", near_identical_copies(many), articles=many,
             dedup={"new": 1}, why="10,000 copies of one article under different URLs"),
    ]


def cases() -> list[Case]:
    return small_cases() + large_cases()


def write_large(folder: Path = LARGE_DIR) -> Path:
    """Write the large cases (skipping those already there: the content is deterministic)."""
    folder.mkdir(parents=True, exist_ok=True)
    for case in large_cases():
        path = folder / case.name
        if path.exists():
            continue
        if case.name == "html_50mb.html":  # streamed: 50 MB is too much to build as one bytes object
            with path.open("wb") as out:
                out.write(b"<html><body>")
                paragraph = f"<p>{PARAGRAPHS[0]}</p>".encode()
                for _ in range((50 << 20) // len(paragraph) + 1):
                    out.write(paragraph)
                out.write(b"</body></html>")
        else:
            path.write_bytes(case.body)
    return folder


def write_small(folder: Path = CASES_DIR, feeds: Path = FEEDS_DIR) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for case in small_cases():
        (folder / case.name).write_bytes(case.body)
    feeds.mkdir(parents=True, exist_ok=True)
    for name, text in XML_CASES.items():
        (feeds / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_small()
    write_large()
    print(f"{len(cases()) + len(XML_CASES)} cases: {CASES_DIR} and {FEEDS_DIR} (committed), {LARGE_DIR} "
          "(generated, gitignored)", file=sys.stderr)
