"""Writing the report: the JSON twin as it is, and the HTML page from `report.html` (Jinja2,
every value escaped: drift examples are upstream content). The page is self-contained: inline
CSS, no scripts, no external assets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

HERE = Path(__file__).resolve().parent
SCHEMA = HERE / "report.schema.json"


def json_twin(html: Path) -> Path:
    """Where the JSON twin of an HTML report goes: beside it, `.json` for `.html`."""
    return html.with_suffix(".json")


def write_report(report: dict[str, Any], html: Path) -> None:
    html.parent.mkdir(parents=True, exist_ok=True)
    environment = Environment(
        loader=FileSystemLoader(HERE), autoescape=select_autoescape(["html"]), trim_blocks=True
    )
    page = environment.get_template("report.html").render(report=report)
    html.write_text(page, encoding="utf-8")
    twin = json.dumps(report, ensure_ascii=False, indent=2)
    json_twin(html).write_text(twin + "\n", encoding="utf-8")
