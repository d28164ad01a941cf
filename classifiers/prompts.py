"""Teacher prompts and the fixed label sets: quality rubric, domains, and the topic taxonomy.

Llama 3 (arXiv:2407.21783, section 3.1.1, "Model-based quality filtering" and "Code and reasoning
data") labels web pages with Llama 2 for quality, for code and math/reasoning content, and for
knowledge topics, and distills those labels into fastText and DistilRoBERTa students. The paper
does not publish its prompts, so these are ours:

- quality: an additive 0-5 rubric in the style of FineWeb-Edu's annotation prompt (Penedo et al.
  2024, "The FineWeb Datasets", appendix; one point per criterion met), shortened so a small
  teacher can read it, and asked for a single digit;
- domain: `code`, `math_reasoning` (mathematical or step-by-step reasoning content, including pages
  that interleave text and code), or `other` (Llama 3's two domain pipelines);
- topic: one of `TOPICS`, a fixed taxonomy of 20 knowledge areas that we chose to cover the top
  level of common web-directory and Wikipedia outlines (Arts & Entertainment is its own area so an
  over-represented one can be capped by the mix, as Llama 3 does).

The teacher answers with one label; we read the teacher's next-token probabilities over the
allowed answers' first tokens (`classifiers/teacher.py`), so the label is deterministic and
needs a single forward pass. `PROMPT_VERSION` is part of the label cache key: change it whenever
a prompt or label set changes, so old labels are not silently reused.
"""

from __future__ import annotations

PROMPT_VERSION = "v2"  # v1 prompts with contextual calibration (classifiers/labeling.py)

QUALITY_LABELS: tuple[str, ...] = ("0", "1", "2", "3", "4", "5")
DOMAIN_LABELS: tuple[str, ...] = ("code", "math_reasoning", "other")
TOPICS: tuple[str, ...] = (
    "arts_entertainment",     # film, music, celebrities, games, TV, books as entertainment
    "business_finance",       # companies, markets, personal finance, economics news
    "computing_technology",   # software, hardware, internet, gadgets, programming
    "education",              # schools, teaching, courses, study guides
    "environment",            # climate, ecology, conservation, weather
    "food_drink",             # recipes, restaurants, cooking
    "health_medicine",        # diseases, treatment, fitness, nutrition science
    "history",                # past events, biographies of historical figures
    "home_garden",            # DIY, real estate, gardening, interior
    "law_crime",              # legislation, courts, crime reporting
    "mathematics",            # mathematics and statistics
    "news_society",           # current affairs, social issues, people and communities
    "philosophy_religion",    # philosophy, ethics, religion, spirituality
    "politics_government",    # elections, policy, government, international relations
    "science",                # natural sciences, research, space, engineering
    "shopping_products",      # product listings, reviews of products, deals, ads
    "sports",                 # sports, athletes, competitions
    "travel_places",          # travel, tourism, geography of places
    "agriculture",            # farming, rural life, livestock, crops
    "lifestyle_relationships",  # fashion, beauty, dating, parenting, hobbies
)

# One-letter answers keep every choice a single distinct token in any tokenizer.
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

QUALITY_PROMPT = """Below is an extract from a web page. Evaluate whether the page has high \
educational value using this additive 5-point scoring system. Points are accumulated:
- Add 1 point if the extract provides some basic information relevant to educational topics, \
even if it includes some irrelevant or non-academic content like advertisements.
- Add another point if it addresses certain elements pertinent to education but is not \
coherent or mixes educational content with non-educational material.
- Award a third point if it is appropriate for educational use and introduces key concepts, \
even if it is not comprehensive.
- Grant a fourth point if it is highly relevant and beneficial for learning, with a clear, \
consistent writing style, like a chapter from a textbook or a tutorial.
- Bestow a fifth point if it is outstanding in its educational value, perfectly suited for \
teaching, with no irrelevant content.
Navigation menus, link lists, adverts, spam and boilerplate earn 0 points.

Extract:
{text}

Answer with the total score only, a single digit from 0 to 5."""

DOMAIN_PROMPT = """Below is an extract from a web page. Which kind of content is it mainly?
A. code: source code, programming examples, configuration files or software documentation \
with code
B. math_reasoning: mathematics, equations, proofs, worked problems or step-by-step reasoning
C. other: anything else (news, stories, products, opinions, general knowledge)

Extract:
{text}

Answer with a single letter: A, B or C."""


def _topic_menu() -> str:
    return "\n".join(f"{_LETTERS[i]}. {topic}" for i, topic in enumerate(TOPICS))


TOPIC_PROMPT = """Below is an extract from a web page. Which knowledge area is it mainly about?
{menu}

Extract:
{text}

Answer with a single letter."""


def task_choices(task: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(answer strings the teacher may emit, the labels they stand for) for `task`."""
    if task == "quality":
        return QUALITY_LABELS, QUALITY_LABELS
    if task == "domain":
        return tuple(_LETTERS[: len(DOMAIN_LABELS)]), DOMAIN_LABELS
    if task == "topic":
        return tuple(_LETTERS[: len(TOPICS)]), TOPICS
    raise ValueError(f"unknown task {task!r}; expected quality, domain or topic")


def render(task: str, text: str) -> str:
    """The user message for `task` about `text` (already truncated by the caller)."""
    if task == "quality":
        return QUALITY_PROMPT.format(text=text)
    if task == "domain":
        return DOMAIN_PROMPT.format(text=text)
    if task == "topic":
        return TOPIC_PROMPT.format(menu=_topic_menu(), text=text)
    raise ValueError(f"unknown task {task!r}; expected quality, domain or topic")


TASKS: tuple[str, ...] = ("quality", "domain", "topic")
