"""PII redaction (Llama 3 section 3.1.1: "we use filters designed to remove data from websites are likely
to contain ... personally identifiable information"). See `stage.py`."""
