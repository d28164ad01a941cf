"""Email addresses (RFC 5321 shape, with the practical local-part alphabet of RFC 5322 atoms).

The local part is 1-64 characters of `[A-Za-z0-9._%+-]`; the domain is 1-8 dot-separated LDH
labels (RFC 1035, at most 63 characters) and a top-level domain of letters or an IDNA `xn--`
label, as in Presidio's `EmailRecognizer` tests (`user@xn--80ak6aa92e.com`). Every repetition is
bounded and the expression runs on RE2, so matching is linear in the text length.
"""

from __future__ import annotations

from collections.abc import Iterator

import re2

from curation.pii.spans import Span

_EMAIL = re2.compile(
    r"[A-Za-z0-9%+_-](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9%+_-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}"
    r"(?:[Xx][Nn]--[A-Za-z0-9-]{1,59}|[A-Za-z]{2,24})"
)


def find_emails(text: str) -> Iterator[Span]:
    if "@" not in text:
        return
    for match in _EMAIL.finditer(text):
        end = match.end()
        if end < len(text) and (text[end].isalnum() or text[end] == "-"):
            continue  # the domain runs on: a partial match, not an address
        yield Span(match.start(), end, "email")
