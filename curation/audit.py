"""The audit trail: JSON records for dead letters (`out/errors/`) and dropped samples (`out/dropped/`).

A dead letter says which stage failed, on which document (id, url, source file and offset), with
which exception, and shows the head of the text, so a failure can be found in the WARC and
reproduced with `curate stage`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from curation.document import Document, to_json_dict
from curation.readers.base import ReadError
from curation.stage import Dropped, Failure

_SAMPLE_HTML_CHARS = 2_000
_SAMPLE_TEXT_CHARS = 20_000
_EVIDENCE_ITEMS = 50
_EVIDENCE_CHARS = 500


def dead_letter(stage: str, failure: Failure | ReadError, text_head_chars: int) -> dict[str, Any]:
    if isinstance(failure, ReadError):
        return {
            "stage": stage,
            "doc_id": None,
            "url": None,
            "source": {"file": failure.file, "offset": failure.offset,
                       **({"line": failure.line} if failure.line is not None else {})},
            "error_type": failure.error_type,
            "message": failure.message,
            "traceback": "",
            "text_head": None,
        }
    doc = failure.doc
    head = doc.text if doc.text is not None else doc.html
    return {
        "stage": stage,
        "doc_id": doc.id,
        "url": doc.url,
        "source": None if doc.source is None else dataclasses.asdict(doc.source),
        "error_type": failure.error_type,
        "message": failure.message,
        "traceback": failure.traceback,
        "text_head": None if head is None else head[:text_head_chars],
    }


def dropped_sample(stage: str, dropped: Dropped) -> dict[str, Any]:
    """A dropped document for audit, with html, text and the drop's evidence cut to a bounded size."""
    doc = _bounded(dropped.doc)
    return {
        "stage": stage,
        "reason": dropped.drop.reason,
        "detail": dropped.drop.detail,
        "evidence": [item[:_EVIDENCE_CHARS] for item in dropped.drop.evidence[:_EVIDENCE_ITEMS]],
        "doc": to_json_dict(doc),
    }


def _bounded(doc: Document) -> Document:
    return doc.replace(
        html=None if doc.html is None else doc.html[:_SAMPLE_HTML_CHARS],
        text=None if doc.text is None else doc.text[:_SAMPLE_TEXT_CHARS],
    )
