"""The `url_safety` stage: drop pages from adult or blocked domains and URLs with banned words.

Llama 3 section 3.1.1: "we use filters designed to remove data from websites ... with harmful or
adult content". The word rules are datatrove's `URLFilter` (FineWeb): the URL is split on
non-alphanumeric characters; one banned word, or `soft_banned_word_threshold` (2) distinct
soft-banned words, drops it; banned subwords are matched as substrings of the URL with every
non-alphanumeric character removed. Domain rules: a host is blocked when it, or any parent domain
down to the registered domain, is on a blocklist. The public-suffix split uses tldextract's
bundled snapshot with no network access, so `example.co.uk` is a registered domain and `co.uk`
is never looked up. A domain on `allow_domains` (or under one) is always kept.

Drop reasons:
- `no_url` / `invalid_url`: nothing to check, so nothing can vouch for the page.
- `blocked_domain`: the host or a parent domain is listed; the detail names the listed domain.
- `banned_url_word`, `soft_banned_url_words`, `banned_url_subword`: the detail names the words.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from curation.config import UrlSafetyConfig
from curation.document import Document
from curation.safety.lists import (
    bundled_lines,
    file_lines,
    normalize_host,
    parse_domains,
    parse_words,
)
from curation.stage import Drop, Outcome, Stage

_URL_WORD_SPLIT = re.compile(r"[^a-z0-9]+")


class UrlSafetyStage(Stage):
    name = "url_safety"

    def __init__(self, config: UrlSafetyConfig) -> None:
        self.config = config
        self._loaded = False

    def setup(self) -> None:
        if self._loaded:
            return
        import tldextract

        config = self.config
        blocked: set[str] = set(parse_domains(config.block_domains))
        banned: set[str] = set()
        soft: set[str] = set()
        subwords: set[str] = set()
        if config.bundled_lists:
            blocked.update(parse_domains(bundled_lines("adult_domains.txt.gz")))
            banned.update(parse_words(bundled_lines("banned_words.txt"), squash=False))
            soft.update(parse_words(bundled_lines("soft_banned_words.txt"), squash=False))
            subwords.update(parse_words(bundled_lines("banned_subwords.txt"), squash=True))
        for path in config.extra_blocklists:
            blocked.update(parse_domains(file_lines(path)))
        self._blocked = frozenset(blocked)
        self._allowed = frozenset(parse_domains(config.allow_domains))
        self._banned = frozenset(banned)
        self._soft = frozenset(soft)
        self._subwords = tuple(sorted(subwords))
        self._extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
        self._loaded = True

    def domain_chain(self, host: str) -> list[str]:
        """`host` and each parent domain down to its registered domain (`a.b.example.co.uk`,
        `b.example.co.uk`, `example.co.uk`). Just `host` for an IP address; down to two labels
        when the suffix is not a public one (`x.corp.internal`, `corp.internal`)."""
        parts = self._extract(host)
        if parts.ipv4 or parts.ipv6 or host.startswith("["):
            return [host]
        registered = parts.top_domain_under_public_suffix
        labels = host.split(".")
        depth = registered.count(".") + 1 if registered and host.endswith(registered) else 2
        return [".".join(labels[i:]) for i in range(max(1, len(labels) - depth + 1))]

    def process(self, doc: Document) -> Outcome:
        self.setup()
        if not doc.url:
            return Drop("no_url")
        try:
            host = urlsplit(doc.url).hostname
        except ValueError as exc:
            return Drop("invalid_url", str(exc)[:200])
        if not host:
            return Drop("invalid_url", doc.url[:200])
        chain = self.domain_chain(normalize_host(host))
        if any(domain in self._allowed for domain in chain):
            return doc
        listed = next((domain for domain in chain if domain in self._blocked), None)
        if listed is not None:
            return Drop("blocked_domain", listed)
        if self.config.url_words:
            return self._check_words(doc)
        return doc

    def _check_words(self, doc: Document) -> Outcome:
        url = doc.url.lower()
        words = set(_URL_WORD_SPLIT.split(url))
        banned = sorted(words & self._banned)
        if banned:
            return Drop("banned_url_word", ",".join(banned[:5]))
        soft = sorted(words & self._soft)
        if len(soft) >= self.config.soft_banned_word_threshold:
            return Drop("soft_banned_url_words", ",".join(soft[:5]))
        squashed = _URL_WORD_SPLIT.sub("", url)
        subword = next((s for s in self._subwords if s in squashed), None)
        if subword is not None:
            return Drop("banned_url_subword", subword)
        return doc

    def __getstate__(self) -> dict[str, object]:
        return {"config": self.config, "_loaded": False}
