"""Real web and documentation pages, extracted as the pipeline extracts them, for the domain and
topic students: their training set, their held-out set, and the measures of both.

Every page goes through our extractor (`curation/extract/engine.py`, `fast` with its trafilatura
fallback), so the students learn the text the `classify` stage will see, formulas restored as
`$...$` and code blocks with their indentation. Each document carries in `metadata`:
- `split`: `heldout` for a stable 30% of pages by blake2b of the page key (the package path or
  the URL), else `train`; one page is one key, so no page is on both sides;
- `source` (`docs`, `news`, `crawl`, `reference`) and `group` (the package, the site's host, or
  the corpus name), so an evaluation can hold out whole packages;
- `domain`: the page-structure label (`classifiers/weak_labels.py`, `page_domain`): code blocks
  and formulas counted in the HTML; a page with a few of either (a blog post with two snippets,
  a worked example with three formulas) is ambiguous and gets no domain label (empty), so no
  student learns from it and no measure counts it. Software documentation without code or
  formulas (API stubs, prose) is left unlabelled too: it is neither Llama 3's "code interleaved
  with natural language" nor ordinary web text;
- `topic`, where the source says it: documentation pages are `computing_technology` (code and
  other) or `mathematics` (math); news pages take the topic their URL's section names
  (`url_topic`), else, where one topic's words clearly dominate the page, that one
  (`content_topic`); `topic_source` says which (`url`, `content` or `source`); the NLTK corpora
  give theirs (`REFERENCE_TOPICS`).

Sources: `benchmarks/debian_docs.py` (Debian documentation packages, fetched with apt),
../shared/evaldata/trafilatura_eval (990 news, blog and government pages), the HTML responses of
../shared/evaldata/web_crawl_warc, NLTK's ABC news, movie reviews, speeches and webtext, and the
UDHR in 380 languages (../shared/evaldata/langid/udhr2, domain negatives in every script).
Only models trained on this text are shipped.

    .venv/bin/python -m benchmarks.page_corpus --output /tmp/classifiers/pages.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks import debian_docs, real_pages
from benchmarks.real_pages import EVALDATA
from classifiers.weak_labels import content_topic, page_domain, url_topic
from curation.document import Document, to_json_dict

HELDOUT_PERCENT = 30
UDHR_CHARS = 3_000
DEFAULT_OUTPUT = Path("/tmp/classifiers/pages.jsonl")
# NLTK corpora with a topic of their own (webtext: Firefox support forum, wine reviews, a film
# script, personal ads).
REFERENCE_TOPICS = {
    "abc/science.txt": "science", "abc/rural.txt": "agriculture",
    "webtext/firefox.txt": "computing_technology", "webtext/wine.txt": "food_drink",
    "webtext/pirates.txt": "arts_entertainment", "webtext/singles.txt": "lifestyle_relationships",
}
_FORMULA_MARKUP = ("span.math, div.math, math, .katex, mjx-container, script[type^='math/tex'], "
                   "img.math, img.latex, .MathJax_Preview")
_HIGHLIGHTERS = ".syntaxhighlighter, .crayon-syntax, .wp-block-code, .code-block, .sourceCode"
_SECTION_META = ("article:section", "parsely-section", "section")
_DOC_TOPICS = {"code": "computing_technology", "other": "computing_technology",
               "math_reasoning": "mathematics"}


def split_of(key: str) -> str:
    bucket = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big") % 100
    return "heldout" if bucket < HELDOUT_PERCENT else "train"


def structure(html: str, url: str) -> tuple[str, dict[str, int]]:
    """(extracted text, structure counts) of one page."""
    from selectolax.lexbor import LexborHTMLParser

    from curation.extract.engine import extract

    text, _, restored = extract(html, url, "fast", True, 300)
    tree = LexborHTMLParser(html)
    blocks = code_blocks(tree)
    # Sphinx writes MathJax source as text in `.math` elements, which the extractor keeps as is
    # (only rendered forms are restored and counted), so formula markup is counted here too.
    marked = len(tree.css(_FORMULA_MARKUP))
    counts = {"formulas": max(restored, marked), "pre_blocks": len(blocks),
              "pre_chars": sum(len(b.text()) for b in blocks), "text_chars": len(text)}
    return text, counts


def code_blocks(tree: Any) -> list[Any]:
    """The page's code blocks: `<pre>`, multi-line `<code>` outside `<pre>` and the containers of
    the common blog highlighters (SyntaxHighlighter, Crayon, WordPress code blocks) that hold no
    `<pre>`: blogs show code in all of these."""
    blocks = list(tree.css("pre"))
    for node in tree.css("code"):
        parent = node.parent
        if "\n" in node.text() and (parent is None or parent.tag != "pre"):
            blocks.append(node)
    for node in tree.css(_HIGHLIGHTERS):
        if node.css_first("pre") is None and node.css_first("code") is None:
            blocks.append(node)
    return blocks


def section_of(html: str) -> str:
    """The section a page declares for itself (`article:section` or `parsely-section` meta)."""
    from selectolax.lexbor import LexborHTMLParser

    head = LexborHTMLParser(html[:200_000]).head
    if head is None:
        return ""
    for node in head.css("meta"):
        if (node.attributes.get("property") or node.attributes.get("name") or "") in _SECTION_META:
            return node.attributes.get("content") or ""
    return ""


def _page(task: tuple[str, str, str, str, str, str | None]) -> dict | None:
    key, url, html, source, group, default = task
    try:
        text, counts = structure(html, url)
    except Exception as exc:  # a page the extractor cannot read is left out, and said so
        print(f"page_corpus: {key}: {type(exc).__name__}: {exc}", flush=True)
        return None
    if len(text) < 200:
        return None
    domain = page_domain(**counts) or default
    if source == "docs" and domain == "other":
        # API stubs and prose of software documentation: not Llama 3's "code interleaved with
        # natural language", not ordinary web text either; left out of the domain labels
        domain = None
    topic_source = "source"
    if source == "docs":
        topic = _DOC_TOPICS.get(page_domain(**counts) or "other")
    else:
        topic, topic_source = url_topic(url, section_of(html)), "url"
        if topic is None:
            topic, topic_source = content_topic(text), "content"
    metadata = {"split": split_of(key), "source": source, "group": group,
                **{k: str(v) for k, v in counts.items()}}
    metadata["domain"] = domain or ""  # empty: ambiguous, no domain label (classifiers/labeling.py)
    if topic:
        metadata.update(topic=topic, topic_source=topic_source)
    return to_json_dict(Document(id=f"{source}:{key}", url=url, text=text, metadata=metadata))


def _tasks(cache: Path) -> Iterator[tuple[str, str, str, str, str, str | None]]:
    for package in debian_docs.PACKAGES:
        for relative, url, html in debian_docs.pages(package, cache):
            yield f"{package.name}/{relative}", url, html, "docs", package.name, None
    for url, html in real_pages._trafilatura_pages():
        yield url, url, html, "news", urlsplit(url).netloc, None
    for url, html in real_pages._warc_pages():
        yield url, url, html, "crawl", urlsplit(url).netloc, None


def reference_docs() -> list[dict]:
    """NLTK passages (no HTML): `other` for the domain, and their corpus's topic."""
    from benchmarks.classifier_corpus import _chunks
    from benchmarks.classifier_corpus import reference_docs as speeches_and_reviews

    rows = []
    for doc in speeches_and_reviews():
        if doc.metadata.get("group") in ("abc_science", "abc_agriculture"):
            continue
        rows.append((doc.id, doc.text or "", doc.metadata["topic"]))
    nltk = EVALDATA / "text_corpora" / "nltk"
    for name, topic in REFERENCE_TOPICS.items():
        text = (nltk / name).read_text(encoding="latin-1")
        for i, chunk in enumerate(_chunks(text, 1_500)):
            if i >= 150:
                break
            rows.append((f"{name}:{i}", chunk, topic))
    docs = [to_json_dict(Document(id=f"reference:{key}", url=f"https://reference.corpus.invalid/{key}",
                                  text=text, metadata={"split": split_of(key), "source": "reference",
                                                       "group": key.split(":")[0].split("-")[0],
                                                       "domain": "other", "topic": topic,
                                                       "topic_source": "source"}))
            for key, text, topic in rows]
    return docs + udhr_docs()


