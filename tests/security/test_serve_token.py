"""rasa_ext.serve hands the API token to `rasa run` as one argument, whatever characters it starts with."""

from __future__ import annotations

import sys
import types

import pytest

from rasa_ext import serve


def test_a_token_starting_with_a_dash_reaches_rasa_as_one_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    # secrets.token_urlsafe makes tokens starting with "-"; as a separate argument argparse reads one as an option
    # ("--auth-token: expected one argument") and the server does not start
    seen: dict[str, list[str]] = {}
    fake_main = types.ModuleType("rasa.__main__")
    fake_main.main = lambda: seen.setdefault("argv", list(sys.argv))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "rasa", types.ModuleType("rasa"))
    monkeypatch.setitem(sys.modules, "rasa.__main__", fake_main)
    monkeypatch.setenv("RASA_API_TOKEN", "-Ab3_dash-first")
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    assert serve.main(["run", "--enable-api"]) == 0
    assert "--auth-token=-Ab3_dash-first" in seen["argv"]
    assert "--auth-token" not in seen["argv"]
