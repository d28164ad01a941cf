"""URL-level safety filtering (Llama 3 section 3.1.1). See `url_filter.py`."""
