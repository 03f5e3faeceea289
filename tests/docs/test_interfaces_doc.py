"""docs/interfaces.md is the repository's own statement of its stable interfaces, and the code cites it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from rules import FACTS, STATUSES
from rules.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "interfaces.md"


def tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    out = []
    for name in names.splitlines():
        path = REPO / name
        if path.suffix in {".png", ".jpg"} or not path.is_file() or path == Path(__file__).resolve():
            continue
        out.append(path)
    return out


def test_every_fact_and_status_is_described() -> None:
    text = DOC.read_text(encoding="utf-8")
    facts_section = text[text.index("## 1.") : text.index("## 2.")]
    table = set(re.findall(r"^\| `([a-z_]+)` \|", facts_section, flags=re.MULTILINE))
    assert table == set(FACTS)
    for status in STATUSES:
        assert f"`{status}`" in text
    for key in ("custom.assessment", "custom.asks", "custom.explained", "RASA_API_TOKEN", "/webhooks/rest/webhook"):
        assert key in text


def test_the_cli_options_it_names_exist() -> None:
    text = DOC.read_text(encoding="utf-8")
    assess = build_parser().parse_args(["assess", "--facts", "-", "--as-of", "2022-07-01", "--format", "text"])
    assert assess.format == "text"
    assert "python -m rules assess --facts FILE.json [--as-of YYYY-MM-DD] [--format json|text]" in text
    assert "python -m rules test [PATH ...]" in text


def test_nothing_points_outside_the_repository() -> None:
    offenders = []
    for path in tracked_text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        rel = path.relative_to(REPO)
        if "CONTRACT.md" in text:
            offenders.append(f"{rel}: cites CONTRACT.md (cite docs/interfaces.md)")
        if re.search(r"(?<![\w.])/(work|tmp)/", text):
            offenders.append(f"{rel}: names a path of one machine")
    assert offenders == []
