"""IPv4 and IPv6 addresses, validated with the standard library's `ipaddress`.

Candidates come from RE2 (linear time); `ipaddress` then rejects out-of-range octets, leading
zeros, wrong group counts and a second `::`. Boundaries follow Presidio's `IpRecognizer` tests:
an address glued to letters (`IP192.168.1.1text`, `fe80::1text`) is not an address, a trailing
sentence dot is allowed, and an IPv4 address embedded in a longer dotted run (`192.168.1.1.1`)
still counts.

Private and loopback addresses are redacted by default, as Presidio does: a private address in a
log excerpt still identifies a network layout, and `127.0.0.1`/`::1` carry no text a model needs
(the placeholder keeps the sentence readable). `keep_special` keeps the addresses that identify
nothing: loopback, unspecified (`0.0.0.0`, `::`), broadcast, multicast and the documentation
ranges (RFC 5737, RFC 3849), so tutorials keep their examples.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import re2

from curation.pii.spans import Span, is_ascii_digit, is_word_char

# The leading class consumes the character before the address, so a run like `1.1.1.1.1...` yields
# no candidates at all instead of one per dot.
_IPV4 = re2.compile(r"(?:^|[^0-9A-Za-z_.])(\d{1,3}(?:\.\d{1,3}){3})")
_IPV6 = re2.compile(
    r"(?:^|[^0-9A-Za-z_:])((?:[0-9A-Fa-f]{1,4}|:)(?:[0-9A-Fa-f]{0,4}:){1,7}"
    r"(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4})?(?:%[0-9A-Za-z_.]{1,16})?)"
)
_DOCUMENTATION = (
    ipaddress.ip_network("192.0.2.0/24"), ipaddress.ip_network("198.51.100.0/24"),
    ipaddress.ip_network("203.0.113.0/24"), ipaddress.ip_network("2001:db8::/32"),
)


def find_ip_addresses(text: str, keep_special: bool = False) -> Iterator[Span]:
    if "." in text:
        yield from _find_ipv4(text, keep_special)
    if ":" in text:
        yield from _find_ipv6(text, keep_special)


def _find_ipv4(text: str, keep_special: bool) -> Iterator[Span]:
    for match in _IPV4.finditer(text):
        start, end = match.span(1)
        if is_word_char(text, end):
            continue
        try:
            address = ipaddress.IPv4Address(match.group(1))
        except ValueError:
            continue
        if not (keep_special and _is_special(address)):
            yield Span(start, end, "ip")


def _find_ipv6(text: str, keep_special: bool) -> Iterator[Span]:
    for match in _IPV6.finditer(text):
        start, end = match.span(1)
        candidate = match.group(1)
        if ":::" in candidate or candidate.count(":") < 2:
            continue
        if is_word_char(text, start - 1) or is_word_char(text, end):
            continue
        if end < len(text) and text[end] in ".:" and is_ascii_digit(text, end + 1):
            continue  # `::ffff:192.168.1`: a truncated embedded IPv4, not an address
        try:
            address = ipaddress.IPv6Address(candidate)
        except ValueError:
            continue
        if not (keep_special and _is_special(address)):
            yield Span(start, end, "ip")


def _is_special(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback or address.is_unspecified or address.is_multicast:
        return True
    if isinstance(address, ipaddress.IPv4Address) and address == ipaddress.IPv4Address("255.255.255.255"):
        return True
    return any(address in network for network in _DOCUMENTATION if network.version == address.version)
