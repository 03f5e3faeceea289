"""Code loaded by the Rasa server (Rasa venv): the masking REST channel, the case-log event broker and the
QuestionRouter NLU component.

Only Rasa, the standard library, the stdlib-only parts of `caselog` (privacy, spool), `rules` (PyYAML) and
`understanding` (with requirements/rasa-extras.txt: OpenCC, pypinyin, RapidFuzz, cn2an) may be imported
here: the Rasa venv has none of the app venv's other packages.
"""
