"""What a fastText student reads of a document: plain words, or words plus page structure.

fastText (Joulin et al. 2017) splits on whitespace, so on extracted pages `\\frac{a}{b}`,
`foo(x);` and `$x_i$` are single rare tokens and the newline and indentation that make code look
like code are gone before the model sees them. The `domain` view keeps what tells code and math
apart from prose, in a form that carries across sites and languages:

- symbols are split off (`\\frac { a } { b }`, `foo ( x ) ;`), so LaTeX commands, brackets,
  operators and `$` delimiters become shared tokens;
- each line that looks like code (ending in `;`, `{` or `}`, a `>>>` prompt, or indented with a
  sign of code on it; not a line ending in `:`, which recipes and settings lists end with as
  often as Python blocks, nor an indented list item) adds a `__codeline__` token, and each
  formula delimiter a `__formula__` token;
- the page-level rule scores of `classifiers/weak_labels.py` (code-line fraction, math tokens
  per 100 words), the counts of code lines and formulas and their ratio are added as bucketed
  tokens (`__codefrac_3__`, `__mathdens_4__`, `__formulas_per_codeline_2__`), so a structural
  signal counts as much on a short page as on a long one. STEM documentation shows code between
  its formulas; the ratio is what tells such a page from a code page with a stray formula.

The view is applied the same way in training (`curate train fasttext --view domain`) and in the
classify stage (`classifiers/handlers.py`); its name is recorded in the model card.
"""

from __future__ import annotations

import math
import re

from classifiers.weak_labels import code_line_fraction, math_density

VIEWS = ("words", "domain")
MAX_CHARS = 10_000  # the same budget as fasttext_student.normalize

_SYMBOLS = re.compile(r"(\\[A-Za-z]+|[^\w\s])")
# An indented line is code only with a sign of code on it (a call or index glued to a name, an
# assignment, `->`, `::`, a brace or a statement keyword): the extractor indents list items by
# two spaces, and recipe steps and settings lists are indented lists, not code.
_INDENTED_CODE = re.compile(
    r"^(?:\s{2,}|\t)\S.*(?:\w[(\[]|[^=!<>]=[^=]|->|::|[{};])"
    r"|^(?:\s{2,}|\t)(?:def|class|return|import|from|if|for|while|let|var|const|fn|func|use|pub)\b")
_CODE_LINE = re.compile(r"[;{}]\s*$|^\s*(?:>>>|\$ |# )")
_FORMULA = re.compile(r"\$\$?|\\\(|\\\[")
_INLINE = re.compile(r"\\[()]")
_DISPLAY = re.compile(r"\\[\[\]]")


def _bucket(value: float) -> int:
    """0 for 0, then one bucket per doubling (0.5 -> 1, 1 -> 2, 2 -> 3, ...), at most 8."""
    return 0 if value <= 0 else max(1, min(8, 2 + math.floor(math.log2(value))))


def domain_view(text: str) -> str:
    head = text[:MAX_CHARS]
    lines = head.splitlines()
    code_lines = sum(1 for line in lines if _CODE_LINE.search(line) or _INDENTED_CODE.search(line))
    formulas = len(_FORMULA.findall(head))
    features = [f"__codefrac_{round(10 * code_line_fraction(head))}__",
                f"__mathdens_{_bucket(math_density(head))}__",
                f"__codelines_{_bucket(code_lines)}__", f"__formulas_{_bucket(formulas)}__",
                f"__formulas_per_codeline_{_bucket(formulas / (code_lines + 1))}__",
                *(["__codeline__"] * min(code_lines, 50)),
                *(["__formula__"] * min(formulas, 50))]
    # Sphinx and MathJax pages keep `\(...\)` and `\[...\]`, where the extractor writes `$`
    # and `$$` for the forms it restores: one spelling for the model
    head = _DISPLAY.sub(" $$ ", _INLINE.sub(" $ ", head))
    return " ".join(features) + " " + _SYMBOLS.sub(r" \1 ", head)


def apply_view(view: str, text: str) -> str:
    if view == "words":
        return text
    if view == "domain":
        return domain_view(text)
    raise ValueError(f"unknown text view {view!r}; expected one of {', '.join(VIEWS)}")
