"""Line cleanup after extraction: markdown markers removed, whitespace normalised.

Llama 3 (section 3.1.1): "we find markdown is harmful to the performance of a model that is
primarily trained on web data compared to plain text, so we remove all markdown markers." Pages
carry markdown where authors typed it into a CMS that did not render it, and extractors that
emit markdown (trafilatura's `output_format="markdown"`) add more. We remove:

- ATX heading markers (`## Title`), blockquote markers (`> `), and bullet markers (`- `, `* `,
  `+ `, `•`) at the start of a line;
- emphasis pairs `**bold**` and `__bold__`, and inline code backticks around a span;
- code fences (```` ``` ````), horizontal rules (`---`, `***`, `___`) and table separator rows
  (`|---|:---:|`), which are pure markup lines, and the pipes of markdown table rows.

Single `*` and `_` are left alone: they are multiplication, footnotes and identifiers far more
often than emphasis. Ordered-list numbers (`1.`) are content and stay.
"""

from __future__ import annotations

import re

_HEADING = re.compile(r"^#{1,6}[ \t]+")
_QUOTE = re.compile(r"^(?:>[ \t]?)+")
_BULLET = re.compile(r"^[-*+\u2022\u25cf\u25aa\u2023\u2043][ \t]+")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_MARKUP_LINE = re.compile(
    r"^(?:`{3,}.*|~{3,}.*"  # code fences
    r"|[-*_](?:[ \t]*[-*_]){2,}"  # horizontal rules
    r"|\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?)$"  # table separator rows
)
_TABLE_ROW = re.compile(r"^\|(.*)\|$")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def strip_markdown_line(line: str) -> str | None:
    """The line without markdown markers, or None when the line is pure markup."""
    stripped = line.strip()
    if _MARKUP_LINE.match(stripped):
        return None
    row = _TABLE_ROW.match(stripped)
    if row:
        stripped = "\t".join(cell.strip() for cell in row.group(1).split("|"))
    stripped = _HEADING.sub("", stripped)
    stripped = _QUOTE.sub("", stripped)
    stripped = _BULLET.sub("", stripped)
    stripped = _BOLD.sub(r"\2", stripped)
    return _INLINE_CODE.sub(r"\1", stripped)


def clean_text(text: str) -> str:
    """Normalise spaces, remove markdown markers and empty lines.

    Leading indentation (code in `<pre>`, nested lists) and the tabs between table cells stay.
    """
    lines = []
    for raw in text.splitlines():
        body = raw.lstrip(" ")
        indent = raw[: len(raw) - len(body)]
        cells = [_SPACES.sub(" ", cell).strip() for cell in body.split("\t")]
        line = "\t".join(cell for cell in cells if cell)
        cleaned = strip_markdown_line(line) if line else None
        if cleaned:
            lines.append(indent + cleaned)
    return "\n".join(lines)


# Chinese and Japanese write a word in one to three characters without spaces, where a Latin-script
# word takes about six with its space: a line of 27 hanzi is a full sentence. Lengths that decide
# "is this body text" count such a character three times (Hangul is spaced, so it counts once).
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_CHAR_WEIGHT = 3


def text_weight(text: str) -> int:
    """Length of `text` in Latin-script characters: a hanzi or kana counts `CJK_CHAR_WEIGHT`."""
    return len(text) + (CJK_CHAR_WEIGHT - 1) * len(_CJK.findall(text))


_SENTENCE_END = frozenset('.!?:;"\u201c\u201d\u00bb\u3002\uff01\uff1f')


def is_content_line(line: str, min_chars: int) -> bool:
    """A line long enough, or a shorter one that ends like a sentence, to be body text."""
    stripped = line.strip()
    weight = text_weight(stripped)
    return weight >= min_chars or (
        weight >= 0.6 * min_chars and stripped[-1:] in _SENTENCE_END
    )


def trim_edges(text: str, min_chars: int, keep_before: int = 1) -> str:
    """Drop the short lines before the first and after the last content line.

    Datelines, "Advertisement", share prompts and tag lists sit at the edges of a container;
    short lines between two content lines (headings, list items, table rows) stay. One short
    line right before the first content line is kept: it is usually the headline.
    """
    lines = text.split("\n")
    content = [i for i, line in enumerate(lines) if is_content_line(line, min_chars)]
    if not content:
        return text
    return "\n".join(lines[max(0, content[0] - keep_before): content[-1] + 1])
