"""A real PostgreSQL server for the tests, started from the installed binaries in a temp dir.

initdb and pg_ctl refuse to run as root, so as root they run as the `postgres` user via runuser.
The server listens on 127.0.0.1 on a free port and is removed after the test session. There is
no skipping: if the binaries are missing the tests fail, so CI cannot pass without PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.fakes.telegram_api import free_port


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
            return str(candidate)
        raise RuntimeError(f"{name} not found: install PostgreSQL (Debian: postgresql-15)")
    return found


@contextmanager
def postgres_server(durable: bool = False) -> Iterator[str]:
    """Yield an asyncpg URL of a fresh, empty database on a throwaway server.

    Tests run it without flushing to disk (fsync and synchronous commits off); benchmarks ask for
    `durable`, PostgreSQL's own defaults, as production runs it.
    """
    root = Path(tempfile.mkdtemp(prefix="bot-pg-"))
    data = root / "data"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        _as_postgres([_binary("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]),
        **run,
    )
    options = f"-p {port} -h 127.0.0.1 -k {root}"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(
        _as_postgres(
            [_binary("pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"]
        ),
        **run,
    )
    try:
        subprocess.run(
            _as_postgres([_binary("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "bot"]),
            **run,
        )
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/bot"
    finally:
        subprocess.run(
            _as_postgres([_binary("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]), check=False
        )
        shutil.rmtree(root, ignore_errors=True)
