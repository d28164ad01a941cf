"""The domain and topic students on real pages they never saw: the tables of benchmarks/README.md.

Pages come from `benchmarks/page_corpus.py`, split 70/30 by a blake2b hash of the page key; the
bundled models (`classifiers/models/domain.ftz`, `topic_head.npz`) were trained on the `train`
half only (`benchmarks/build_classifiers.py`), and everything here is measured on the `heldout`
half:

1. Domain, page split: precision and recall of `code` and `math_reasoning` against the
   page-structure labels, with the mix's own decision (`stages.mix.rules`: code when
   `domain_code >= code_min_score`, else math when `domain_math >= math_min_score`, the mix
   defaults, chosen by `--cv-thresholds` on the train half), and the share of held-out news,
   blog and government pages (trafilatura_eval) called code or math, all and English only (the
   classify stage scores only `model_languages`, English by default).
2. Domain, packages held out: a model with the same settings trained without any page of
   `HELD_OUT_PACKAGES` (Rust, Node.js, Go and astropy documentation), measured on all their
   labelled pages and on the held-out news pages: how it does on sources it has never seen.
3. Domain on ../shared/evaldata/domain_pages (292 pages, DEV half of ten Debian packages), only
   the pages that are not in our training half, and on the 60 article pages of
   ../shared/evaldata/extraction_wceb, which no corpus here contains.
4. Topic: accuracy per topic on held-out pages that have a topic label, web pages apart by the
   source of their label.

Settings are chosen with `--tune` (both students trained on four fifths of the train half,
measured on the fifth left) and `--cv-thresholds` (5-fold cross-validation over the train half);
neither reads the held-out half.

    .venv/bin/python -m benchmarks.domain_topic_eval [--pages /tmp/classifiers/pages.jsonl]
    .venv/bin/python -m benchmarks.domain_topic_eval --tune | --cv-thresholds
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import page_corpus
from benchmarks.build_classifiers import (
    DOMAIN_EPOCHS,
    DOMAIN_REPEATS,
    TOPIC_MAX_TOKENS,
    TOPIC_PRECISION,
)
from benchmarks.real_pages import EVALDATA
from classifiers import fasttext_student
from classifiers.bundled import MODELS_DIR, ROLES
from classifiers.handlers import FASTTEXT_SUFFIXES
from classifiers.text_views import domain_view
from classifiers.train import repeated, training_pairs
from classifiers.weak_labels import page_domain
from curation.classify.decide import topic_fields
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


def load_topic_model(path: Path) -> Any:
    """The topic student at `path`: a fastText model, or a transformer head (the bundled one)."""
    if path.suffix in FASTTEXT_SUFFIXES:
        return fasttext_student.load(path)
    from classifiers.transformer_student import TransformerClassifier

    return TransformerClassifier(path)


def predict_topics(model: Any, texts: Sequence[str]) -> list[str]:
    """The classify stage's topic for each text (`topic_fields`: the most likely, ties to the
    alphabetically first), one text per forward pass as the stage encodes them."""
    if hasattr(model, "get_labels"):
        probs = fasttext_student.predict_probs(model, texts)
    else:
        probs = model.predict_probs(texts, batch_size=1)
    return [topic_fields(p)[0] for p in probs]


def _accuracy(hits: Sequence[bool]) -> str:
    return f"{sum(hits) / len(hits):.3f}" if hits else ""


def topic_table(title: str, model: Any, rows: Sequence[dict]) -> list[str]:
    """Accuracy per topic; web pages (news and crawl) apart, by where their label came from: a
    URL section (independent of the text) or the page's own words (`content_topic`, the labelling
    function the student also learned from: agreement with it, not ground truth)."""
    labelled = [r for r in rows if r["metadata"].get("topic")]
    predicted = predict_topics(model, [r["text"] for r in labelled])
    by_topic: dict[str, list[bool]] = defaultdict(list)
    web_url: dict[str, list[bool]] = defaultdict(list)
    web_url_en: dict[str, list[bool]] = defaultdict(list)
    web_content: dict[str, list[bool]] = defaultdict(list)
    langs: dict[str, Counter[str]] = defaultdict(Counter)
    for row, guess in zip(labelled, predicted, strict=True):
        topic, meta = row["metadata"]["topic"], row["metadata"]
        hit = guess == topic
        by_topic[topic].append(hit)
        if meta["source"] in ("news", "crawl"):
            if meta.get("topic_source", "url") == "url":
                web_url[topic].append(hit)
                if row.get("lang") == "en":
                    web_url_en[topic].append(hit)
            else:
                web_content[topic].append(hit)
        langs[topic][row.get("lang") or "?"] += 1
    lines = [f"### {title}", "",
             "| topic | pages | accuracy | web pages, URL label | accuracy | of them English | "
             "accuracy | web pages, content label | agreement | languages |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for topic, hits in sorted(by_topic.items()):
        top = ", ".join(f"{lang} {n}" for lang, n in langs[topic].most_common(3))
        url, url_en, content = web_url[topic], web_url_en[topic], web_content[topic]
        lines.append(f"| {topic} | {len(hits)} | {_accuracy(hits)} | {len(url)} | {_accuracy(url)} | "
                     f"{len(url_en)} | {_accuracy(url_en)} | {len(content)} | {_accuracy(content)} "
                     f"| {top} |")

    def pooled(groups: dict[str, list[bool]]) -> list[bool]:
        return [h for hits in groups.values() for h in hits]

    total, url, url_en, content = (pooled(g) for g in (by_topic, web_url, web_url_en, web_content))
    macro = sum(sum(h) / len(h) for h in by_topic.values()) / len(by_topic)
    lines += [f"| all ({len(by_topic)} topics) | {len(total)} | {_accuracy(total)} (macro "
              f"{macro:.3f}) | {len(url)} | {_accuracy(url)} | {len(url_en)} | {_accuracy(url_en)} "
              f"| {len(content)} | {_accuracy(content)} | |", ""]
    return lines


def tune_fifth(row: dict) -> bool:
    """The train half's tune fifth (blake2b of the id), where settings are chosen."""
    return int.from_bytes(hashlib.blake2b(row["id"].encode(), digest_size=4).digest(), "big") % 5 == 0


