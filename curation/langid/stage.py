"""The `langid` stage: fastText lid.176 sets `lang` and `lang_score`; low-confidence text is dropped.

fastText's `predict` reads one line: a newline ends the input, so newlines are replaced with spaces
first (as datatrove's FT176LID does) and the whole document is classified at once. With
`lowercase` (the default) the text is lowercased first, which makes lid.176 right on more
sentences of the Llama 3 languages (benchmarks/langid_eval.py measures both).

Drop reasons:
- `no_text`: nothing to classify.
- `low_lang_score`: the top language's probability is under its threshold (`thresholds[lang]`,
  else `min_score`); the detail says which language and score.
"""

from __future__ import annotations

from typing import Any

from classifiers.lid_model import lid176_path
from curation.config import LangIdConfig
from curation.document import Document
from curation.stage import Drop, Outcome, Stage

_LABEL_PREFIX = "__label__"


class LangIdStage(Stage):
    name = "langid"

    def __init__(self, config: LangIdConfig) -> None:
        self.config = config
        self._model: Any = None

    def setup(self) -> None:
        if self._model is None:
            import fasttext

            self._model = fasttext.load_model(str(lid176_path(self.config.model_path)))

    def predict(self, text: str) -> tuple[str, float]:
        self.setup()
        flat = " ".join(text.split())
        labels, scores = self._model.predict(flat.lower() if self.config.lowercase else flat, k=1)
        return labels[0].removeprefix(_LABEL_PREFIX), min(float(scores[0]), 1.0)

    def process(self, doc: Document) -> Outcome:
        if not doc.text or not doc.text.strip():
            return Drop("no_text")
        lang, score = self.predict(doc.text)
        threshold = self.config.thresholds.get(lang, self.config.min_score)
        if score < threshold:
            return Drop("low_lang_score", f"{lang}:{score:.3f}<{threshold:g}")
        return doc.replace(lang=lang, lang_score=round(score, 6))

    def __getstate__(self) -> dict[str, object]:
        return {"config": self.config, "_model": None}
