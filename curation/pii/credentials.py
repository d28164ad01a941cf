"""Secrets: cloud access keys, API tokens, bearer tokens and PEM private key blocks.

Prefixes and lengths are the vendors' documented formats, the same ones secret scanners
(gitleaks, GitHub secret scanning, detect-secrets) key on:
AWS access key ids (`AKIA`/`ASIA`/... + 16), AWS secret keys after an `aws_secret_access_key`
label, GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), Google API keys
(`AIza` + 35), Slack tokens (`xox[abposr]-`), Stripe keys (`sk_live_`, `rk_test_`, ...), OpenAI
keys (`sk-`, `sk-proj-`), JSON Web Tokens (`eyJ...eyJ...sig`), the token after `Bearer`, and
`-----BEGIN ... PRIVATE KEY-----` blocks through their END line. For labelled secrets only the
secret is replaced, so `Authorization: Bearer <SECRET>` stays readable.
"""

from __future__ import annotations

from collections.abc import Iterator

import re2

from curation.pii.spans import Span

_TOKENS = re2.compile(
    r"\b(?:"
    r"(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}"
    r"|gh[pousr]_[A-Za-z0-9]{36,251}"
    r"|github_pat_[A-Za-z0-9_]{22,244}"
    r"|AIza[0-9A-Za-z_-]{35}"
    r"|xox[abposr]-[0-9A-Za-z-]{10,250}"
    r"|[rs]k_(?:live|test)_[0-9A-Za-z]{16,247}"
    r"|sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,250}"
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
    r")"
)
_LABELLED = re2.compile(
    r"(?i)(?:\bbearer[ \t]+|aws_?secret_?access_?key[\"']?[ \t]*[:=][ \t]*[\"']?)"
    r"([A-Za-z0-9._~+/-]{20,}=*)"
)
_PEM_BEGIN = re2.compile(r"-----BEGIN (?:[A-Z0-9]{1,16} ){0,3}PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = "-----END "
_PEM_MAX_CHARS = 20_000  # an RSA-16384 key in PEM is about 13 kB
_BASE64_BODY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n \t:-,")


def find_secrets(text: str) -> Iterator[Span]:
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token.startswith("sk-") and not _mixes_letters_and_digits(token[3:]):
            continue  # `sk-learn-style-package-names`, not a key
        yield Span(match.start(), match.end(), "secret")
    for match in _LABELLED.finditer(text):
        if _mixes_letters_and_digits(match.group(1)):
            yield Span(match.start(1), match.end(1), "secret")
    if "PRIVATE KEY" in text:
        yield from _private_key_blocks(text)


def _private_key_blocks(text: str) -> Iterator[Span]:
    for match in _PEM_BEGIN.finditer(text):
        start = match.start()
        end_marker = text.find(_PEM_END, match.end(), match.end() + _PEM_MAX_CHARS)
        if end_marker >= 0:
            line_end = text.find("-----", end_marker + len(_PEM_END), end_marker + 200)
            end = line_end + 5 if line_end >= 0 else end_marker + len(_PEM_END)
        else:  # truncated block: redact the base64 body that follows
            end = match.end()
            limit = min(len(text), match.end() + _PEM_MAX_CHARS)
            while end < limit and text[end] in _BASE64_BODY:
                end += 1
        yield Span(start, end, "secret")


def _mixes_letters_and_digits(token: str) -> bool:
    return any(c.isdigit() for c in token) and any(c.isalpha() for c in token)