def train_topic(rows: Sequence[dict], path: Path) -> Any:
    """A topic head trained as the bundled one is (build_classifiers: MiniLM int8, 128 tokens)."""
    from classifiers.transformer_student import DEFAULT_ENCODER, TransformerClassifier, train_student

    labelled = [{"id": r["id"], "text": r["text"], "weak": {"topic": r["metadata"]["topic"]}}
                for r in rows if r["metadata"].get("topic")]
    texts, labels = training_pairs(labelled, "weak.topic")
    train_student(DEFAULT_ENCODER, texts, labels, str(path), max_tokens=TOPIC_MAX_TOKENS,
                  precision=TOPIC_PRECISION)
    return TransformerClassifier(path)


CV_FOLDS = 5
CODE_GRID = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)
MATH_GRID = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def fold_of(row: dict) -> int:
    return int.from_bytes(hashlib.blake2b(row["id"].encode(), digest_size=4).digest(), "big") % CV_FOLDS


def cross_validate_thresholds(rows: Sequence[dict]) -> list[str]:
    """The mix's code and math thresholds by 5-fold cross-validation over the train half (folds
    by blake2b of the id; the held-out half is never read): a domain model per fold trained as
    the bundled one is, its scores on the fold it left out, and for each threshold pair the four
    precisions and recalls; the pair whose lowest value is highest comes first (ties: the larger
    thresholds, the more precise)."""
    labelled = [r for r in domain_rows(rows) if r["metadata"]["split"] == "train"]
    scored: list[tuple[dict, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as work:
        for k in range(CV_FOLDS):
            model = train_without([r for r in labelled if fold_of(r) != k], (), Path(work) / "d.ftz")
            left = [r for r in labelled if fold_of(r) == k]
            probs = fasttext_student.predict_probs(model, [domain_view(r["text"]) for r in left])
            scored += list(zip(left, probs, strict=True))
    truth = [r["metadata"]["domain"] for r, _ in scored]
    news = [i for i, (r, _) in enumerate(scored)
            if r["metadata"]["source"] == "news" and r["metadata"]["domain"] == "other"]
    table = []
    for code in CODE_GRID:
        for math in MATH_GRID:
            rules = CategoryRulesConfig(code_min_score=code, math_min_score=math)
            predicted = [decide_domain(p, rules) for _, p in scored]
            values = [v for label in DOMAINS
                      for v in precision_recall(truth, predicted, label)[:2]]
            called = sum(predicted[i] != "other" for i in news)
            table.append((min(values), code, math, values, called))
    table.sort(key=lambda row: (row[0], row[1], row[2]), reverse=True)
    lines = [f"### Domain thresholds, {CV_FOLDS}-fold cross-validation over the train half", "",
             "| code_min_score | math_min_score | code P | code R | math P | math R | lowest | "
             f"news pages called code or math (of {len(news)}) |", "|---|---|---|---|---|---|---|---|"]
    for lowest, code, math, values, called in table[:10]:
        lines.append(f"| {code} | {math} | " + " | ".join(f"{v:.3f}" for v in values)
                     + f" | {lowest:.3f} | {called} |")
    return [*lines, ""]


def tune(rows: Sequence[dict]) -> list[str]:
    """Both students trained on four fifths of the train half, measured on the fifth left: the
    numbers settings are chosen by (the held-out half is never looked at here)."""
    train = [r for r in rows if r["metadata"]["split"] == "train" and not tune_fifth(r)]
    tuning = [r for r in rows if r["metadata"]["split"] == "train" and tune_fifth(r)]
    with tempfile.TemporaryDirectory() as work:
        domain = train_without(train, (), Path(work) / "domain.ftz")
        lines = domain_table("Domain, tune fifth of the train half", domain, domain_rows(tuning),
                             tuning)
        topic = train_topic(train, Path(work) / "topic.npz")
        lines += topic_table("Topic, tune fifth of the train half", topic, tuning)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=page_corpus.DEFAULT_OUTPUT)
    parser.add_argument("--models", type=Path, default=MODELS_DIR)
    parser.add_argument("--tune", action="store_true",
                        help="train on four fifths of the train half and measure on the fifth left")
    parser.add_argument("--cv-thresholds", action="store_true",
                        help="choose the mix's code/math thresholds by cross-validation on the train half")
    args = parser.parse_args()
    rows = page_corpus.load(args.pages)
    if args.tune:
        print("\n".join(tune(rows)))
        return
    if args.cv_thresholds:
        print("\n".join(cross_validate_thresholds(rows)))
        return
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
    lines += topic_table("Topic, held-out pages (bundled model)",
                         load_topic_model(args.models / ROLES["topic"]), heldout)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
