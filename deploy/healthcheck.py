"""Container health check: exit 0 when the bot's web server answers `GET /healthz` with 200, else 1.

Standard library only, so the slim image needs no curl. It reads the address the same way the bot
does (the environment first, then `.env` in the working directory); a wildcard one over loopback.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

TIMEOUT = 3.0  # seconds; well inside Docker's own --timeout, so a hung server reads as unhealthy
# A wildcard listen address is reached over loopback; any other is asked as it is.
_WILDCARDS = {"", "0.0.0.0", "::", "[::]"}


def dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a `.env` file (comments and blank lines skipped); {} without one."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    values: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            values[key.strip()] = value.strip().strip("'\"")
    return values


def health_url(environ: Mapping[str, str], dotenv_values: Mapping[str, str]) -> str:
    """The /healthz address: on BOT_HEALTH_PORT when the probes have a port of their own (long
    polling has no other web server), else on the webhooks' BOT_PORT (8080 by default)."""

    def setting(key: str, default: str) -> str:
        # An empty value counts as unset, as in the bot's settings (env_ignore_empty).
        return environ.get(key) or dotenv_values.get(key) or default

    host = setting("BOT_HOST", "127.0.0.1")
    host = "127.0.0.1" if host in _WILDCARDS else host
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    port = setting("BOT_HEALTH_PORT", "") or setting("BOT_PORT", "8080")
    return f"http://{host}:{port}/healthz"


def check(url: str) -> str | None:
    """None when `url` answers 200, else why not."""
    # No proxy: the environment's http_proxy must not catch a loopback request.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (OSError, ValueError) as exc:
        return f"{url}: {exc}"
    return None if status == 200 else f"{url}: HTTP {status}"


def main() -> int:
    problem = check(health_url(os.environ, dotenv(Path(".env"))))
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
