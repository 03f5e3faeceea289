"""Custom actions for the 稳就业 assistant (rasa-sdk action server: `python -m rasa_sdk --actions actions`)."""
