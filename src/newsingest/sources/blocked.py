"""Pages that answer but are not the article: access refusals, bot challenges and paywall stubs."""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

# Status codes that say "not for you", with the reason code recorded for them.
ACCESS_REFUSED = {401: "auth_required", 403: "forbidden", 451: "unavailable_for_legal_reasons"}

# Anti-bot interstitials of the common CDNs and bot-management vendors.
CHALLENGE_MARKERS = re.compile(
    rb"challenge-platform|cf-chl-|<title>\s*(?:Just a moment\.\.\.|Attention Required! \| Cloudflare)"
    rb"|captcha-delivery\.com|px-captcha|_Incapsula_Resource|<title>\s*(?:Access Denied|Are you a robot\?)",
    re.IGNORECASE)
PAYWALL_PHRASES = re.compile(
    r"subscribe (?:now )?to (?:read|continue)|to continue reading|already a subscriber|for subscribers only"
    r"|(?:article|story|content) is (?:only )?(?:available|reserved) (?:to|for) subscribers|sign in to read"
    r"|réservé aux abonnés|nur für abonnenten|exclusivo para suscriptores",
    re.IGNORECASE)
NOT_FREE = re.compile(rb'"isAccessibleForFree"\s*:\s*"?false', re.IGNORECASE)
# A page with a subscribe prompt but more visible words than this carries the article itself.
PAYWALL_STUB_MAX_WORDS = 250
SNIFF_BYTES = 64 * 1024


def challenge_message(headers: dict[str, str], body: bytes) -> str | None:
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return "the CDN answered with a bot challenge (cf-mitigated: challenge)"
    if CHALLENGE_MARKERS.search(body[:SNIFF_BYTES]):
        return "the page is a bot-check interstitial, not the article"
    return None


def visible_words(html: bytes) -> list[str]:
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    for element in root.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    return root.text_content().split()


def paywall_message(body: bytes) -> str | None:
    """A short page that asks to subscribe (or says in JSON-LD that it is not free) is a stub."""
    words = visible_words(body)
    if len(words) > PAYWALL_STUB_MAX_WORDS:
        return None
    text = " ".join(words)
    if PAYWALL_PHRASES.search(text) or NOT_FREE.search(body):
        return f"paywall stub: {len(words)} visible words and a subscription prompt, not the article"
    return None


def blocked_page(headers: dict[str, str], body: bytes) -> tuple[str, str] | None:
    """(reason, message) when a 2xx HTML page is a bot challenge or a paywall stub rather than the article."""
    if message := challenge_message(headers, body):
        return "bot_challenge", message
    if message := paywall_message(body):
        return "paywall", message
    return None
