"""Per-document curation logic for the Llama 3 web-data recipe (arXiv:2407.21783, section 3.1.1).

Nothing in this package imports apache_beam: every function here is pure and testable on its own.
The Beam wrappers live in `pipelines/`.
"""

from importlib import metadata

try:
    __version__ = metadata.version("llama3-curation")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
