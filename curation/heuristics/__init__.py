"""Heuristic quality filters (Llama 3 section 3.1.1, "Heuristic filtering"). See `stage.py`."""
