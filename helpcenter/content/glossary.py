"""The platform's UI labels (content/glossary.yaml), read once per content folder."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=4)
def load_glossary(content_dir: str) -> dict[str, dict[str, dict[str, str]]]:
    """{"reports": {id: {lang: label}}, "terms": {id: {lang: label}}}."""
    data = yaml.safe_load((Path(content_dir) / "glossary.yaml").read_text("utf-8"))
    return {"reports": dict(data["reports"]), "terms": dict(data.get("terms", {}))}


def report_label(content_dir: str, report: str, lang: str) -> str:
    return load_glossary(content_dir)["reports"][report][lang]
