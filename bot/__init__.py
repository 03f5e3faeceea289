"""Channels: the Telegram bot, the staff web app and the one-command launcher."""
