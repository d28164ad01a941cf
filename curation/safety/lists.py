"""Loading domain and word lists into sets, once per worker.

Domain files hold one host per line; hosts-file lines (`0.0.0.0 example.com`) and `#` comments
are understood, hosts are lowercased and a leading `www.` is removed. Word files hold one entry
per line; entries starting with `#` are disabled (datatrove's convention). `.gz` files are read
transparently, and any fsspec path (gs://, s3://) works for user lists.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Iterator
from importlib import resources

import fsspec

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_host(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def parse_domains(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            yield normalize_host(line.split()[-1])


def parse_words(lines: Iterable[str], squash: bool) -> Iterator[str]:
    """Entries lowercased; with `squash`, every non-alphanumeric character removed (subwords)."""
    for line in lines:
        line = line.strip().lower()
        if line and not line.startswith("#"):
            yield _NON_ALNUM.sub("", line) if squash else line


def bundled_lines(name: str) -> list[str]:
    data = resources.files("curation.safety").joinpath("data", name).read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8").splitlines()


def file_lines(path: str) -> list[str]:
    with fsspec.open(path, "rt", encoding="utf-8", compression="infer") as handle:
        return handle.read().splitlines()
