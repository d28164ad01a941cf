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
- `page_domain`: the label a real page's HTML structure gives (code blocks, formulas), used for
  the pages of `benchmarks/page_corpus.py`, where it takes precedence over the text rules.
- `url_topic`: the topic a news site's URL section names (/sport/, /kultur/, /wirtschaft/), or
  else the section the page declares in its `article:section` meta tag.
- Topic and reference-text labels come from the source of a training document
  (`metadata["topic"]`, `metadata["reference"]`), set by `benchmarks/classifier_corpus.py` and
  `benchmarks/page_corpus.py`.
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


def looks_like_code_or_math(text: str) -> bool:
    """Whether the code-line or math-token rule fires (math checked first, the cheaper miss)."""
    return math_density(text) >= MATH_MIN_DENSITY or code_line_fraction(text) >= CODE_MIN_LINE_FRACTION


def weak_domain(text: str) -> str:
    """`math_reasoning`, `code` or `other` by the density rules above (math checked first)."""
    if math_density(text) >= MATH_MIN_DENSITY:
        return "math_reasoning"
    if code_line_fraction(text) >= CODE_MIN_LINE_FRACTION:
        return "code"
    return "other"


# Page-structure labels: what the HTML itself says, before any text model. These follow the
# selection rules of ../shared/evaldata/domain_pages/README.md (our choice, kept the same so the
# two sets mean one thing): a code page has at least PAGE_CODE_MIN_BLOCKS `<pre>` blocks, at least
# PAGE_CODE_MIN_CHARS characters of text, at least PAGE_CODE_MIN_SHARE of it inside `<pre>`, and no
# formula; a math page has at least PAGE_MATH_MIN_FORMULAS formulas (MathJax, KaTeX, MathML or math
# images, counted by the extractor as it restores their LaTeX), at least PAGE_MATH_MIN_CHARS
# characters of text, and no more than two code blocks per formula (STEM documentation shows code
# examples between its formulas; a code listing with one stray formula is not math). A page with
# neither formulas nor code blocks is `other`; anything between is left unlabelled (None).
PAGE_CODE_MIN_BLOCKS = 3
PAGE_CODE_MIN_CHARS = 2_000
PAGE_CODE_MIN_SHARE = 0.05
PAGE_MATH_MIN_FORMULAS = 8
PAGE_MATH_MIN_CHARS = 1_500


def page_domain(formulas: int, pre_blocks: int, pre_chars: int, text_chars: int) -> str | None:
    """`code`, `math_reasoning`, `other` or None (ambiguous) from a page's structure counts."""
    if formulas >= PAGE_MATH_MIN_FORMULAS and text_chars >= PAGE_MATH_MIN_CHARS \
            and pre_blocks <= 2 * formulas:
        return "math_reasoning"
    if formulas == 0 and pre_blocks >= PAGE_CODE_MIN_BLOCKS and text_chars >= PAGE_CODE_MIN_CHARS \
            and pre_chars >= PAGE_CODE_MIN_SHARE * text_chars:
        return "code"
    if formulas == 0 and pre_blocks == 0:
        return "other"
    return None


# Topic words of URL paths and host names (news sites file articles under a section: /sport/,
# /kultur/, /politik/, /wirtschaft/; many of trafilatura's evaluation pages are German, so the
# common German, Spanish, French and Italian section names are listed beside the English ones).
# A URL whose words name exactly one topic gets it; none or several: no topic label. Our list.
URL_TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "sports": ("sport", "sports", "fussball", "football", "soccer", "bundesliga", "tennis", "golf",
               "olympia", "deportes", "laufen", "running", "radsport", "formel1", "nba", "nfl"),
    "arts_entertainment": ("kultur", "culture", "film", "kino", "movies", "music", "musik",
                           "entertainment", "stars", "celebrity", "tv", "fernsehen", "buch",
                           "books", "literatur", "theater", "espectaculos", "cultura", "games",
                           "gaming", "spiele", "konzert", "ear-candy", "buchpreis", "serien"),
    "politics_government": ("politik", "politics", "politica", "politique", "wahl", "election",
                            "bundestag", "regierung", "government", "europa", "parlament"),
    "business_finance": ("wirtschaft", "business", "economy", "finanzen", "finance", "boerse",
                         "kredit", "money", "geld", "economia", "gospodarka", "unternehmen",
                         "markets", "invest", "versicherung", "steuern"),
    "health_medicine": ("gesundheit", "health", "medizin", "medicine", "salud", "sante",
                        "krankheit", "arzt", "pflege", "fitness", "ernaehrung"),
    "computing_technology": ("technik", "technology", "tech", "digital", "software", "computer",
                             "internet", "netzwelt", "it", "python", "linux", "android", "apps",
                             "digitalisierung", "digital-life", "hardware", "security"),
    "science": ("wissenschaft", "science", "forschung", "research", "wissen", "ciencia",
                "physik", "astronomie", "space", "raumfahrt"),
    "food_drink": ("rezepte", "rezept", "recipes", "recipe", "food", "kochen", "essen", "wein",
                   "wine", "restaurant", "backen", "cocina", "getraenke"),
    "travel_places": ("reise", "reisen", "travel", "urlaub", "ferienhaus", "tourismus",
                      "hotel", "viajes", "voyage"),
    "lifestyle_relationships": ("beauty", "mode", "fashion", "lifestyle", "leben", "liebe",
                                "familie", "family", "eltern", "style", "hochzeit", "braut"),
    "education": ("bildung", "education", "schule", "school", "studium", "universitaet",
                  "hochschule", "lernen", "unterricht", "kita", "ausbildung", "university"),
    "environment": ("umwelt", "environment", "klima", "climate", "energie", "energy", "natur",
                    "nachhaltigkeit", "emissions", "baumgutachten"),
    "law_crime": ("recht", "law", "justiz", "polizei", "police", "crime", "gericht", "urteil",
                  "blaulicht", "datenschutz"),
    "home_garden": ("garten", "garden", "wohnen", "haus", "immobilien", "bauen", "diy",
                    "heimwerken", "einrichtung"),
    "agriculture": ("landwirtschaft", "agrar", "farming", "agriculture", "kuhstall", "bauern"),
    "shopping_products": ("produkte", "products", "shop", "deals", "angebote", "user-deals",
                          "kaufen", "test"),
    "philosophy_religion": ("religion", "kirche", "church", "glaube", "philosophie",
                            "philosophy", "reiki", "schamanismus", "spirit"),
    "news_society": ("gesellschaft", "society", "panorama", "lokales", "regional", "vermischtes",
                     "soziales"),
}


def _named_topic(text: str) -> str | None:
    words = set(re.split(r"[^a-z0-9-]+", text)) | set(re.split(r"[^a-z0-9]+", text))
    found = {topic for topic, names in URL_TOPIC_WORDS.items() if words.intersection(names)}
    return found.pop() if len(found) == 1 else None


def url_topic(url: str, section: str = "") -> str | None:
    """The one topic the words of `url`'s host and path name; else the one the page's own
    section name (`<meta property="article:section">`, given as `section`) names; else None."""
    lowered = url.lower().split("://", 1)[-1].split("?", 1)[0]
    return _named_topic(lowered) or (_named_topic(section.lower()) if section else None)