def udhr_docs() -> list[dict]:
    """The Universal Declaration of Human Rights in every language of ../shared/evaldata/langid/udhr2
    (public domain), the first `UDHR_CHARS` characters of each: prose in 380 languages and
    dozens of scripts, `other` for the domain (a Chinese encyclopedia page came out math when
    every non-English page the model had seen was German or Spanish news). No topic label."""
    folder = EVALDATA / "langid" / "udhr2"
    docs = []
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")[:UDHR_CHARS]
        if len(text.strip()) < 200:
            continue
        key = f"udhr2/{path.stem}"
        docs.append(to_json_dict(Document(
            id=f"reference:{key}", url=f"https://reference.corpus.invalid/{key}", text=text,
            metadata={"split": split_of(key), "source": "reference", "group": "udhr2",
                      "domain": "other"})))
    return docs


def build(output: Path = DEFAULT_OUTPUT, cache: Path = debian_docs.DEFAULT_CACHE,
          workers: int = 2) -> list[dict]:
    from curation.config import LangIdConfig
    from curation.langid.stage import LangIdStage

    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        rows = [r for r in pool.imap(_page, _tasks(cache), chunksize=4) if r is not None]
    rows += reference_docs()
    langid = LangIdStage(LangIdConfig())
    unique: dict[str, dict] = {}
    for row in rows:
        lang, score = langid.predict(row["text"])
        row.update(lang=lang, lang_score=round(score, 4))
        unique.setdefault(row["id"], row)  # a page captured in two WARCs is one document
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as out:
        for row in unique.values():
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return list(unique.values())


def load(path: Path = DEFAULT_OUTPUT) -> list[dict]:
    if not path.is_file():
        return build(path)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--cache", type=Path, default=debian_docs.DEFAULT_CACHE)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    rows = build(args.output, args.cache, args.workers)
    counts = Counter((r["metadata"]["source"], r["metadata"].get("domain")) for r in rows)
    print(f"wrote {len(rows)} documents to {args.output}: "
          + ", ".join(f"{s}/{d} {n}" for (s, d), n in sorted(counts.items(), key=str)))


if __name__ == "__main__":
    main()
