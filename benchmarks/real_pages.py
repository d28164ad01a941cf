"""Real extracted pages for the heuristics benchmarks, cached as JSONL.

Sources (all in ../shared/evaldata, or $CURATION_EVALDATA; see its README for licenses):
- trafilatura_eval/html: 990 real news, blog and government pages, extracted here with our own
  extraction settings (curation/extract/trafilatura_text.py);
- web_crawl_warc: every HTML 200 response in the WARC files (Common Crawl, ClueWeb, a 2024 crawl,
  gov.uk, wget crawls), read with our WARC reader and extracted the same way;
- web_crawl_warc/dolma_cc_text: 30 Common Crawl documents already extracted by CCNet and Dolma.

Every page gets its lid.176 language (no score threshold: the heuristics stage sees what langid
keeps, but a benchmark wants every page). Extraction takes a minute or two on one core, so the
result is cached in `--cache` (default /tmp/heuristics_pages.jsonl) and reused.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

from curation.document import Document, from_dict, to_json_dict

EVALDATA = Path(os.environ.get("CURATION_EVALDATA",
                               Path(__file__).resolve().parents[1].parent / "shared" / "evaldata"))
DEFAULT_CACHE = Path("/tmp/heuristics_pages.jsonl")


def _trafilatura_pages() -> list[tuple[str, str]]:
    index = json.loads((EVALDATA / "trafilatura_eval" / "evaldata.json").read_text())
    pages = []
    for url, entry in sorted(index.items()):
        path = EVALDATA / "trafilatura_eval" / "html" / entry["file"]
        if not path.is_file():
            path = path.with_name(path.name + ".gz")
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        pages.append((url, raw.decode("utf-8", errors="replace")))
    return pages


def _warc_pages() -> list[tuple[str, str]]:
    from curation.readers import read_path

    pages = []
    for path in sorted((EVALDATA / "web_crawl_warc").rglob("*.warc*")):
        if "wat" in path.name or "wet" in path.name:
            continue
        for item in read_path(str(path), "auto"):
            if isinstance(item, Document) and item.html:
                pages.append((item.url, item.html))
    return pages


def _dolma_texts() -> list[Document]:
    folder = EVALDATA / "web_crawl_warc" / "dolma_cc_text"
    docs = []
    for path in sorted(folder.glob("*.jsonl")) + sorted(folder.glob("*.json.gz")):
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        for number, line in enumerate(raw.decode("utf-8").splitlines()):
            if line.strip():
                docs.append(from_dict(json.loads(line), default_id=f"{path.name}:{number}"))
    return docs


def build(cache: Path) -> None:
    from curation.config import LangIdConfig
    from curation.extract.trafilatura_text import extract_text
    from curation.langid.stage import LangIdStage

    langid = LangIdStage(LangIdConfig())
    docs: list[Document] = []
    for origin, pages in (("trafilatura_eval", _trafilatura_pages()), ("warc", _warc_pages())):
        for url, html in pages:
            text = extract_text(html, url, include_tables=True)
            if text and text.strip():
                docs.append(Document(id=f"{origin}:{url}", url=url, text=text))
    docs += _dolma_texts()
    with cache.open("w", encoding="utf-8") as out:
        for doc in docs:
            lang, score = langid.predict(doc.text or "")
            row = to_json_dict(doc.replace(lang=lang, lang_score=round(score, 4)))
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def load(cache: Path = DEFAULT_CACHE) -> list[Document]:
    """The extracted pages, built into `cache` on first use."""
    if not cache.is_file():
        if not (EVALDATA / "trafilatura_eval").is_dir():
            raise SystemExit(f"no evaluation data at {EVALDATA} (set CURATION_EVALDATA)")
        build(cache)
    return [from_dict(json.loads(line)) for line in cache.read_text(encoding="utf-8").splitlines()]


if __name__ == "__main__":
    print(f"{len(load())} pages in {DEFAULT_CACHE}")
