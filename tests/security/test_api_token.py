"""The Rasa API token: from RASA_API_TOKEN, else generated once into <workdir>/rasa-api-token (0600)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from rasa_ext.api_token import TOKEN_FILE, ApiTokenMissing, rasa_api_token


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_environment_wins_and_writes_nothing(tmp_path: Path) -> None:
    assert rasa_api_token(tmp_path, create=True, env={"RASA_API_TOKEN": " from-env "}) == "from-env"
    assert not (tmp_path / TOKEN_FILE).exists()


def test_generated_once_with_mode_0600_then_reused(tmp_path: Path) -> None:
    first = rasa_api_token(tmp_path / "var", create=True, env={})
    path = tmp_path / "var" / TOKEN_FILE
    assert _mode(path) == 0o600
    assert len(first) >= 32 and first == path.read_text().strip()
    assert rasa_api_token(tmp_path / "var", create=True, env={}) == first
    assert rasa_api_token(tmp_path / "var", env={}) == first  # what tools read


def test_a_loose_token_file_is_tightened_by_the_run_command(tmp_path: Path) -> None:
    path = tmp_path / TOKEN_FILE
    path.write_text("older-token\n")
    path.chmod(0o644)
    assert rasa_api_token(tmp_path, create=True, env={}) == "older-token"
    assert _mode(path) == 0o600


def test_tools_without_a_token_get_a_message_saying_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ApiTokenMissing, match=r"RASA_API_TOKEN.*scripts/run"):
        rasa_api_token(tmp_path, env={})
    assert not (tmp_path / TOKEN_FILE).exists()
