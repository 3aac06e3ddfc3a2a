"""A programme file's bytes, read within the data-file limits (for formats that are not text: XLSX).

The same checks, in the same words, as `bot.document.read_text` (which also decodes UTF-8): only a
regular file, never more than `max_bytes`, checked before and while reading. It copies that function's
reading half until bot/document.py offers it on its own.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.document import DEFAULT_MAX_BYTES, SETTING, DataError, DataIssue, _megabytes, _os_problem


def read_bytes(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, never more than `max_bytes`; `DataError` in Polish otherwise."""
    file = str(path)

    def refuse(message: str) -> DataError:
        return DataError([DataIssue(file, "", None, message)])

    limit = _megabytes(max_bytes, exact=True)
    too_big = f"plik jest za duży: {{size}}, a limit to {limit} (zmień {SETTING}, jeśli trzeba)"
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused right after.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise refuse("nie ma takiego pliku") from None
    except IsADirectoryError:
        raise refuse("to jest katalog, a nie plik z danymi") from None
    except PermissionError:
        raise refuse("nie można odczytać pliku: brak uprawnień") from None
    except OSError as exc:
        raise refuse(f"nie można odczytać pliku: {_os_problem(exc)}") from None
    except ValueError:  # a NUL in the name
        raise refuse("nie można odczytać pliku: nazwa zawiera znak NUL") from None
    chunks: list[bytes] = []
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise refuse("to jest katalog, a nie plik z danymi")
        if not stat.S_ISREG(info.st_mode):
            raise refuse("to nie jest zwykły plik (urządzenie, potok albo gniazdo)")
        if info.st_size > max_bytes:
            raise refuse(too_big.format(size=_megabytes(info.st_size)))
        left = max_bytes + 1  # one byte more tells a file that grew (or lied about its size)
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise refuse(f"nie można odczytać pliku: {_os_problem(exc)}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise refuse(too_big.format(size=f"ponad {limit}"))
    return data
