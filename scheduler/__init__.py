"""Reminders: planning one job per (session, lead time), delivering them through the ledger."""
