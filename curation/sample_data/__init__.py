"""The bundled sample of real WARC files (see ATTRIBUTION.md)."""

from pathlib import Path

SAMPLE_DIR = Path(__file__).parent
