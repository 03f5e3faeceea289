"""Errors the rules package raises; each carries one clear line for a person or a CLI."""

from __future__ import annotations


class RulesError(Exception):
    """Base class: the message is one line, fit to print as-is."""


class FactError(RulesError, ValueError):
    """A facts object breaks the contract (unknown name, wrong type, out of range)."""

    def __init__(self, message: str, fact: str | None = None) -> None:
        super().__init__(message)
        self.fact = fact


class PolicyFileError(RulesError):
    """A policy data file is malformed; the message names the file."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class ScenarioFileError(RulesError):
    """A scenario file is malformed; the message names the file."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
