"""Named line-level cruft rules. Each rule matches a *whole line*, never a word inside a sentence, so
"Shares of the company fell" or "The author of the report said" can never match "share" or "author".

The order matters only for the name recorded: the first rule that matches a line is the reason given.
Rules that need the rest of the article (author bios, stray headlines) live in text.py.
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


SEP = r"\s*[:|»›>\-–—]+\s*"  # the separator between a prompt and the link text: "Read also: ...", "Read | ..."
SOCIAL = r"facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|e-?mail|instagram|threads|bluesky"

LINE_RULES: tuple[LineRule, ...] = (
    _rule("related_link", "links to other stories: Read also / Related / Recommended / See also / More from",
          rf"(?:read|also read|read (?:also|more|next)|related(?: (?:articles?|stories|content|coverage|news))?"
          rf"|recommended(?: for you| reading)?|see also|more from [\w .'’-]{{1,40}}|you (?:may|might) also like"
          rf"|more on this(?: story)?|don'?t miss|must read|(?:à )?lire aussi|à lire|voir aussi|lea también|leer más"
          rf"|le puede interesar|auch interessant|mehr zum thema|lesen sie auch|weiterlesen|leggi anche"
          rf"|leia também|leia mais){SEP}.{{2,200}}",
          r"(?:read more|read the full (?:story|article)|continue reading|related(?: articles| stories)?"
          r"|lire la suite|leer más|weiterlesen|leia mais)\s*(?:[.…»›>]+|\.\.\.)?"),
    _rule("share_prompt", "share buttons and follow prompts",
          rf"(?:share|share this(?: article| story| post| page)?|share (?:on|via|to) (?:{SOCIAL})"
          rf"|click to share(?: on [\w ]+)?.*|tweet(?: this)?|follow us(?: on [\w ,&]+)?|follow (?:us|@\w+) on (?:{SOCIAL})"
          rf"|partager(?: sur [\w ]+)?|compartir(?: en [\w ]+)?|teilen|condividi|compartilhe)\s*[:!.]?",
          rf"(?:(?:{SOCIAL})\s*[,|•·/]?\s*){{2,}}"),
    _rule("newsletter_prompt", "newsletter, subscription and app prompts",
          r"(?:sign up|subscribe|register|join)(?: now| today| here)? (?:(?:for|to) )?(?:our |the )?(?:free |daily |weekly |morning |evening )?"
          r"(?:newsletters?|briefing|alerts?|digest|updates)\b.{0,120}",
          r"(?:download|get|install) (?:our|the) (?:free )?(?:[\w ]{0,20})?app\b.{0,100}",
          r"subscribe(?: now| today)?(?: to (?:continue|read|unlock).{0,80})?[.!]?",
          r"(?:get|receive) (?:our|the) (?:latest )?(?:news|headlines|stories) (?:delivered )?(?:to|in) your inbox.{0,60}",
          r"abonnez-vous.{0,100}|suscríbete.{0,100}|jetzt abonnieren.{0,100}|inscrivez-vous à (?:notre|la) newsletter.{0,80}"),
    _rule("comment_form", "comment forms and comment counters",
          r"leave a (?:reply|comment)|post a comment|add a comment|post comment|cancel reply|join the conversation",
          r"your email address will not be published\.?.{0,120}|required fields are marked\s*\*?",
          r"(?:view|show|read|hide) (?:all )?(?:\d+ )?comments?|comments?\s*\(\d+\)|\d+\s+comments?|no comments yet\.?",
          r"laisser un commentaire|deja un comentario|kommentar schreiben"),
    _rule("advertisement", "advertisement markers",
          r"advertisement|advertising|\[?ad\]?|sponsored(?: content| post)?|paid (?:content|post)|promoted(?: content)?",
          r"story continues below(?: this)? advertisement|article continues (?:below|after (?:this )?advertisement)",
          r"publicité|publicidad|anuncio|anzeige|werbung|pubblicità"),
    _rule("photo_credit", "photo and image credits and captions credits",
          r"(?:photo|photos|image|images|picture|file photo|photograph|foto|crédit photo|credit)(?: credit)?s?\s*[:|©]\s*.{1,120}",
          r"\((?:photo|image|picture) (?:credit|by|:)[^)]{0,120}\)",
          r"(?:photo|image|picture) (?:by|courtesy of) [^.]{1,80}",
          r"©\s*[\w .'’&/-]{1,60}(?:images|photos?|press|agency|afp|reuters|ap)"),
    _rule("legal_footer", "copyright and legal footers",
          r"(?:©|\(c\)|copyright)\s*(?:\d{4}|[\w]).{0,160}",
          r".{0,80}all rights reserved\.?.{0,80}",
          r"this (?:material|article|content) may not be (?:published|reproduced|copied).{0,160}",
          r"tous droits réservés.{0,80}|todos los derechos reservados.{0,80}|alle rechte vorbehalten.{0,80}"),
    _rule("navigation", "breadcrumbs, menus and skip links",
          r"(?:home|accueil|inicio|startseite|homepage)\s*(?:>|»|›|/|\|)\s*.{1,120}",
          r"[\w&'’ -]{1,25}(?:\s*(?:\||•|·|›|»)\s*[\w&'’ -]{1,25}){3,}",
          r"skip to (?:main )?content|skip navigation|back to top|toggle navigation|menu|main menu|search|sections",
          r"(?:previous|next) (?:article|story|post)(?:\s*[:»›>]+\s*.{0,120})?"),
    _rule("reading_time", "reading-time, listen and update stamps",
          r"\d+\s*(?:-\s*)?(?:min|mins|minutes?)\.?(?: read| de lecture| lectura| lesezeit| di lettura)?",
          r"(?:reading time|read time|estimated reading time|temps de lecture|tiempo de lectura|lesezeit)\s*:?\s*.{0,30}",
          r"listen to (?:this )?(?:article|story)(?:\s*[•·:-]?\s*\d+\s*(?:min|mins|minutes)\.?)?",
          r"(?:écouter|escuchar) (?:cet article|este artículo|la noticia).{0,20}"),
    _rule("tag_list", "tag and topic lists",
          r"(?:tags?|topics?|filed under|categories|category|keywords|themen|schlagworte|mots-clés|mots clés|etiquetas|temas)\s*:\s*.{1,300}"),
    _rule("most_read", "most-read and trending list headers",
          r"(?:most (?:read|popular|viewed|shared|commented)|trending(?: now| stories| news)?|popular (?:now|stories)"
          r"|top stories|editor'?s picks|latest (?:news|stories|headlines)|les plus lus|lo más leído|meistgelesen"
          r"|più letti)\s*:?"),
    _rule("orphan_label", "a lone UI label left from a widget",
          r"(?:author|authors|by|share|print|email|e-mail|comments?|tags|related|save|copy link|copied|"
          r"bookmark|font size|text size|a\+|a-|close|loading\.*|more|next|previous|prev|top)\s*[:.]?"),
)

RULES_BY_NAME = {rule.name: rule for rule in LINE_RULES}


def match_line_rule(line: str) -> str | None:
    """Name of the first line rule that matches the whole line, or None."""
    for rule in LINE_RULES:
        if rule.matches(line):
            return rule.name
    return None
