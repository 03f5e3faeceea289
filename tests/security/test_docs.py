"""The documentation shows only safe commands: no Rasa API without its token, no action server on 0.0.0.0."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _docs() -> list[Path]:
    files = subprocess.run(["git", "ls-files", "*.md", "**/*.md"], cwd=REPO, capture_output=True, text=True).stdout
    return [REPO / f for f in sorted(set(files.split()))]


def test_docs_start_rasa_and_the_action_server_only_the_safe_way() -> None:
    unsafe = []
    for path in _docs():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            plain_rasa_run = re.search(r"(?<![\w.])rasa run\b", line) and "rasa_ext.serve" not in line
            if plain_rasa_run or re.search(r"-m rasa_sdk\b", line):
                unsafe.append(f"{path.relative_to(REPO)}:{n}: {line.strip()}")
    assert _docs(), "no documentation found"
    assert unsafe == []
