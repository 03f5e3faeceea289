"""Case log: a privacy-preserving record of consultations for staff.

This package's top level stays stdlib-only: the Rasa server's virtual environment imports
`caselog.privacy` and `caselog.spool` (through `rasa_ext`), while the database side
(`caselog.models`, `caselog.db`, `caselog.queries`, `caselog.drain`, `caselog.cli`) needs
SQLAlchemy 2 and only runs in the app environment.
"""
