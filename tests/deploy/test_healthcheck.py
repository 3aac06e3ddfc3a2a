"""deploy/healthcheck.py: the address it asks, and its answer, against a real server on loopback."""

from __future__ import annotations

import importlib.util
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "healthcheck.py"


def _load() -> ModuleType:
    # deploy/ is not a package: the script runs on its own inside the image.
    spec = importlib.util.spec_from_file_location("deploy_healthcheck", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


healthcheck = _load()


class _Probe(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Probe)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _port(httpd: ThreadingHTTPServer) -> int:
    return int(httpd.server_address[1])


def test_defaults_to_the_webhook_port_on_loopback() -> None:
    assert healthcheck.health_url({}, {}) == "http://127.0.0.1:8080/healthz"


def test_a_wildcard_listen_address_is_asked_over_loopback() -> None:
    url = healthcheck.health_url({"BOT_HOST": "0.0.0.0", "BOT_PORT": "9000"}, {})
    assert url == "http://127.0.0.1:9000/healthz"
    assert healthcheck.health_url({"BOT_HOST": "::"}, {}) == "http://127.0.0.1:8080/healthz"


def test_the_probes_own_port_wins_and_an_empty_one_counts_as_unset() -> None:
    assert healthcheck.health_url({"BOT_PORT": "8080", "BOT_HEALTH_PORT": "9090"}, {}).endswith(
        ":9090/healthz"
    )
    assert healthcheck.health_url({"BOT_PORT": "8081", "BOT_HEALTH_PORT": ""}, {}).endswith(":8081/healthz")


def test_environment_wins_over_dotenv_as_in_the_settings() -> None:
    dotenv = {"BOT_PORT": "7000", "BOT_HOST": "10.0.0.5"}
    assert healthcheck.health_url({}, dotenv) == "http://10.0.0.5:7000/healthz"
    assert healthcheck.health_url({"BOT_PORT": "7001"}, dotenv) == "http://10.0.0.5:7001/healthz"


def test_an_ipv6_host_is_bracketed() -> None:
    assert healthcheck.health_url({"BOT_HOST": "::1"}, {}) == "http://[::1]:8080/healthz"


def test_dotenv_reads_settings_and_skips_comments(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("# BOT_PORT=1\n\nBOT_PORT=9000\nBOT_HOST='0.0.0.0'\nnot a setting\n", encoding="utf-8")
    assert healthcheck.dotenv(env) == {"BOT_PORT": "9000", "BOT_HOST": "0.0.0.0"}
    assert healthcheck.dotenv(tmp_path / "missing") == {}


def test_healthy_server(server: ThreadingHTTPServer) -> None:
    assert healthcheck.check(f"http://127.0.0.1:{_port(server)}/healthz") is None


def test_an_error_status_is_unhealthy(server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_Probe, "status", 503)
    url = f"http://127.0.0.1:{_port(server)}/healthz"
    assert healthcheck.check(url) == f"{url}: HTTP 503"


def test_nothing_listening_is_unhealthy() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    problem = healthcheck.check(f"http://127.0.0.1:{port}/healthz")
    assert problem is not None and problem.startswith(f"http://127.0.0.1:{port}/healthz: ")


def test_main_exit_codes(
    server: ThreadingHTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("BOT_HEALTH_PORT", raising=False)
    monkeypatch.setenv("BOT_HOST", "0.0.0.0")
    monkeypatch.setenv("BOT_PORT", str(_port(server)))
    assert healthcheck.main() == 0
    monkeypatch.setattr(_Probe, "status", 500)
    assert healthcheck.main() == 1
    assert "HTTP 500" in capsys.readouterr().err
