"""Telegram channel (python-telegram-bot 22)."""
