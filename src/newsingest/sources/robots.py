"""robots.txt rules of one host, as RFC 9309 says to read them (urllib's parser does the matching)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

# RFC 9309: crawlers may stop reading a robots.txt after 500 KiB.
MAX_ROBOTS_BYTES = 500 * 1024


@dataclass(slots=True)
class RobotsRules:
    """What one host allows. `refusal` is set when robots.txt could not be read and everything is off
    limits for now (5xx or unreachable: RFC 9309 says to assume complete disallow)."""

    parser: RobotFileParser | None = None  # None: no robots.txt (4xx), everything allowed
    refusal: tuple[str, str] | None = None  # (reason, message)

    def allows(self, user_agent: str, url: str) -> bool:
        return self.parser is None or self.parser.can_fetch(user_agent, url)

    def crawl_delay(self, user_agent: str) -> float:
        if self.parser is None:
            return 0.0
        return float(self.parser.crawl_delay(user_agent) or 0)


def parse_robots(body: bytes) -> RobotsRules:
    parser = RobotFileParser()
    parser.parse(body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace").splitlines())
    parser.modified()  # can_fetch() answers False until the parser is marked as read
    return RobotsRules(parser=parser)


def robots_for_status(status: int, body: bytes) -> RobotsRules:
    if 200 <= status < 300:
        return parse_robots(body)
    if 400 <= status < 500:  # no robots.txt (or not for us to read): nothing is disallowed
        return RobotsRules()
    return RobotsRules(refusal=("robots_unavailable", f"robots.txt answered HTTP {status}; "
                                                      "nothing is fetched from this host until it can be read"))
