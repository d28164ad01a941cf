"""The domain and topic students on real pages they never saw: the tables of benchmarks/README.md.

Pages come from `benchmarks/page_corpus.py`, split 70/30 by a blake2b hash of the page key; the
bundled models (`classifiers/models/domain.ftz`, `topic.ftz`) were trained on the `train` half
only (`benchmarks/build_classifiers.py`), and everything here is measured on the `heldout` half:

1. Domain, page split: precision and recall of `code` and `math_reasoning` against the
   page-structure labels, with the mix's own decision (`stages.mix.rules`: code when
   `domain_code >= 0.5`, else math when `domain_math >= 0.5`; the thresholds are the mix
   defaults, not tuned here), and the share of held-out news, blog and government pages
   (trafilatura_eval) called code or math.
2. Domain, packages held out: a model with the same settings trained without any page of
   `HELD_OUT_PACKAGES` (Rust, Node.js, Go and astropy documentation), measured on all their
   labelled pages and on the held-out news pages: how it does on sources it has never seen.
3. Domain on ../shared/evaldata/domain_pages (292 pages, DEV half of ten Debian packages), only
   the pages that are not in our training half, and on the 60 article pages of
   ../shared/evaldata/extraction_wceb, which no corpus here contains.
4. Topic: accuracy per topic on held-out pages that have a topic label.

    .venv/bin/python -m benchmarks.domain_topic_eval [--pages /tmp/classifiers/pages.jsonl]
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import page_corpus
from benchmarks.build_classifiers import DOMAIN_EPOCHS, DOMAIN_REPEATS
from benchmarks.real_pages import EVALDATA
from classifiers import fasttext_student
from classifiers.bundled import MODELS_DIR
from classifiers.text_views import domain_view
from classifiers.train import repeated
from classifiers.weak_labels import page_domain
from curation.config import CategoryRulesConfig

HELD_OUT_PACKAGES = ("rust-doc", "nodejs-doc", "golang-1.19-doc", "python-astropy-doc")
DOMAINS = ("code", "math_reasoning")


RULES = CategoryRulesConfig()


def decide_domain(probs: dict[str, float], rules: CategoryRulesConfig = RULES) -> str:
    """The mix's reading of the domain scores (curation/mix/categories.py, rules 3 and 4)."""
    if probs.get("code", 0.0) >= rules.code_min_score:
        return "code"
    if probs.get("math_reasoning", 0.0) >= rules.math_min_score:
        return "math_reasoning"
    return "other"


def predict(model: Any, texts: Sequence[str]) -> list[str]:
    """The mix's domain decision for each text, read through the domain view as the classify
    stage reads it (`stages.classify.domain_view`)."""
    viewed = [domain_view(text) for text in texts]
    return [decide_domain(p) for p in fasttext_student.predict_probs(model, viewed)]


def precision_recall(truth: Sequence[str], predicted: Sequence[str], label: str) -> tuple[float, float, int]:
    hits = sum(t == p == label for t, p in zip(truth, predicted, strict=True))
    called = sum(p == label for p in predicted)
    actual = sum(t == label for t in truth)
    return (hits / called if called else 0.0, hits / actual if actual else 0.0, actual)


def domain_rows(rows: Iterable[dict]) -> list[dict]:
    return [r for r in rows if r["metadata"].get("domain")]


def news_rate(model: Any, rows: Sequence[dict]) -> tuple[int, int, list[str]]:
    """(news pages called code or math, news pages, their URLs) among `rows` labelled other."""
    news = [r for r in rows if r["metadata"]["source"] == "news" and r["metadata"]["domain"] == "other"]
    called = [r["url"] for r, p in zip(news, predict(model, [r["text"] for r in news]), strict=True)
              if p != "other"]
    return len(called), len(news), called


def domain_table(title: str, model: Any, rows: Sequence[dict], news: Sequence[dict]) -> list[str]:
    truth = [r["metadata"]["domain"] for r in rows]
    predicted = predict(model, [r["text"] for r in rows])
    lines = [f"### {title}", "", "| class | pages | precision | recall |", "|---|---|---|---|"]
    for label in DOMAINS:
        p, r, n = precision_recall(truth, predicted, label)
        lines.append(f"| {label} | {n} | {p:.3f} | {r:.3f} |")
    called, total, urls = news_rate(model, news)
    lines.append(f"| news/blog pages called code or math | {total} | | {called / total:.2%} "
                 f"({called}) |" if total else "| news | 0 | | |")
    english = [r for r in news if r.get("lang") == "en"]
    called_en, total_en, _ = news_rate(model, english)
    if total_en:
        # what the classify stage sees: it scores only `model_languages` (English) pages
        lines.append(f"| English news/blog pages called code or math | {total_en} | | "
                     f"{called_en / total_en:.2%} ({called_en}) |")
    lines += ["", *(f"- news page called code/math: {u}" for u in urls[:10]), ""]
    return lines


def train_without(rows: Sequence[dict], packages: Sequence[str], path: Path) -> Any:
    """A domain model trained as the bundled one is (build_classifiers.DOMAIN_TRAINING: domain
    view, math examples twice, 50 epochs), without any page of `packages`."""
    chosen = [r for r in domain_rows(rows) if r["metadata"]["split"] == "train"
              and r["metadata"]["group"] not in packages]
    texts, labels = repeated([domain_view(r["text"]) for r in chosen],
                             [r["metadata"]["domain"] for r in chosen], DOMAIN_REPEATS)
    return fasttext_student.train(texts, labels, path, epoch=DOMAIN_EPOCHS)


