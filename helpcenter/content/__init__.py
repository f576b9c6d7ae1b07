"""Articles as Markdown files: loading, rendering, importing and checking (no Flask here)."""
