"""Language ID of the `langid` stage (fastText lid.176) on real text: per-language thresholds
calibrated on a tune half, scored on a test half, for sentences, paragraphs and whole documents.

Data (../shared/evaldata/langid): `udhr2/` (the Universal Declaration of Human Rights in 388
variants, public domain, from nltk_data) and `franc/fixtures.json` (the UDHR preamble per
language, MIT, from the franc project).

Units:
- sentence: each line of a UDHR text and each franc preamble cut after `. ! ? ; ।` followed by
  space; pieces under `MIN_SENTENCE_CHARS` (20) are headings ("Article 12", "Artigo 5.º") and left
  out. Thai has no sentence punctuation, so a Thai line is one sentence.
- paragraph: each line of at least 50 characters (the UDHR's articles and clauses);
- document: the whole UDHR text of a language variant, classified once.

Split: an item is in the tune half when blake2b(its text, digest_size=8), read as a big-endian
integer, is even, else in the test half. Thresholds are chosen on tune sentences only.

Languages: the eight of Llama 3 (section 3.1.1: en, de, fr, it, pt, hi, es, th) are the targets.
`NEIGHBOURS` are UDHR texts in other languages, mostly ones lid.176 confuses with a target
(Galician and Asturian with Spanish and Portuguese, Catalan, Corsican and Friulian with Italian,
Marathi, Nepali, Bhojpuri and Maithili with Hindi, Lao with Thai, Luxembourgish and Low German with
German, Scots with English), plus 19 large web languages. No threshold separates them (lid.176
gives Scots sentences 0.99 as English), so they are reported, not calibrated on: the last table
counts their sentences kept under a target label.

Calibration (`calibrate`), per target language L, on tune sentences of the eight languages: the
threshold is the lowest score t (from the scores of tune sentences labelled L, and `FLOOR`) at
which at most `MAX_MISLABELLED` (0.5%) of the sentences kept as L are in another language. `FLOOR`
(0.3) is not fitted: it keeps the stage dropping text that is no language at all ("12345 67890
!!!" scores 0.12 as English), which a UDHR sentence never is. The tables then report, per language
and half, the share of correctly identified sentences that the threshold drops (bound 0.5%) and
the share of kept ones that are mislabelled (bound 0.5%).

`kept & correct` is the share of a language's sentences that the stage keeps with the right label;
it can be at most the argmax accuracy.

    .venv/bin/python -m benchmarks.langid_eval              # report with the configured thresholds
    .venv/bin/python -m benchmarks.langid_eval --calibrate  # fit on tune, print YAML, report both
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from curation.config import LangIdConfig
from curation.langid.stage import LangIdStage
from tests.conftest import evaldata_path

# UDHR file stem -> lid.176 label. Llama 3's eight languages (section 3.1.1).
LLAMA3_LANGUAGES = {
    "eng": "en", "deu": "de", "fra": "fr", "ita": "it", "por_PT": "pt", "hin": "hi", "spa": "es",
    "tha": "th",
}
NEIGHBOURS = {
    "por_BR": "pt", "deu_1901": "de", "glg": "gl", "ast": "ast", "cat": "ca", "cos": "co",
    "fur": "fur", "lad": "lad", "ron": "ro", "lat": "la", "ina": "ia", "epo": "eo", "wln": "wa",
    "pcd": "pcd", "roh": "rm", "mar": "mr", "nep": "ne", "bho": "bh", "mai": "mai", "lao": "lo",
    "ltz": "lb", "nds": "nds", "nld": "nl", "afr": "af", "sco": "sco", "gla": "gd", "fao": "fo",
    "cmn_hans": "zh", "jpn": "ja", "rus": "ru", "arb": "ar", "kor": "ko", "pol": "pl", "tur": "tr",
    "vie": "vi", "ind": "id", "swe": "sv", "ukr": "uk", "ces": "cs", "ell_monotonic": "el",
    "heb": "he", "pes_1": "fa", "ben": "bn",
}
FRANC_LABELS = {"eng": "en", "deu": "de", "fra": "fr", "ita": "it", "por": "pt", "hin": "hi",
                "spa": "es", "tha": "th"}
MIN_SENTENCE_CHARS = 20
MIN_PARAGRAPH_CHARS = 50
MAX_MISLABELLED = 0.005
MAX_CORRECT_DROPPED = 0.005
FLOOR = 0.3
_SENTENCE_END = re.compile(r"(?<=[.!?;\u0964])\s+")
Half = Literal["tune", "test"]


def half_of(text: str) -> Half:
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return "tune" if int.from_bytes(digest, "big") % 2 == 0 else "test"


def sentences(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        for piece in _SENTENCE_END.split(line.strip()):
            piece = piece.strip()
            if len(piece) >= MIN_SENTENCE_CHARS:
                out.append(piece)
    return out


@dataclass(frozen=True)
class Item:
    truth: str  # lid.176 label of the text's language
    text: str
    predicted: str
    score: float


def _udhr(stem: str) -> str | None:
    path = evaldata_path("langid") / "udhr2" / f"{stem}.txt"
    return path.read_text(encoding="utf-8") if path.exists() else None


def _classify(stage: LangIdStage, pairs: Iterable[tuple[str, str]]) -> list[Item]:
    items, seen = [], set()
    for truth, text in pairs:
        if (truth, text) in seen:  # the franc preamble repeats UDHR sentences
            continue
        seen.add((truth, text))
        lang, score = stage.predict(text)
        items.append(Item(truth, text, lang, score))
    return items


def sentence_items(stage: LangIdStage, languages: dict[str, str], franc: bool) -> list[Item]:
    pairs = []
    for stem, label in languages.items():
        text = _udhr(stem)
        pairs.extend((label, sentence) for sentence in sentences(text or ""))
    fixtures = json.loads((evaldata_path("langid") / "franc" / "fixtures.json").read_text())
    for entry in fixtures.values() if franc else ():
        label = FRANC_LABELS.get(entry["iso6393"])
        if label is not None:
            pairs.extend((label, sentence) for sentence in sentences(entry["fixture"]))
    return _classify(stage, pairs)


def paragraph_items(stage: LangIdStage) -> list[Item]:
    pairs = []
    for stem, label in LLAMA3_LANGUAGES.items():
        for line in (_udhr(stem) or "").splitlines():
            if len(line.strip()) >= MIN_PARAGRAPH_CHARS:
                pairs.append((label, line.strip()))
    return _classify(stage, pairs)


def threshold_of(config: LangIdConfig, lang: str) -> float:
    return config.thresholds.get(lang, config.min_score)


def calibrate(items: list[Item], languages: Iterable[str]) -> dict[str, float]:
    """Per language, the lowest threshold (not below FLOOR) whose kept set is at most
    MAX_MISLABELLED wrong, over `items` (the tune half)."""
    table = {}
    for lang in languages:
        labelled = sorted((item.score, item.truth != lang) for item in items if item.predicted == lang)
        candidates = sorted({FLOOR, *(score for score, _ in labelled if score >= FLOOR)})
        chosen = 1.0
        for threshold in candidates:
            kept = [wrong for score, wrong in labelled if score >= threshold]
            if not kept or sum(kept) <= MAX_MISLABELLED * len(kept):
                chosen = threshold
                break
        table[lang] = round(chosen - 1e-4, 4) if chosen > FLOOR else FLOOR
    return table


@dataclass(frozen=True)
class Row:
    lang: str
    items: int
    argmax: float
    kept_correct: float
    correct_dropped: float  # of the correctly identified ones
    mislabelled_kept: float  # of the ones kept with this label

    def markdown(self) -> str:
        return (f"| {self.lang} | {self.items} | {self.argmax:.2%} | {self.kept_correct:.2%} | "
                f"{self.correct_dropped:.2%} | {self.mislabelled_kept:.2%} |")


def rows(items: list[Item], config: LangIdConfig, languages: Iterable[str]) -> list[Row]:
    out = []
    all_items = list(items)
    for lang in [*languages, "all"]:
        targets = [lang] if lang != "all" else list(LLAMA3_LANGUAGES.values())
        own = [item for item in all_items if item.truth in targets]
        correct = [item for item in own if item.predicted == item.truth]
        kept_correct = [item for item in correct
                        if item.score >= threshold_of(config, item.predicted)]
        kept_as = [item for item in all_items if item.predicted in targets
                   and item.score >= threshold_of(config, item.predicted)]
        out.append(Row(
            lang, len(own), len(correct) / max(1, len(own)),
            len(kept_correct) / max(1, len(own)),
            1 - len(kept_correct) / max(1, len(correct)),
            sum(item.truth != item.predicted for item in kept_as) / max(1, len(kept_as)),
        ))
    return out


def document_rows(stage: LangIdStage) -> list[str]:
    lines = []
    for stem, label in LLAMA3_LANGUAGES.items():
        text = _udhr(stem)
        if text is None:
            continue
        lang, score = stage.predict(text)
        kept = score >= threshold_of(stage.config, lang)
        lines.append(f"| {stem} | {label} | {lang} | {score:.3f} | "
                     f"{'yes' if kept and lang == label else 'NO'} |")
    return lines


_HEADER = ("| language | items | argmax right | kept & correct | correct dropped | "
           "kept but mislabelled |\n|---|---|---|---|---|---|")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--calibrate", action="store_true",
                        help="fit thresholds on the tune half and report with them")
    parser.add_argument("--no-lowercase", action="store_true",
                        help="classify the text as written (the stage lowercases by default)")
    args = parser.parse_args()
    config = LangIdConfig() if not args.no_lowercase else LangIdConfig(lowercase=False)
    stage = LangIdStage(config)
    stage.setup()
    targets = list(LLAMA3_LANGUAGES.values())
    sentence_all = sentence_items(stage, LLAMA3_LANGUAGES, franc=True)
    neighbour_all = sentence_items(stage, NEIGHBOURS, franc=False)
    paragraph_all = paragraph_items(stage)
    by_half = {half: [i for i in sentence_all if half_of(i.text) == half] for half in ("tune", "test")}
    if args.calibrate:
        table = calibrate(by_half["tune"], targets)
        print("stages.langid.thresholds fitted on the tune half:")
        print("    thresholds: {" + ", ".join(f"{k}: {v:g}" for k, v in table.items()) + "}")
        config = config.model_copy(update={"thresholds": table})
        stage.config = config
    print(f"\nlowercase: {config.lowercase}; thresholds: {config.thresholds or 'none'}; "
          f"min_score: {config.min_score}")
    for half in ("tune", "test"):
        print(f"\nsentences, {half} half (>= {MIN_SENTENCE_CHARS} chars):")
        print(_HEADER)
        print("\n".join(row.markdown() for row in rows(by_half[half], config, targets)))
    for half in ("tune", "test"):
        items = [i for i in paragraph_all if half_of(i.text) == half]
        print(f"\nparagraphs (lines >= {MIN_PARAGRAPH_CHARS} chars), {half} half:")
        print(_HEADER)
        print("\n".join(row.markdown() for row in rows(items, config, targets)))
    print("\nneighbour-language sentences (both halves) kept under a target label:")
    print("| UDHR text | truth | sentences | kept as a target language |\n|---|---|---|---|")
    for stem, label in NEIGHBOURS.items():
        own = [i for i in neighbour_all if i.truth == label]
        kept = Counter(i.predicted for i in own if i.predicted in targets and i.predicted != label
                       and i.score >= threshold_of(config, i.predicted))
        print(f"| {stem} | {label} | {len(own)} | "
              f"{', '.join(f'{k}:{v}' for k, v in kept.most_common()) or '-'} |")
    print("\nwhole documents (UDHR text of each language, classified once):")
    print("| UDHR text | truth | label | score | kept & correct |\n|---|---|---|---|---|")
    print("\n".join(document_rows(stage)))


if __name__ == "__main__":
    main()
