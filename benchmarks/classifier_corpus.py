"""The training and evaluation corpus for the bundled classifiers, built from real text on disk.

Every document carries `metadata["split"]` (`train` or `heldout`, from a blake2b hash of its id,
30% held out), `metadata["group"]` (where it came from) and, where the source says so, the weak
labels `metadata["reference"]` ("1" clean reference text, "0" crawl text) and `metadata["topic"]`.

Sources (../shared/evaldata, or $CURATION_EVALDATA; licenses in its README):
- reference text (reference=1): NLTK ABC science and rural news paragraphs (topics `science`,
  `agriculture`), movie reviews (`arts_entertainment`, CC-BY-4.0), State of the Union and inaugural
  speeches in 1,500-character passages (`politics_government`, public domain);
- crawl text (reference=0): the English pages of `benchmarks/real_pages.py` (trafilatura's 990
  evaluation pages and the WARC captures, main content extracted by our extractor), and the same
  pages' full visible text (every text node of <body> but scripts and styles): boilerplate-heavy
  pages with navigation, footers and link lists;
- code (`computing_technology`): Python standard-library modules in 4,000-character chunks;
- math (`mathematics`): docstrings of networkx, sympy and mpmath (BSD) with at least
  `MATH_MIN_DENSITY` math tokens per 100 words: formulas interleaved with code examples.

Only models trained on this text are shipped, never the text itself.

    .venv/bin/python -m benchmarks.classifier_corpus --output /tmp/classifier_corpus.jsonl
"""

from __future__ import annotations

import argparse
import ast
import gzip
import hashlib
import importlib.util
import json
import sysconfig
from collections.abc import Iterator
from pathlib import Path

from benchmarks import real_pages
from benchmarks.real_pages import EVALDATA
from classifiers.weak_labels import MATH_MIN_DENSITY, math_density
from curation.document import Document, to_json_dict

HELDOUT_PERCENT = 30
DEFAULT_OUTPUT = Path("/tmp/classifier_corpus.jsonl")


def split_of(doc_id: str) -> str:
    """`heldout` for a stable 30% of ids (blake2b, not `hash()`), else `train`."""
    bucket = int.from_bytes(hashlib.blake2b(doc_id.encode(), digest_size=4).digest(), "big") % 100
    return "heldout" if bucket < HELDOUT_PERCENT else "train"


def _doc(group: str, key: str, text: str, **metadata: str) -> Document:
    doc_id = f"{group}:{key}"
    return Document(id=doc_id, url=f"https://{group}.corpus.invalid/{key}", text=text, lang="en",
                    metadata={"group": group, "split": split_of(doc_id), **metadata})


def _chunks(text: str, size: int) -> Iterator[str]:
    current = ""
    for paragraph in text.split("\n"):
        current = f"{current}\n{paragraph}" if current else paragraph
        if len(current) >= size:
            yield current.strip()
            current = ""


def reference_docs(limit_per_group: int = 250) -> list[Document]:
    nltk = EVALDATA / "text_corpora" / "nltk"
    docs: list[Document] = []
    for name, topic in (("science.txt", "science"), ("rural.txt", "agriculture")):
        text = (nltk / "abc" / name).read_text(encoding="latin-1")
        paragraphs = [p.strip() for p in text.split("\n\n") if len(p.strip()) >= 300]
        docs += [_doc(f"abc_{topic}", str(i), p, reference="1", topic=topic)
                 for i, p in enumerate(paragraphs[:limit_per_group])]
    reviews = sorted((nltk / "movie_reviews" / "pos").glob("*.txt")) + sorted(
        (nltk / "movie_reviews" / "neg").glob("*.txt"))
    docs += [_doc("movie_reviews", p.parent.name + p.stem, p.read_text(encoding="latin-1"),
                  reference="1", topic="arts_entertainment") for p in reviews[::8][:limit_per_group]]
    speeches = sorted((nltk / "state_union").glob("*.txt")) + sorted((nltk / "inaugural").glob("*.txt"))
    passages = [(f"{p.parent.name}/{p.stem}", i, c) for p in speeches
                for i, c in enumerate(_chunks(p.read_text(encoding="latin-1"), 1_500))]
    docs += [_doc("speeches", f"{stem}-{i}", c, reference="1", topic="politics_government")
             for stem, i, c in passages[::6][:limit_per_group]]
    return docs


def full_page_text(html: str) -> str:
    """Every visible text node of the page, one per line: what a page is before main-content
    extraction (menus, footers, link lists and all)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    body = tree.body or tree.root
    if body is None:
        return ""
    lines = (line.strip() for line in body.text(separator="\n").splitlines())
    return "\n".join(line for line in lines if line)


def crawl_docs() -> list[Document]:
    """English crawl pages: extracted main content, and the full text of the raw pages."""
    pages = [d for d in real_pages.load() if d.lang == "en" and d.text]
    docs = [_doc("crawl_extracted", d.id, d.text or "", reference="0") for d in pages]
    english = {d.url for d in pages}
    for url, html in real_pages._trafilatura_pages():
        if url in english:
            text = full_page_text(html)
            if len(text) >= 200:
                docs.append(_doc("crawl_boilerplate", url, text, reference="0"))
    return docs


def code_docs(limit: int = 300) -> list[Document]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    docs = []
    for path in sorted(stdlib.glob("*.py")):
        for i, chunk in enumerate(_chunks(path.read_text(encoding="utf-8", errors="replace"), 4_000)):
            if i < 2:
                docs.append(_doc("code", f"{path.stem}-{i}", chunk, topic="computing_technology"))
    return docs[:limit]


def math_docs(limit: int = 300) -> list[Document]:
    docs = []
    for package in ("networkx", "sympy", "mpmath"):
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            continue
        for path in sorted(Path(spec.origin).parent.rglob("*.py")):
            if "tests" in path.parts:
                continue
            try:
                tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.ClassDef):
                    text = ast.get_docstring(node) or ""
                    if len(text) >= 400 and math_density(text) >= MATH_MIN_DENSITY:
                        docs.append(_doc("math", f"{package}/{path.name}/{node.name}", text,
                                         topic="mathematics"))
    docs.sort(key=lambda d: hashlib.blake2b(d.id.encode(), digest_size=8).digest())
    return docs[:limit]


def build(output: Path = DEFAULT_OUTPUT) -> list[Document]:
    unique: dict[str, Document] = {}
    for doc in reference_docs() + crawl_docs() + code_docs() + math_docs():
        unique.setdefault(doc.id, doc)  # a page captured in two WARCs is one document
    docs = list(unique.values())
    with output.open("w", encoding="utf-8") as out:
        for doc in docs:
            out.write(json.dumps(to_json_dict(doc), ensure_ascii=False) + "\n")
    return docs


def load(path: Path = DEFAULT_OUTPUT) -> list[Document]:
    from curation.document import from_dict

    if not path.is_file():
        return build(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        return [from_dict(json.loads(line)) for line in lines if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    docs = build(args.output)
    groups: dict[str, int] = {}
    for doc in docs:
        groups[doc.metadata["group"]] = groups.get(doc.metadata["group"], 0) + 1
    print(f"wrote {len(docs)} documents to {args.output}: "
          + ", ".join(f"{k} {v}" for k, v in sorted(groups.items())))


if __name__ == "__main__":
    main()
