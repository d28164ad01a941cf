"""Which output category a document is written under: general, math_reasoning, code, multilingual.

These are the four parts of the Llama 3 data mix (section 3.1.2: 50% general knowledge, 25% math
and reasoning, 17% code, 8% multilingual). Until the domain classifiers and the mixer land, only
language decides: English text is `general`, any other identified language is `multilingual`, and a
`category` metadata value set by an earlier stage wins.
"""

from __future__ import annotations

from curation.document import Document

CATEGORIES = ("general", "math_reasoning", "code", "multilingual")


def category_of(doc: Document) -> str:
    declared = doc.metadata.get("category")
    if declared in CATEGORIES:
        return declared
    if doc.lang is None or doc.lang == "en":
        return "general"
    return "multilingual"
