"""Errors of the case log that the CLI turns into one line on stderr."""


class CaselogError(Exception):
    """Base: a problem with a readable one-line message."""

    exit_code = 1


class BadInput(CaselogError):
    exit_code = 2


class DatabaseUnavailable(CaselogError):
    exit_code = 3


class CaseNotFound(CaselogError):
    exit_code = 4
