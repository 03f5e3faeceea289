"""Code loaded by the Rasa server (Rasa venv): the masking REST channel and the case-log event broker.

Only Rasa, the standard library and the stdlib-only parts of `caselog` (privacy, spool) may be
imported here: the Rasa venv has none of the app venv's packages.
"""