def shared_domain_pages(train_keys: set[str]) -> list[dict]:
    """../shared/evaldata/domain_pages pages (extracted like ours) not in our training half."""
    folder = EVALDATA / "domain_pages"
    rows = []
    for line in (folder / "labels.jsonl").read_text().splitlines():
        entry = json.loads(line)
        path = entry["file"].split("/", 2)[2].removesuffix(".gz")
        if f"docs:{entry['package']}/{path}" in train_keys:
            continue
        html = gzip.decompress((folder / entry["file"]).read_bytes()).decode("utf-8", "replace")
        text, _ = page_corpus.structure(html, entry["url"])
        label = "math_reasoning" if entry["label"] == "math" else "code"
        rows.append({"text": text, "url": entry["url"], "metadata": {"domain": label, "source": "docs"}})
    return rows


def article_pages() -> list[dict]:
    """../shared/evaldata/extraction_wceb's 60 article pages (Readability's test pages; never in
    page_corpus, so never trained on), labelled by page structure like every other page."""
    folder = EVALDATA / "extraction_wceb"
    rows = []
    for line in (folder / "truth.jsonl").read_text().splitlines():
        entry = json.loads(line)
        html = gzip.decompress((folder / entry["file"]).read_bytes()).decode("utf-8", "replace")
        url = f"https://{entry['dataset']}.article.invalid/{entry['id']}"
        text, counts = page_corpus.structure(html, url)
        rows.append({"text": text, "url": entry["file"],
                     "metadata": {"source": "news", "domain": page_domain(**counts) or ""}})
    return rows


def topic_table(model: Any, rows: Sequence[dict]) -> list[str]:
    labelled = [r for r in rows if r["metadata"].get("topic")]
    probs = fasttext_student.predict_probs(model, [r["text"] for r in labelled])
    by_topic: dict[str, list[bool]] = defaultdict(list)
    on_web: dict[str, list[bool]] = defaultdict(list)  # news and crawl pages only
    langs: dict[str, Counter[str]] = defaultdict(Counter)
    for row, p in zip(labelled, probs, strict=True):
        predicted = min(p, key=lambda label: (-p[label], label))
        topic = row["metadata"]["topic"]
        by_topic[topic].append(predicted == topic)
        if row["metadata"]["source"] in ("news", "crawl"):
            on_web[topic].append(predicted == topic)
        langs[topic][row.get("lang") or "?"] += 1
    lines = ["### Topic, held-out pages", "",
             "| topic | pages | accuracy | web pages | accuracy on web pages | languages |",
             "|---|---|---|---|---|---|"]
    for topic, hits in sorted(by_topic.items()):
        top = ", ".join(f"{lang} {n}" for lang, n in langs[topic].most_common(3))
        web = on_web.get(topic, [])
        web_accuracy = f"{sum(web) / len(web):.3f}" if web else ""
        lines.append(f"| {topic} | {len(hits)} | {sum(hits) / len(hits):.3f} | {len(web)} | "
                     f"{web_accuracy} | {top} |")
    total = [h for hits in by_topic.values() for h in hits]
    macro = sum(sum(h) / len(h) for h in by_topic.values()) / len(by_topic)
    web_total = [h for hits in on_web.values() for h in hits]
    lines += [f"| all ({len(by_topic)} topics) | {len(total)} | {sum(total) / len(total):.3f} "
              f"(macro {macro:.3f}) | {len(web_total)} | "
              f"{sum(web_total) / max(1, len(web_total)):.3f} | |", ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=page_corpus.DEFAULT_OUTPUT)
    parser.add_argument("--models", type=Path, default=MODELS_DIR)
    args = parser.parse_args()
    rows = page_corpus.load(args.pages)
    heldout = [r for r in rows if r["metadata"]["split"] == "heldout"]
    train_keys = {r["id"] for r in rows if r["metadata"]["split"] == "train"}
    splits = Counter((r["metadata"]["split"], r["metadata"]["source"]) for r in domain_rows(rows))
    print("labelled pages per split and source: "
          + ", ".join(f"{s}/{src} {n}" for (s, src), n in sorted(splits.items())) + "\n")
    domain = fasttext_student.load(args.models / "domain.ftz")
    lines = domain_table("Domain, held-out pages (page split, bundled model)", domain,
                         domain_rows(heldout), heldout)
    with tempfile.TemporaryDirectory() as work:
        unseen = train_without(rows, HELD_OUT_PACKAGES, Path(work) / "domain.ftz")
        packaged = [r for r in domain_rows(rows) if r["metadata"]["group"] in HELD_OUT_PACKAGES]
        lines += domain_table(f"Domain, packages held out ({', '.join(HELD_OUT_PACKAGES)})",
                              unseen, packaged, heldout)
    lines += domain_table("Domain, shared/evaldata/domain_pages (pages outside our training half)",
                          domain, shared_domain_pages(train_keys), [])
    articles = article_pages()
    labelled = Counter(r["metadata"]["domain"] or "ambiguous" for r in articles)
    lines += domain_table("Domain, article pages never in the corpus (extraction_wceb; structure "
                          "labels: " + ", ".join(f"{k} {v}" for k, v in sorted(labelled.items())) + ")",
                          domain, domain_rows(articles), articles)
    lines += topic_table(fasttext_student.load(args.models / "topic.ftz"), heldout)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
