"""Our extractor on hand-written pages: what it keeps (main text, formulas, tables, code) and what
it removes (boilerplate, markdown markers)."""

import pytest

from curation.extract.engine import extract
from curation.extract.main_content import extract_main_text
from curation.extract.text_cleanup import clean_text, strip_markdown_line

PARAGRAPH = (
    "The committee met on Tuesday to discuss the budget, and after a long debate it agreed to "
    "fund the new library, the community pool and the repairs to the bridge."
)


def page(article: str, extra: str = "") -> str:
    return f"""<html><head><title>Site name | A headline</title></head><body>
    <header class="site-header"><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a>
    </li><li><a href="/about">About us</a></li></ul></nav></header>
    <div id="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
    <div class="layout"><article class="post"><h1>A headline about the budget</h1>
    <div class="entry-content"><p>{PARAGRAPH}</p>{article}<p>{PARAGRAPH}</p></div></article>
    <aside class="sidebar"><h3>Popular posts</h3><ul><li><a href="/a">Ten tips for gardens</a></li>
    <li><a href="/b">Why cats purr at night</a></li></ul></aside></div>
    <div class="comments"><h3>Leave a reply</h3><p>Great post, thanks for sharing it with us!</p>
    </div>{extra}<footer>Copyright 2024 Example Media. All rights reserved. Imprint</footer>
    </body></html>"""


@pytest.mark.parametrize(
    ("article", "kept"),
    [
        ('<p>Einstein wrote <script type="math/tex">E = mc^2</script> in 1905.</p>', "$E = mc^2$"),
        ('<script type="math/tex; mode=display">\\int_0^1 x\\,dx = \\frac12</script>',
         "$$\\int_0^1 x\\,dx = \\frac12$$"),
        ('<p>Area <span class="MathJax_Preview">A=πr²</span><span class="MathJax">A = π r 2</span>'
         '<script type="math/tex">A = \\pi r^2</script>.</p>', "Area $A = \\pi r^2$"),
        ('<p>KaTeX <span class="katex"><span class="katex-mathml"><math><semantics><mrow><mi>x'
         '</mi></mrow><annotation encoding="application/x-tex">x^2+y^2</annotation></semantics>'
         '</math></span><span class="katex-html" aria-hidden="true">x2+y2</span></span> ok</p>',
         "$x^2+y^2$"),
        ('<p>MathML <math alttext="\\sqrt{2}"><msqrt><mn>2</mn></msqrt></math> is irrational.</p>',
         "$\\sqrt{2}$"),
        ('<p>A WordPress formula <img src="https://s0.wp.com/latex.php?latex=a%5E2" '
         'alt="a^2+b^2=c^2" class="latex"> in a sentence.</p>', "$a^2+b^2=c^2$"),
        ('<p>Wikipedia <img class="mwe-math-fallback-image-inline" alt="{\\displaystyle \\pi }" '
         'src="/media/math/render/svg/abc"> here.</p>', "${\\displaystyle \\pi }$"),
        ('<mjx-container class="MathJax" display="true"><mjx-math>glyphs</mjx-math>'
         '<mjx-assistive-mml><math display="block"><annotation encoding="application/x-tex">'
         '\\sum_i i</annotation></math></mjx-assistive-mml></mjx-container>', "$$\\sum_i i$$"),
    ],
)
def test_formulas_are_kept_as_latex(article, kept):
    text = extract_main_text(page(article)).text
    assert kept in text, text


def test_rendered_math_glyphs_are_not_duplicated():
    text = extract_main_text(page(
        '<p>Area <span class="MathJax">A = π r 2</span><script type="math/tex">A=\\pi r^2</script>'
        '.</p>')).text
    assert "A = π r 2" not in text and "$A=\\pi r^2$" in text


def test_main_text_kept_and_boilerplate_removed():
    text = extract_main_text(page("")).text
    assert PARAGRAPH in text
    # The headline sits outside the body container: Readability-style output leaves it out.
    for boilerplate in ("A headline about the budget", "Home", "cookies", "Popular posts",
                        "Ten tips", "Leave a reply", "Great post", "Copyright", "Site name"):
        assert boilerplate not in text, boilerplate


def test_tables_and_code_are_plain_text():
    article = ("<table><tr><th>City</th><th>Population</th></tr><tr><td>Lyon</td><td>522,000</td>"
               "</tr></table><pre><code>def f(x):\n    return x + 1</code></pre>")
    text = extract_main_text(page(article)).text
    assert "City\tPopulation" in text and "Lyon\t522,000" in text
    assert "def f(x):\n    return x + 1" in text
    assert "|" not in text and "```" not in text


def test_tables_can_be_left_out():
    article = "<table><tr><td>Lyon</td><td>522,000</td></tr></table>"
    assert "Lyon" not in extract_main_text(page(article), include_tables=False).text


@pytest.mark.parametrize(
    ("line", "cleaned"),
    [
        ("## A heading", "A heading"),
        ("- a bullet item", "a bullet item"),
        ("* another bullet", "another bullet"),
        ("> quoted text", "quoted text"),
        ("This is **bold** and __strong__ text", "This is bold and strong text"),
        ("Call `len(x)` here", "Call len(x) here"),
        ("| a | b |", "a\tb"),
        ("|---|:---:|", None),
        ("```python", None),
        ("---", None),
        ("3 * 4 * 5 = 60 and snake_case_name", "3 * 4 * 5 = 60 and snake_case_name"),
        ("1. First step", "1. First step"),
    ],
)
def test_markdown_markers_are_removed(line, cleaned):
    assert strip_markdown_line(line) == cleaned


def test_markdown_typed_into_a_page_is_removed():
    article = "<p>## Results</p><p>**Important:** the value is high.</p><p>- first point</p>"
    text = extract_main_text(page(article)).text
    assert "Results" in text and "Important: the value is high." in text and "first point" in text
    for line in text.splitlines():
        assert not line.startswith(("#", "- ", "* ", "> ")) and "**" not in line


def test_clean_text_keeps_indentation_and_drops_empty_lines():
    assert clean_text("  indented  code\n\n\nnext   line ") == "  indented code\nnext line"


@pytest.mark.parametrize(
    ("html", "engine"),
    [
        (page(""), "fast"),
        # a listing page our extractor reads as nearly empty goes to trafilatura
        ("<html><body><div><p>Short.</p></div></body></html>", "fast"),
    ],
)
def test_engine_reports_which_extractor_produced_the_text(html, engine):
    text, used, _ = extract(html, "https://a.org", "fast", True, 300)
    assert used in ("fast", "trafilatura_fallback")
    if engine == "fast" and len(text) >= 300:
        assert used == "fast"


def test_trafilatura_engine_output_has_no_list_markers():
    text, used, _ = extract(page("<ul><li>first item of a list</li><li>second item</li></ul>"),
                            "https://a.org", "trafilatura", True, 300)
    assert used == "trafilatura"
    assert not any(line.startswith("- ") for line in text.splitlines())


def test_a_link_heavy_small_page_is_not_emptied():
    # the wrapper itself is link-dense; removing it would leave nothing
    links = " ".join(f'<a href="/p{i}">Project number {i} of the open data portal</a>' for i in range(6))
    html = (f"<html><body><div class='wrapper'><p>{PARAGRAPH}</p><p>{links}</p></div></body></html>")
    text = extract_main_text(html).text
    assert PARAGRAPH in text
