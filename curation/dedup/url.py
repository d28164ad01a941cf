"""URL dedup: one document per normalised URL, the most recent fetch kept (Llama 3, section 3.1.1:
"we keep the most recent version for pages corresponding to each URL").

Normalisation (`url_key`) merges spellings of the same page: scheme and `www.` are ignored
(http and https captures of a page are the same page to a reader), the host is lowercased and its
default port dropped, the fragment is removed, and tracking parameters (`utm_*`, `fbclid`,
`gclid`, ...) are removed while the order of the other parameters is kept, since some sites depend
on it.

`newest` is the associative, commutative choice that makes this a combiner (TFDS C4's
`select_newest_page`): the later `fetch_time` wins, a missing time loses to any time, and ties
go to the larger id, so the survivor does not depend on the order documents arrive in.
`UrlFetch` is the same choice on a compact record (fetch time, id and the document's staging
address, no text), which is all the pipeline's URL dedup shuffles; two fetches with the same time
and id go to the larger address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit

from curation.document import Document
from curation.stage import CorpusStage, Drop, Dropped

_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "yclid"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_OLDEST = dt.datetime.min.replace(tzinfo=dt.UTC)


def url_key(url: str) -> str:
    """The dedup key of `url`; unparseable URLs are their own key, stripped."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").rstrip(".").removeprefix("www.")
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
         if not k.lower().startswith("utm_") and k.lower() not in _TRACKING_PARAMS]
    )
    path = parts.path or "/"
    return f"{host}{path}" + (f"?{query}" if query else "")


def _rank(doc: Document) -> tuple[dt.datetime, str]:
    return (doc.fetch_time or _OLDEST, doc.id)


def newest(a: Document, b: Document) -> Document:
    return a if _rank(a) >= _rank(b) else b


class UrlFetch(NamedTuple):
    """One fetch of a URL as URL dedup sees it: seconds since the epoch (-inf when unknown), id
    and the document's address (staging shard id, row)."""

    fetch: float
    id: str
    address: tuple[str, int]


def url_fetch(doc: Document, address: tuple[str, int]) -> UrlFetch:
    return UrlFetch(doc.fetch_time.timestamp() if doc.fetch_time else float("-inf"), doc.id,
                    address)


def newest_fetch(fetches: Sequence[UrlFetch]) -> UrlFetch:
    """The fetch `newest` keeps: the latest time, then the larger id (then the larger address)."""
    return max(fetches)


class UrlDedup(CorpusStage):
    name = "url_dedup"

    def run_in_memory(self, docs: Iterable[Document]) -> Iterator[Document | Dropped]:
        docs = list(docs)
        best: dict[str, Document] = {}
        for doc in docs:
            key = url_key(doc.url)
            best[key] = newest(best[key], doc) if key in best else doc
        for doc in docs:
            kept = best[url_key(doc.url)]
            yield doc if kept is doc else Dropped(doc, Drop("duplicate_url", kept.id))
