"""Real code and math documentation pages from Debian's documentation packages, fetched with apt.

Llama 3 (section 3.1.1) builds domain pipelines for "code and reasoning data" found in web pages,
"STEM and reasoning" pages and code interleaved with natural language. Debian ships the HTML of
many projects' documentation, so apt (the one registry these machines reach) gives real pages of
both kinds: `apt-get download` + `dpkg -x` into a cache folder, nothing installed.

`PACKAGES` is the table of packages we read, with each one's license (from its Debian copyright
file) and the upstream address the same pages live at (a reconstruction, used as the page URL).
Several programming languages (Python, Rust, JavaScript, Go) and several math styles (MathJax in
Sphinx, math images with LaTeX alt text in SymPy, formula-heavy API pages) keep the classifier
from learning one site's template.

Held-out discipline: `../shared/evaldata/domain_pages/` took its DEV half from ten of these
packages by `sha1("<package>/<path>")` (first byte even) and keeps the odd half back for
evaluation. Pages of those packages are read only when their key is in the DEV half
(`in_shared_dev_half`), so nothing of the held-back half reaches training.

    .venv/bin/python -m benchmarks.debian_docs --cache /tmp/debian_docs   # fetch and count
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

DEFAULT_CACHE = Path(os.environ.get("CURATION_DEBIAN_DOCS", "/tmp/debian_docs"))

# The packages whose pages ../shared/evaldata/domain_pages split into DEV (even) and held back (odd).
SHARED_SPLIT_PACKAGES = frozenset({
    "python3.11-doc", "python-django-doc", "python-flask-doc", "python-scipy-doc",
    "python-sympy-doc", "python-statsmodels-doc", "python-mpmath-doc", "python-sklearn-doc",
    "python-qutip-doc", "python-lmfit-doc",
})
# Pages that are lists, indexes or generated source rather than documentation prose.
_SKIP_NAMES = ("genindex", "search", "py-modindex", "modindex", "index", "_sources", "_modules",
               "changelog", "release", "whatsnew", "glossary", "_static", "_images", "all.html",
               "print.html", "toc.html")


@dataclasses.dataclass(frozen=True)
class DocPackage:
    name: str
    root: str  # the HTML root inside the unpacked package
    license: str
    url_base: str
    include: tuple[str, ...] = ()  # sub-folders to read (empty: all)
    max_pages: int = 160  # candidates read per package, the first by a hash of the path
    # pages whose HTML holds this marker come first (the math packages' formula markup: most of
    # their API pages have none, and the classifier needs the pages that do)
    prefer: str | None = None


MATH_MARKUP = 'class="math'
PACKAGES: tuple[DocPackage, ...] = (
    DocPackage("python3.11-doc", "usr/share/doc/python3.11/html", "PSF-2.0",
               "https://docs.python.org/3.11/"),
    DocPackage("python-django-doc", "usr/share/doc/python-django-doc/html", "BSD-3-Clause",
               "https://docs.djangoproject.com/en/3.2/"),
    DocPackage("python-pandas-doc", "usr/share/doc/python-pandas-doc/html", "BSD-3-Clause",
               "https://pandas.pydata.org/pandas-docs/version/1.5.3/", prefer=MATH_MARKUP),
    DocPackage("rust-doc", "usr/share/doc/rust-doc/html", "MIT or Apache-2.0",
               "https://doc.rust-lang.org/1.63.0/",
               include=("book", "rust-by-example", "reference", "std/collections", "std/io",
                        "std/string", "std/vec", "std/iter", "std/fs", "std/thread", "std/sync")),
    DocPackage("nodejs-doc", "usr/share/doc/nodejs/api", "MIT", "https://nodejs.org/docs/v18.20.4/api/"),
    DocPackage("golang-1.19-doc", "usr/share/doc/golang-1.19-doc/html", "BSD-3-Clause",
               "https://go.dev/doc/"),
    DocPackage("python-scipy-doc", "usr/share/doc/python-scipy-doc/html", "BSD-3-Clause",
               "https://docs.scipy.org/doc/scipy-1.10.1/", max_pages=400, prefer=MATH_MARKUP),
    DocPackage("python-sympy-doc", "usr/share/doc/python-sympy-doc/html", "BSD-3-Clause",
               "https://docs.sympy.org/1.11/", max_pages=300, prefer=MATH_MARKUP),
    DocPackage("python-statsmodels-doc", "usr/share/doc/python-statsmodels-doc/html",
               "BSD-3-Clause", "https://www.statsmodels.org/v0.13.5/", max_pages=300,
               prefer=MATH_MARKUP),
    DocPackage("python-sklearn-doc", "usr/share/doc/python-sklearn-doc/html", "BSD-3-Clause",
               "https://scikit-learn.org/1.2/", max_pages=300, prefer=MATH_MARKUP),
    DocPackage("python-mpmath-doc", "usr/share/doc/python-mpmath-doc/html", "BSD-3-Clause",
               "https://mpmath.org/doc/1.2.1/", prefer=MATH_MARKUP),
    DocPackage("python-astropy-doc", "usr/share/doc/python-astropy-doc/html", "BSD-3-Clause",
               "https://docs.astropy.org/en/5.2/", max_pages=300, prefer=MATH_MARKUP),
)
BY_NAME = {p.name: p for p in PACKAGES}


def in_shared_dev_half(package: str, path: str) -> bool:
    """Whether a page may be read: always, unless its package is one domain_pages split and the
    page's key falls in the held-back (odd) half there."""
    if package not in SHARED_SPLIT_PACKAGES:
        return True
    return hashlib.sha1(f"{package}/{path}".encode()).digest()[0] % 2 == 0


def unpack(package: DocPackage, cache: Path = DEFAULT_CACHE) -> Path:
    """The package's unpacked tree under `cache`, downloaded with apt on first use."""
    target = cache / package.name
    if (target / package.root).is_dir():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as work:
        subprocess.run(["apt-get", "download", package.name], cwd=work, check=True,
                       stdout=subprocess.DEVNULL)
        (deb,) = Path(work).glob("*.deb")
        subprocess.run(["dpkg", "-x", str(deb), str(target)], check=True)
    return target


def _skipped(relative: str) -> bool:
    name = relative.lower()
    return any(part in name for part in _SKIP_NAMES)


def pages(package: DocPackage, cache: Path = DEFAULT_CACHE) -> Iterator[tuple[str, str, str]]:
    """(path inside the HTML root, upstream URL, HTML) for up to `max_pages` pages, chosen in the
    order of a blake2b hash of the path (the same pages on every machine)."""
    root = unpack(package, cache) / package.root
    candidates = []
    for path in root.rglob("*.html"):
        relative = path.relative_to(root).as_posix()
        if _skipped(relative) or not in_shared_dev_half(package.name, relative):
            continue
        if package.include and not relative.startswith(package.include):
            continue
        if package.name == "rust-doc" and "/arch/" in relative:
            continue
        html = path.read_bytes().decode("utf-8", errors="replace")
        first = 0 if package.prefer is None or package.prefer in html else 1
        key = hashlib.blake2b(relative.encode(), digest_size=8).digest()
        candidates.append((first, key, relative))
    for _, _, relative in sorted(candidates)[: package.max_pages]:
        html = (root / relative).read_bytes().decode("utf-8", errors="replace")
        yield relative, package.url_base + relative, html


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    for package in PACKAGES:
        print(f"{package.name}: {sum(1 for _ in pages(package, args.cache))} pages ({package.license})")


if __name__ == "__main__":
    main()
