"""Weak labels where a small teacher is poor: code and math density, and source-given labels.

Llama 3 (section 3.1.1) trains domain classifiers for code and for math/reasoning pages
"with interleaved text and code". A 135M teacher cannot tell those apart reliably
(`benchmarks/classifier_eval.py` measures its agreement with these rules), so the bundled
domain students learn from these rules instead; they are documented here and in each model card.

- `code_line_fraction`: the share of non-empty lines that look like source code (a statement
  keyword at the start, or a line ending in `;`, `{`, `}` or `):`, or an assignment/call shape).
  Code if at least `CODE_MIN_LINE_FRACTION` (0.3, our choice: prose has almost none, a code
  file or a tutorial dominated by listings has most).
- `math_density`: LaTeX commands, `$...$` delimiters, reST `:math:` roles, sub/superscript
  braces and math symbols (∑ ∫ √ ≤ ≥ ≠ ± ÷ ∞, the multiplication sign and
  Greek letters) per 100 words. Math/reasoning if at least `MATH_MIN_DENSITY` (2.0, our choice),
  which admits documentation that mixes formulas with code examples, as the paper intends.
- Topic and reference-text labels come from the source of a training document
  (`metadata["topic"]`, `metadata["reference"]`), set by `classifiers/corpus.py`.
"""

from __future__ import annotations

import re

CODE_MIN_LINE_FRACTION = 0.3
MATH_MIN_DENSITY = 2.0

_CODE_LINE = re.compile(
    r"^\s*(def |class |import |from \S+ import |return\b|if .*:\s*$|for .*:\s*$|while .*:\s*$|"
    r"elif |else:|try:|except\b|#include|public |private |static |function\b|const |let |var |"
    r"@\w+|>>> |\.\.\. |[\w.\[\]]+\s*=[^=]|[\w.]+\(.*\)\s*;?\s*$)"
    r"|[;{}]\s*$|\):\s*$"
)
_MATH_TOKEN = re.compile(
    r"\\(?:frac|sum|int|sqrt|prod|lim|alpha|beta|gamma|delta|theta|lambda|sigma|mu|pi|infty|"
    r"leq|geq|neq|cdot|times|mathbb|mathrm|left|right|partial|binom|log|exp|sin|cos"
    r"|hat|max|min|mathcal|in|le|ge|approx|dots)\b"
    r"|\$|[∑∫√≤≥≠±\u00d7÷∞∂∈∀∃≈πθλσμαβγδ]|\\\(|\\\[|\.\. math::|:math:`|\^\{|_\{"
)


def code_line_fraction(text: str) -> float:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return 0.0
    return sum(1 for line in lines if _CODE_LINE.search(line)) / len(lines)


def math_density(text: str) -> float:
    words = len(text.split())
    if words == 0:
        return 0.0
    return 100.0 * len(_MATH_TOKEN.findall(text)) / words


def weak_domain(text: str) -> str:
    """`math_reasoning`, `code` or `other` by the density rules above (math checked first)."""
    if math_density(text) >= MATH_MIN_DENSITY:
        return "math_reasoning"
    if code_line_fraction(text) >= CODE_MIN_LINE_FRACTION:
        return "code"
    return "other"
