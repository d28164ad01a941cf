"""A document's mix category and topic, from the classifier outputs and its language.

The four categories are the parts of the Llama 3 data mix (section 3.1.2): general knowledge,
mathematical and reasoning, code, multilingual. Llama 3 assigns them with classifiers (domain
classifiers for code and math/reasoning, section 3.1.1) and with language ID; the rules here read
those outputs, first rule that fires (`CategoryRulesConfig` in curation/config.py):

1. `metadata["category"]` names a category: an earlier stage or the input said so.
2. `metadata["domain"]` is a label listed in `domain_labels` (e.g. `code`, `math`).
3. `scores["domain_code"] >= code_min_score`: code.
4. `scores["domain_math"] >= math_min_score`: math_reasoning.
5. a language outside `english_languages`: multilingual, unless `multilingual_languages` is set
   and does not list it (drop `language_not_in_mix`; Llama 3's eight languages are en, de, fr,
   it, pt, hi, es, th, and the default keeps every language).
6. otherwise (English, or no language at all): general.

Code and math come before language because language ID on code or formulas is noise, and a
German proof is still mathematics. The topic (Llama 3's knowledge classifier) is
`metadata["topic"]`, or `unknown` while no topic classifier has run.
"""

from __future__ import annotations

from curation.categories import CATEGORIES
from curation.config import CategoryRulesConfig
from curation.document import Document
from curation.stage import Drop


def category_and_topic(doc: Document, rules: CategoryRulesConfig) -> tuple[str, str] | Drop:
    """(category, topic) of `doc`, or a Drop when its language is not one the mix keeps."""
    topic = doc.metadata.get(rules.topic_field) or rules.unknown_topic
    category = _category(doc, rules)
    if isinstance(category, Drop):
        return category
    return category, topic


def _category(doc: Document, rules: CategoryRulesConfig) -> str | Drop:
    declared = doc.metadata.get("category")
    if declared in CATEGORIES:
        return declared
    label = doc.metadata.get(rules.domain_field)
    if label is not None and label in rules.domain_labels:
        return rules.domain_labels[label]
    if doc.scores.get(rules.code_score, -1.0) >= rules.code_min_score:
        return "code"
    if doc.scores.get(rules.math_score, -1.0) >= rules.math_min_score:
        return "math_reasoning"
    if doc.lang is None or doc.lang in rules.english_languages:
        return "general"
    if rules.multilingual_languages and doc.lang not in rules.multilingual_languages:
        return Drop("language_not_in_mix", doc.lang)
    return "multilingual"
