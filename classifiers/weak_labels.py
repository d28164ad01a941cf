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
- `content_topic`: for a web page whose URL names no section, the topic whose everyday words
  (English and German, `TOPIC_WORDS`) dominate its first 500 words, when one clearly does.
- Topic and reference-text labels come from the source of a training document
  (`metadata["topic"]`, `metadata["reference"]`), set by `benchmarks/classifier_corpus.py` and
  `benchmarks/page_corpus.py`.
"""

from __future__ import annotations

import re
from collections import Counter

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


# Topic words for pages whose URL names no section (`content_topic`): a labelling function in
# the sense of Snorkel (Ratner et al. 2017), English and German (trafilatura's pages are mostly
# German), written from each topic's everyday vocabulary, not from any page. A word ending in
# `*` matches as a prefix (German compounds: `fußball*` takes Fußballverein). Our list.
TOPIC_WORDS: dict[str, str] = {
    "sports": ("match matches league season coach coaches player players team teams goal goals "
        "scored score championship tournament cup striker midfielder defender football "
        "soccer basketball baseball hockey tennis golf nfl nba referee stadium playoff "
        "playoffs quarterback innings wicket cricket olympic olympics athlete athletes "
        "medal race racing rugby fans win wins won victory defeat spiel spieler "
        "mannschaft trainer tor tore saison liga verein meisterschaft turnier sieg "
        "niederlage fußball* fussball* bundesliga* stürmer torwart"),
    "arts_entertainment": ("film films movie movies actor actress actors director album albums song songs "
        "singer band bands music musician concert tour novel novels author poetry poem "
        "painting artist artists gallery museum exhibition theatre theater stage series "
        "episode episodes season premiere hollywood netflix show comedy drama festival "
        "rock pop jazz guitar game games gaming character characters fans film* musik* "
        "künstler roman album konzert bühne schauspieler regisseur ausstellung sänger "
        "lied lieder serie folge kino*"),
    "politics_government": ("government minister ministers parliament election elections vote votes voters "
        "voting president senator senators congress democrat democrats republican "
        "republicans party parties campaign policy political politics politician "
        "politicians legislation lawmakers governor prime cabinet opposition regierung "
        "minister ministerin parlament wahl wahlen partei parteien politik* bundestag "
        "kanzler* abgeordnete* koalition präsident bundesregierung landtag"),
    "business_finance": ("company companies market markets investors investor shares stock stocks revenue "
        "profit profits sales billion million bank banks banking finance financial "
        "economy economic inflation interest rates tax taxes business businesses ceo "
        "customers industry price prices trade fund funds investment investing loan loans "
        "credit insurance unternehmen* firma kunden markt märkte aktie aktien umsatz "
        "gewinn bank banken wirtschaft* finanz* steuer* kredit* versicherung* preis "
        "preise euro anleger börse investition*"),
    "computing_technology": ("software app apps computer computers internet online data users user device "
        "devices smartphone iphone android google apple microsoft windows linux code "
        "programming developer developers server cloud network security password browser "
        "website web digital technology tech chip chips hardware ai algorithm database "
        "install installation github file files email laptop computer* software* daten "
        "nutzer gerät geräte smartphone* internet* digital* technik* programm* server* "
        "app* webseite*"),
    "science": ("research researchers scientist scientists study studies university physics "
        "chemistry biology species evolution genes gene dna cells cell molecules "
        "experiment experiments laboratory lab universe galaxy planet planets telescope "
        "nasa astronomers space theory particles quantum journal published discovery "
        "fossil forscher forschung* wissenschaft* studie universität physik chemie "
        "biologie zellen experiment* planet* weltall"),
    "health_medicine": ("health patients patient hospital hospitals doctor doctors medical medicine "
        "disease diseases cancer treatment symptoms virus covid vaccine vaccines "
        "vaccination infection infections clinical drug drugs therapy care nurse nurses "
        "diabetes heart blood brain mental surgery pandemic gesundheit* patienten patient "
        "krankenhaus klinik* arzt ärzte ärztin medizin* krankheit* krebs behandlung "
        "therapie* impfung* impf* virus corona pflege* symptome"),
    "education": ("school schools students student teacher teachers teaching education classroom "
        "classrooms university universities college colleges learning pupils curriculum "
        "exam exams degree campus tuition academic kindergarten graduate graduates "
        "schule* schüler* lehrer* lehrerin* unterricht* bildung* studenten studierende "
        "hochschule* universität* ausbildung* kita* prüfung*"),
    "environment": ("climate environment environmental emissions carbon pollution renewable energy "
        "solar wind fossil fuels warming wildlife conservation forest forests "
        "biodiversity plastic waste recycling sustainability sustainable drought "
        "ecosystem species co2 klima* umwelt* emission* energie* erneuerbare* solar* "
        "nachhaltig* wald wälder artenschutz naturschutz* müll plastik"),
    "food_drink": ("recipe recipes cook cooking bake baking ingredients ingredient flour sugar "
        "butter salt pepper oil garlic onion sauce cheese chicken beef pork dish dishes "
        "meal meals dinner lunch breakfast restaurant restaurants chef kitchen oven "
        "minutes tablespoon teaspoon cup cups wine beer coffee tea vegan delicious taste "
        "flavor flavour rezept* zutaten mehl zucker butter salz pfeffer zwiebel* "
        "knoblauch soße sauce käse fleisch gericht gerichte kochen backen küche "
        "restaurant* wein bier kaffee esslöffel teelöffel"),
    "travel_places": ("travel travelers traveller travellers trip trips tourist tourists tourism hotel "
        "hotels flight flights airport airline beach beaches island islands destination "
        "destinations vacation holiday holidays visit visitors resort cruise tour tours "
        "city sightseeing luggage passport reise* urlaub* hotel* flug* flughafen tourist* "
        "touristen strand insel* ferien* sehenswürdigkeit*"),
    "law_crime": ("police court courts judge judges lawyer lawyers attorney prosecutor prosecutors "
        "trial jury crime crimes criminal arrested arrest charged charges murder killed "
        "shooting suspect suspects prison jail sentence sentenced guilty lawsuit law laws "
        "legal investigation fraud theft stolen polizei* gericht* richter* anwalt* "
        "anwältin staatsanwalt* prozess urteil* straftat* verbrechen täter festgenommen "
        "mord diebstahl betrug* gefängnis haft klage"),
    "home_garden": ("garden gardens gardening plants plant flowers soil seeds lawn home house rooms "
        "room kitchen bathroom furniture decor decorating interior diy renovation paint "
        "walls floor floors garten* pflanzen* blumen* boden samen haus wohnung* zimmer "
        "möbel* einrichtung* renovierung* heimwerker*"),
    "lifestyle_relationships": (
        "love relationship relationships dating marriage married wedding husband wife partner "
        "couple couples family families children kids parents parenting mother "
        "father baby fashion style beauty skin makeup hair dress clothes self wellness "
        "happiness liebe beziehung* partner* hochzeit* ehe familie* kinder eltern mutter "
        "vater baby mode* schönheit* haut haare kleid*"),
    "philosophy_religion": ("god church churches religion religious faith christian christians jesus christ "
        "bible prayer spiritual spirituality muslim islam jewish buddhist philosophy "
        "philosopher philosophers soul ethics moral meditation gott kirche* religion* "
        "glaube* christ* bibel gebet* spirituell* philosophie* seele ethik meditation"),
    "history": ("century centuries war wars ancient history historian historians historical "
        "empire emperor king queen dynasty medieval colonial revolution monarchy "
        "archaeologists kingdom battle jahrhundert* historisch* historiker* kaiser* "
        "könig* krieg kriege kriegs* mittelalter*"),
    "agriculture": ("farm farms farmer farmers farming agriculture agricultural crop crops harvest "
        "cattle livestock dairy wheat grain grains soil irrigation sheep cows tractor "
        "landwirtschaft* landwirt* bauer bauern ernte* vieh rinder kühe getreide weizen "
        "acker* agrar*"),
    "shopping_products": ("buy price deal deals discount sale shop shopping store stores product products "
        "review reviews amazon order shipping brand brands warranty cheap purchase kaufen "
        "kauf angebot* rabatt* shop* produkt* bestellen bestellung* versand* marke* "
        "händler*"),
}
# A page gets a content topic when its first CONTENT_TOPIC_WORDS words hold at least
# CONTENT_TOPIC_MIN_HITS topic words and its top topic has at least CONTENT_TOPIC_MIN_RATIO
# times the hits of the next. Checked on the train half's web pages that have a URL label
# (benchmarks/README.md): 5 and 2.0 label 206 of its 578 unlabelled web pages and agree with
# 62% of the URL labels it also labels (3.0 agreed with 74% but labelled 145); many
# disagreements are URL sections that say little of the page (`/test/`, `/leben/`).
CONTENT_TOPIC_WORDS = 500
CONTENT_TOPIC_MIN_HITS = 5
CONTENT_TOPIC_MIN_RATIO = 2.0
_WORD = re.compile(r"[^\W\d_]+")
_TOPIC_EXACT = {topic: frozenset(w for w in words.split() if not w.endswith("*"))
                for topic, words in TOPIC_WORDS.items()}
_TOPIC_PREFIXES = {topic: tuple(w[:-1] for w in words.split() if w.endswith("*"))
                   for topic, words in TOPIC_WORDS.items()}


def content_topic(text: str) -> str | None:
    """The topic whose words dominate the start of `text` (see TOPIC_WORDS), else None."""
    hits: Counter[str] = Counter()
    for word in _WORD.findall(text.lower())[:CONTENT_TOPIC_WORDS]:
        for topic, exact in _TOPIC_EXACT.items():
            prefixes = _TOPIC_PREFIXES[topic]
            if word in exact or (prefixes and word.startswith(prefixes)):
                hits[topic] += 1
    ranked = [*hits.most_common(2), ("", 0), ("", 0)]
    (top, count), (_, runner_up) = ranked[0], ranked[1]
    if count >= CONTENT_TOPIC_MIN_HITS and count >= CONTENT_TOPIC_MIN_RATIO * runner_up:
        return top
    return None
