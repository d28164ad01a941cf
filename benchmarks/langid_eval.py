"""Language-ID accuracy of the `langid` stage (fastText lid.176) on UDHR texts, per language.

Data (../shared/evaldata/langid): `udhr2/` (the Universal Declaration of Human Rights in 388
variants, public domain, from nltk_data) and `franc/fixtures.json` (the UDHR preamble per
language, MIT, from the franc project). Three granularities:

- document: the whole UDHR text of a language, classified once;
- paragraph: each line of the text of at least `--min-paragraph-chars` characters (the UDHR's
  articles and clauses; shorter lines are headings such as "Artikel 1");
- line: every non-empty line, headings included, which shows how short text fares.

The text goes through `LangIdStage.predict`, exactly as in the pipeline (newlines replaced by
spaces, as fastText's `predict` reads one line). Accuracy counts the top label; the column
"wrong label kept" counts paragraphs whose wrong label also passes the stage's threshold for that
label (`stages.langid.thresholds`, else `min_score`): those are the errors that reach the output,
the rest are dropped as `low_lang_score`.

    .venv/bin/python -m benchmarks.langid_eval
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

from curation.config import LangIdConfig
from curation.langid.stage import LangIdStage
from tests.conftest import evaldata_path

# UDHR file stem -> lid.176 label. The first eight are Llama 3's languages (section 3.1.1).
LLAMA3_LANGUAGES = {
    "eng": "en", "deu": "de", "fra": "fr", "ita": "it", "por_PT": "pt", "hin": "hi", "spa": "es",
    "tha": "th",
}
OTHER_LANGUAGES = {
    "por_BR": "pt", "cmn_hans": "zh", "cmn_hant": "zh", "jpn": "ja", "rus": "ru", "arb": "ar",
    "kor": "ko", "nld": "nl", "pol": "pl", "tur": "tr", "vie": "vi", "ind": "id", "swe": "sv",
    "ukr": "uk", "ces": "cs", "ell_monotonic": "el", "heb": "he", "pes_1": "fa", "ben": "bn",
}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def evaluate(stage: LangIdStage, languages: dict[str, str], min_paragraph_chars: int
             ) -> list[dict[str, object]]:
    folder = evaldata_path("langid") / "udhr2"
    config = stage.config
    rows: list[dict[str, object]] = []
    for stem, label in languages.items():
        path = folder / f"{stem}.txt"
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        lines = _lines(text)
        paragraphs = [stage.predict(line) for line in lines if len(line) >= min_paragraph_chars]
        right = sorted(score for lang, score in paragraphs if lang == label)
        wrong = Counter(lang for lang, _ in paragraphs if lang != label)
        kept_wrong = sum(
            lang != label and score >= config.thresholds.get(lang, config.min_score)
            for lang, score in paragraphs
        )
        rows.append({
            "stem": stem, "label": label, "document": stage.predict(text)[0] == label,
            "paragraphs": len(paragraphs), "correct": len(right), "kept_wrong": kept_wrong,
            "p5": right[len(right) // 20] if right else 0.0,
            "lines": len(lines),
            "line_acc": sum(stage.predict(line)[0] == label for line in lines) / max(1, len(lines)),
            "wrong": ", ".join(f"{k}:{v}" for k, v in wrong.most_common())[:60],
        })
    return rows


def franc_accuracy(stage: LangIdStage) -> tuple[int, int, list[str]]:
    fixtures = json.loads((evaldata_path("langid") / "franc" / "fixtures.json").read_text())
    wanted = {**LLAMA3_LANGUAGES, **OTHER_LANGUAGES}
    total = correct = 0
    misses = []
    for name, entry in sorted(fixtures.items()):
        label = wanted.get(name) or wanted.get(entry["iso6393"])
        if label is None:
            continue
        total += 1
        predicted = stage.predict(entry["fixture"])[0]
        correct += predicted == label
        if predicted != label:
            misses.append(f"{name}->{predicted}")
    return correct, total, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--min-paragraph-chars", type=int, default=50)
    args = parser.parse_args()
    stage = LangIdStage(LangIdConfig())
    stage.setup()
    for title, languages in (("Llama 3 languages", LLAMA3_LANGUAGES),
                             ("other languages", OTHER_LANGUAGES)):
        rows = evaluate(stage, languages, args.min_paragraph_chars)
        print(f"\n{title}: UDHR accuracy (paragraph = line of >= {args.min_paragraph_chars} chars)")
        print("| UDHR text | label | document | paragraphs | paragraph acc. | wrong label kept at"
              " threshold | 5th pct. score when right | mislabelled as | lines | line acc. |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        correct = total = 0
        for row in rows:
            print(f"| {row['stem']} | {row['label']} | {'yes' if row['document'] else 'NO'} | "
                  f"{row['paragraphs']} | {row['correct'] / max(1, row['paragraphs']):.1%} | "
                  f"{row['kept_wrong']} | {row['p5']:.2f} | {row['wrong']} | {row['lines']} | "
                  f"{row['line_acc']:.1%} |")
            correct += row["correct"]
            total += row["paragraphs"]
        print(f"all paragraphs: {correct}/{total} = {correct / max(1, total):.2%}")
    correct, total, misses = franc_accuracy(stage)
    print(f"\nfranc UDHR preambles, {total} languages with a lid.176 label: {correct}/{total} "
          f"correct; wrong: {', '.join(misses) or 'none'}")


if __name__ == "__main__":
    main()
