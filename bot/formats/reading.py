"""A programme file's bytes, read within the data-file limits (for formats that are not text: XLSX):
the same reading as a YAML data file's, from bot/document.py."""

from __future__ import annotations

from bot.document import read_bytes

__all__ = ["read_bytes"]
