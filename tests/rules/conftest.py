from __future__ import annotations

import re
from pathlib import Path

import pytest

from rules.policy import PACKAGE_DIR

CATALOGUE = PACKAGE_DIR / "source" / "CATALOGUE.md"


def catalogue_ids() -> list[str]:
    """The measure ids of the catalogue table, in order."""
    ids = []
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| ([a-z_]+) \|", line)
        if m and m.group(1) != "id":
            ids.append(m.group(1))
    return ids


@pytest.fixture()
def policy_dir(tmp_path: Path) -> Path:
    """A scratch copy of the real policy folder a test may break."""
    target = tmp_path / "policies"
    target.mkdir()
    for f in (PACKAGE_DIR / "policies").iterdir():
        (target / f.name).write_bytes(f.read_bytes())
    return target
