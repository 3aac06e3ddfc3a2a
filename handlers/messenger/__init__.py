"""The Facebook Messenger channel: webhook in, Send API out, over the same core as Telegram."""
