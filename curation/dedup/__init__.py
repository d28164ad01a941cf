"""Deduplication: URL, document (MinHash) and line level."""
