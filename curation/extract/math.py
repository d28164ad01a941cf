"""Keep formulas: turn rendered math back into its LaTeX source before text extraction.

Llama 3 (section 3.1.1) built its own HTML parser partly because formulas are often images or
script-rendered markup that generic extractors lose: it "carefully extracts the image alt
attribute text" of math images. We handle the forms math takes on real pages:

- MathJax 2: the source sits in `<script type="math/tex">` (`; mode=display` for display math);
  the rendered copies (`.MathJax`, `.MathJax_Display`, `.MathJax_Preview`, `.MathJax_SVG`,
  `.MathJax_CHTML`) are removed so the formula is not emitted twice as glyph soup.
- MathJax 3 (`mjx-container`) and KaTeX (`.katex`): the TeX is in the embedded MathML's
  `<annotation encoding="application/x-tex">`.
- MathML (`<math>`): the `alttext` attribute, else a TeX annotation, else its text content.
- Math images (WordPress `latex.php`, Wikipedia's `mwe-math-fallback-image`, CodeCogs, mimeTeX,
  and images whose class names say latex/math/equation/formula): the alt text.

Each becomes a text node `$...$` (inline) or `$$...$$` (display), the delimiters used by arXiv
and OpenWebMath (Paster et al. 2023), so downstream tokenisation sees LaTeX rather than markdown.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

_RENDERED_MATHJAX = (
    ".MathJax,.MathJax_Display,.MathJax_Preview,.MathJax_SVG,.MathJax_SVG_Display,"
    ".MathJax_CHTML,.katex-html,mjx-assistive-mml"
)
_MATH_IMAGE_SRC = re.compile(
    r"latex|mathtex|mimetex|codecogs|/math/|[?&]tex=|equation|formula|wp\.com/latex", re.I
)
_MATH_IMAGE_CLASS = re.compile(r"latex|\btex\b|math|equation|formula", re.I)
_TEX_ANNOTATION = 'annotation[encoding="application/x-tex"],annotation[encoding="TeX"]'


def restore_math(tree: LexborHTMLParser) -> int:
    """Replace every formula in `tree` by a text node holding its LaTeX; returns how many."""
    body = tree.body
    if body is None:
        return 0
    restored = 0
    for script in body.css('script[type^="math/tex" i]'):
        display = "mode=display" in (script.attributes.get("type") or "").lower()
        restored += _replace(script, script.text(), display)
    for selector in ("mjx-container", ".katex-display", ".katex"):  # outermost first, re-queried
        for container in body.css(selector):
            display = container.attributes.get("display") == "true" or selector == ".katex-display"
            math = container.css_first("math")
            if math is not None:
                restored += _replace(container, _mathml_source(math), display)
    for node in body.css(_RENDERED_MATHJAX):
        node.remove()
    for math in body.css("math"):
        restored += _replace(math, _mathml_source(math), math.attributes.get("display") == "block")
    for image in body.css("img[alt]"):
        if _is_math_image(image):
            restored += _replace(image, image.attributes.get("alt") or "", False)
    return restored


def _mathml_source(math: LexborNode) -> str:
    alt = math.attributes.get("alttext")
    if alt:
        return alt
    annotation = math.css_first(_TEX_ANNOTATION)
    if annotation is not None:
        return annotation.text()
    return " ".join(math.text().split())


def _is_math_image(image: LexborNode) -> bool:
    if _MATH_IMAGE_SRC.search(image.attributes.get("src") or ""):
        return True
    return bool(_MATH_IMAGE_CLASS.search(image.attributes.get("class") or ""))


def _replace(node: LexborNode, source: str, display: bool) -> int:
    source = source.strip()
    if not source:
        node.remove()
        return 0
    if not source.startswith("$") and not source.startswith("\\("):
        source = f"$${source}$$" if display else f"${source}$"
    node.replace_with(f" {source} ")
    return 1
