"""Named line-level cruft rules. Each rule matches a *whole line*, never a word inside a sentence, so
"Shares of the company fell" or "The author of the report said" can never match "share" or "author".

The order matters only for the name recorded: the first rule that matches a line is the reason given.
Rules that need the rest of the article (author bios, stray headlines) live in text.py.

No rule removes an article's own stamps and credits (bylines, datelines, "Reporting by ...", photo
credits, "Source: ..."): the hand-marked text of real pages (../shared/eval) counts them as the article's, and they held
most of the body lines the rules cut there. text.py reads bylines and datelines into author and date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LineRule:
    name: str
    description: str
    pattern: re.Pattern[str]

    def matches(self, line: str) -> bool:
        return self.pattern.fullmatch(line) is not None


def _rule(name: str, description: str, *alternatives: str) -> LineRule:
    pattern = "|".join(f"(?:{alt})" for alt in alternatives)
    return LineRule(name, description, re.compile(pattern, re.IGNORECASE | re.UNICODE))


# The link from a blog's entry back to its front page.
BLOG_HOME = r"(?:main|home|hauptseite|startseite|accueil|inicio|首页|主页)"
SEP = r"\s*[:|»›>\-–—]+\s*"  # the separator between a prompt and the link text: "Read also: ...", "Read | ..."
SOCIAL = (r"facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|e-?mail|instagram|threads|bluesky"
          r"|youtube|tiktok|mastodon")
SOCIALS = rf"(?:{SOCIAL})(?:\s*(?:,|and|&|y|et|und|e|or|o|oder|ou)\s*(?:{SOCIAL}))*"
HANDLE = r"(?:\s*@[\w.]+)?"
PAGE_TOOL = (r"(?:printer[- ]friendly(?: version)?|print (?:this )?(?:article|story|page)"
             r"|e-?mail (?:this )?(?:article|story|page)(?: to a friend)?)")

# Headers of link lists ("Most read", "More from Business"). Not line rules: a header is cruft for the list
# it heads, and text.py removes it with the headlines under it. Alone (its links already gone, or nothing
# listed) it is a word or two that the hand-marked real pages keep as often as not (21 of the 40 such
# lines on ../shared/eval's development set).
LIST_HEADERS: tuple[LineRule, ...] = (
    _rule("most_read", "most-read and trending lists: the header and the headlines under it",
          r"(?:most (?:read|popular|viewed|shared|commented)|trending(?: now| stories| news)?|popular (?:now|stories)"
          r"|top stories|editor'?s picks|latest (?:news|stories|headlines)|les plus lus|lo más leído|lo más visto"
          r"|meistgelesen|meistgelesene artikel|più letti|mais lidas)\s*:?"),
    _rule("related_link", "links to other stories: Read also / Related / Recommended / See also / More from",
          r"(?:related(?: (?:articles?|stories|content|coverage|news|links))?|recommended(?: for you| reading| stories)?"
          r"|you (?:may|might) also like|more on this(?: story| topic)?|more (?:from|in) [\w&'’ -]{1,30}"
          r"|more (?:stories|news)|read next|see also|à lire aussi|sur le même sujet|noticias relacionadas"
          r"|te puede interesar|das könnte sie auch interessieren|mehr zum thema)\s*:?"),
)

# Headers of a reader-comment section: what follows them, to the end of the page, is readers' text.
COMMENT_SECTION = _rule(
    "comment_form", "reader comments: the section header and the comments under it",
    r"(?:reader|readers'?|user) comments|comments|discussion(?: about this (?:post|article|story))?"
    r"|\d+\s+comments?|comments?\s*\(\d+\)|leave a (?:reply|comment)|join the (?:conversation|discussion)"
    r"|what (?:readers|you) (?:say|said|think)|commentaires|comentarios|kommentare|commenti|comentários"
    r"|(?:kommentare?|commentaires?|comentarios?|commenti|comentários?)\s*\(\d+\)")

LINE_RULES: tuple[LineRule, ...] = (
    _rule("related_link", "links to other stories: Read also / Related / Recommended / See also / More from",
          rf"(?:read|also read|read (?:also|more|next)|watch|related(?: (?:articles?|stories|content|coverage|news))?"
          rf"|recommended(?: for you| reading)?|see also|more from [\w .'’-]{{1,40}}|you (?:may|might) also like"
          rf"|more on this(?: story)?|don'?t miss|must read|(?:à )?lire aussi|à lire|voir aussi|lea también|leer más"
          rf"|le puede interesar|auch interessant|mehr zum thema|lesen sie auch|weiterlesen|leggi anche"
          rf"|leia também|leia mais|lee también|relacionad[oa]s?|noticia relacionada){SEP}.{{2,200}}",
          # "Recommended Discount chains take record share": a teaser whose separator was lost in flattening
          # (a headline of three words or more: "Related Posts" is a header, judged with its list in text.py)
          r"(?:recommended|related|read more|read also)\s+(?-i:[A-Z0-9])\S*(?:\s+\S+){2,40}(?<![.])",
          r"(?:read more|read the full (?:story|article)|continue reading|lire la suite|leer más|weiterlesen"
          r"|leia mais)\s*(?:[.…»›>]+|\.\.\.)?",
          # "... on Example.com", not the sentence "Read more on Lewis’ quote here."
          r"(?:continue reading|read (?:the full|more|the rest)(?: (?:story|article))?) (?:on|at) [\w&'’. -]{1,40}"
          r"(?<![.])"),
    _rule("share_prompt", "share buttons and follow prompts",
          rf"(?:share|share this(?: article| story| post| page)?|share (?:on|via|to) (?:{SOCIAL})"
          rf"|click to share(?: on [\w ]+)?.*|tweet(?: this)?|partager(?: sur [\w ]+)?|compartir(?: en [\w ]+)?"
          rf"|teilen|condividi|compartilhe)\s*[:!.]?",
          rf"(?:share(?: this(?: article| story)?)?\s*:?\s*)?(?:{SOCIAL}|copy link|print)"
          rf"(?:\s*[,|•·/]?\s*(?:{SOCIAL}|copy link|print)){{1,}}",
          # "Follow us on X @news", "Síguenos en Instagram y X para no perderte ninguna noticia"
          rf"(?:follow us|síguenos|siguenos|suivez-nous|folgen sie uns|seguici|siga-nos|follow @[\w.]+)"
          rf"(?: (?:on|en|sur|auf|su|no|at))? {SOCIALS}{HANDLE}(?:\s+(?:for|para|pour|für|per|and|y|et)\b.{{0,80}})?[.!]?",
          rf"follow us{HANDLE}[.!]?",
          # "Printer-friendly version | E-mail this story to a friend": the page's print and mail tools
          rf"{PAGE_TOOL}(?:\s*[|•·/]\s*{PAGE_TOOL})*"),
    _rule("newsletter_prompt", "newsletter, subscription, app and donation prompts",
          r"(?:sign up|subscribe|register|join)(?: now| today| here)? (?:(?:for|to) )?(?:our |the )?(?:free )?"
          r"(?:[\w-]+ ){0,3}(?:newsletters?|briefing|alerts?|digest|updates)\b.{0,120}",
          r"(?:download|get|install) (?:our|the) (?:free )?(?:[\w ]{0,20})?app\b.{0,100}",
          # An imperative "Subscribe ..." opening a line is a prompt; "Subscribers to the paper ..." is not.
          r"(?:subscribe|abbonati|assine|click here to (?:subscribe|sign up|register))\b.{0,160}",
          # "Get the morning briefing in your inbox. Sign up for our newsletter."
          r"(?:get|receive) (?:our|the) (?:[\w-]+ ){0,3}(?:news|headlines|stories|briefing|newsletter)"
          r"(?: delivered)? (?:to|in) your inbox.{0,80}",
          r"abonnez-vous.{0,100}|suscríbete.{0,100}|jetzt abonnieren.{0,100}|inscrivez-vous à (?:notre|la) newsletter.{0,80}",
          r"(?:jetzt )?(?:den |unseren )?(?:kostenlosen )?[\w-]*newsletter (?:abonnieren|bestellen)[.!]?",
          # Donation appeals: "Local news is a public service. Your support keeps KVRN independent."
          r"(?:donate|make a donation|support us|support (?:our|independent) journalism)\b.{0,100}",
          r".{0,100}\byour (?:support|donation|contribution|gift)s? (?:keeps|helps|makes|allows|funds)\b.{0,100}"),
    _rule("contact_prompt", "tip lines and press contacts",
          r"(?:got|have) a (?:story|news story|news tip|tip|story tip|story idea)\?.{0,160}",
          r"(?:email|e-mail|contact|call|write to) (?:us|our newsroom|the newsroom) (?:at|on) \S+.{0,120}",
          r"(?:media|press) (?:contacts?|enquiries|inquiries)\s*:?",
          r"(?:press office|media office|press contact|media contact)\s*:\s*\S+@\S+.{0,80}"),
    _rule("edition_note", "notes about the story itself: print-edition appearances, update and correction notes",
          r"(?:this|the) (?:article|story|piece|report) (?:appears|appeared|was (?:first )?published|was originally published)"
          r" (?:in|on) .{0,200}",
          r"(?:this|the) (?:article|story|piece|report) (?:was|has been) (?:updated|amended|corrected) .{0,200}",
          r"an? (?:earlier )?version of this (?:article|story) .{0,200}",
          # "Our Standards: The Thomson Reuters Trust Principles."
          r"our (?:standards|editorial (?:standards|guidelines|principles))\s*:.{1,120}",
          r"(?:cet article (?:est paru|a été publié|a été mis à jour)|este artículo (?:se publicó|fue publicado|apareció)"
          r"|dieser artikel (?:erschien|ist .{0,40} erschienen|wurde aktualisiert)|questo articolo è (?:apparso|stato pubblicato))"
          r" .{0,200}"),
    _rule("comment_form", "comment forms and comment counters",
          r"leave a (?:reply|comment)|post a comment|add a comment|post comment|cancel reply|join the conversation",
          r"your email address will not be published\.?.{0,120}|required fields are marked\s*\*?",
          # Not a bare counter ("12 comments", "Kommentare (4)"): above the story it is one of the article's
          # stamps, which the hand-marked real pages keep; below it, it heads the comments (text.py).
          r"(?:view|show|read|hide) (?:all )?(?:\d+ )?comments?|no comments yet\.?",
          r"(?:log ?in|sign ?in|register|subscribe) to (?:comment|reply|join the (?:conversation|discussion))[.!]?",
          r"be the first to comment[.!]?|comments are closed\.?",
          r"(?:reader|readers'?|user) comments|discussion about this (?:post|article|story)"
          r"|what (?:readers|you) (?:say|said|think)",
          r"comments are (?:moderated|reviewed|pre-moderated)\b.{0,160}",
          r"log ?in or (?:register|create (?:a |an )?(?:free )?account) to (?:comment|join the (?:conversation|discussion))[.!]?",
          r"laisser un commentaire|deja un comentario|kommentar schreiben"),
    _rule("advertisement", "advertisement markers and affiliate links",
          r".{1,60} (?:may|might|can) earn (?:a )?(?:small )?(?:commission|money|revenue) (?:when|if|from) .{0,140}",
          r"check price|see price|view deal|buy now|shop now|see it at [\w .&'-]{1,30}",
          r"[\w .'’+-]{1,60}:\s*[$€£]\s?\d[\d.,]*\s+at\s+[\w .&'’-]{1,30}",
          r"advertisement|advertising|\[?ad\]?|sponsored(?: content| post)?|paid (?:content|post)|promoted(?: content)?",
          r"\(?(?:story|article) continues (?:below|after (?:this )?(?:advertisement|ad))(?: this)?(?: advertisement)?\)?",
          r"publicité|publicidad|anuncio|anzeige|werbung|pubblicità"),
    _rule("legal_footer", "copyright and legal footers",
          r"(?:©|\(c\))\s*(?:\d{4}|[\w]).{0,160}",
          r"copyright\s*(?:©|\(c\))?\s*(?:\d{4}|[^.]{1,60}\b\d{4}\b).{0,160}",
          r".{0,80}all rights reserved\.?.{0,80}",
          r"this (?:material|article|content) may not be (?:published|reproduced|copied).{0,160}",
          r"tous droits réservés.{0,80}|todos los derechos reservados.{0,80}|alle rechte vorbehalten.{0,80}"),
    _rule("navigation", "breadcrumbs, menus and skip links",
          r"(?:home|accueil|inicio|startseite|homepage)\s*(?:>|»|›|/|\|)\s*.{1,120}",
          r"[\w&'’ -]{1,25}(?:\s*(?:\||•|·|›|»)\s*[\w&'’ -]{1,25}){3,}",
          # "Menu    Search    Sign in    Subscribe": a menu flattened with runs of spaces between items (3 or
          # more: a subheading typed with double spaces, "Where  things  stand", is not a menu)
          r"[\w&'’-]+(?: [\w&'’-]+)?(?:\s{3,}[\w&'’-]+(?: [\w&'’-]+)?){2,}",
          r"skip to (?:main )?content|skip navigation|back to top|toggle navigation|menu|main menu|search|sections",
          r"(?:previous|next) (?:article|story|post)(?:\s*[:»›>]+\s*.{0,120})?",
          # a blog's entry navigation (Movable Type, TypePad): "« Previous entry | Main | Next entry »"
          rf"«[^|«»]{{1,200}}\|\s*{BLOG_HOME}(?:\s*\|[^|«»]{{1,200}}»)?|{BLOG_HOME}\s*\|[^|«»]{{1,200}}»"),
    _rule("reading_time", "reading-time, listen and update stamps",
          r"\d+\s*(?:-\s*)?(?:min|mins|minutes?)\.?(?: read| de lecture| lectura| lesezeit| di lettura)?",
          r"(?:reading time|read time|estimated reading time|temps de lecture|tiempo de lectura|lesezeit)\s*:?\s*.{0,30}",
          r"updated|mis à jour|actualizado|aktualisiert|aggiornato|atualizado",
          r"listen to (?:this )?(?:article|story)(?:\s*[•·:-]?\s*\d+\s*(?:min|mins|minutes)\.?)?",
          r"(?:écouter|escuchar) (?:cet article|este artículo|la noticia).{0,20}"),
    _rule("tag_list", "tag and topic lists",
          r"(?:tags?|topics?|filed under|categories|category|keywords|themen|schlagworte|schlagwörter|mots-clés"
          r"|mots clés|etiquetas|temas)\s*:\s*.{1,300}"),
    # Not a lone "by" or "Author:": on real pages it is a byline broken over lines ("Posted", "by", "timothy";
    # "Author:" above the writer's name and bio), whose other lines stay (11 of 12 lone "by" and 5 of 5
    # "Author:" lines on the dev pages are article text by the gold). A bare "author" is a widget's label.
    _rule("orphan_label", "a lone UI label left from a widget",
          r"(?:authors?(?!\s*:)|print|email|e-mail|comments?|tags|save|copy link|copied|bookmark|font size"
          r"|text size|a\+|a-|close|loading\.*|more|next|previous|prev|top|drucken|imprimer|imprimir|stampa"
          r"|kommentare|commentaires|comentarios)\s*[:.]?"),
)

def match_line_rule(line: str) -> str | None:
    """Name of the first line rule that matches the whole line, or None. A list header is judged with its
    list (text.py), never alone: "Related Posts" also reads like a teaser whose separator was lost."""
    if match_list_header(line):
        return None
    for rule in LINE_RULES:
        if rule.matches(line):
            return rule.name
    return None


def is_comment_section_header(line: str) -> bool:
    return COMMENT_SECTION.matches(line)


def match_list_header(line: str) -> str | None:
    """Rule name when the line heads a list of other stories' headlines ("Most read", "More from Sport")."""
    for rule in LIST_HEADERS:
        if rule.matches(line):
            return rule.name
    return None
