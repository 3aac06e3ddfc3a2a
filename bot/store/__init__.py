"""Persistent state: users per channel, preferences, personal plans, the delivery ledger (SQLAlchemy 2)."""
