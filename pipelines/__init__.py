"""Apache Beam: one thin PTransform per stage over `curation/`, I/O, the graph and the CLI."""
