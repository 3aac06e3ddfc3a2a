"""What can be checked of the deployment files without Docker or systemd running: their structure,
that every setting they set is one the code reads, and that the lock files cover pyproject.toml."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from pydantic_settings import BaseSettings

import bot.config

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
CODE_DIRS = ("bot", "handlers", "scheduler")
# Variables the interpreter and pip read themselves; an image may set them.
INTERPRETER_ENV = re.compile(r"PATH|PYTHON[A-Z_]*|PIP_[A-Z_]+")


# --- what the code reads -------------------------------------------------------------------------


def settings_env_names() -> set[str]:
    """Every environment name the pydantic-settings classes in bot/config.py read."""
    names: set[str] = set()
    for cls in vars(bot.config).values():
        if not (isinstance(cls, type) and issubclass(cls, BaseSettings)) or cls is BaseSettings:
            continue
        prefix = str(cls.model_config.get("env_prefix", ""))
        for name, field in cls.model_fields.items():
            aliases: list[str] = []
            for alias in (field.validation_alias, field.alias):
                if isinstance(alias, str):
                    aliases.append(alias)
                elif alias is not None and hasattr(alias, "choices"):
                    aliases += [c for c in alias.choices if isinstance(c, str)]
            # An alias replaces the prefixed field name; names are matched case-insensitively.
            names |= {a.upper() for a in aliases} or {(prefix + name).upper()}
    return names


_ENVIRON_READ = re.compile(
    r"""os\.(?:environ\.get|getenv)\(\s*["']([A-Za-z0-9_]+)["']|os\.environ\[\s*["']([A-Za-z0-9_]+)["']"""
)


def environ_reads() -> set[str]:
    """Names read straight from os.environ anywhere in the code."""
    names: set[str] = set()
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            for match in _ENVIRON_READ.finditer(path.read_text(encoding="utf-8")):
                names.add(match.group(1) or match.group(2))
    return names


CODE_READS = settings_env_names() | environ_reads()


def test_the_settings_names_are_collected() -> None:
    assert {"TELEGRAM_BOT_TOKEN", "DATABASE_URL", "BOT_PORT", "MESSENGER_APP_SECRET"} <= CODE_READS


# --- Dockerfile ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Instruction:
    keyword: str
    args: str
    line: int


def dockerfile_instructions(text: str) -> list[Instruction]:
    """Instructions as Docker reads them: comments dropped, backslash continuations joined."""
    instructions: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and (not stripped or stripped.startswith("#")):
            continue  # Docker skips comment and empty lines inside a continued instruction
        if not pending:
            start = number
        continued = stripped.endswith("\\")
        pending.append(stripped[:-1].strip() if continued else stripped)
        if not continued:
            keyword, _, args = " ".join(pending).partition(" ")
            instructions.append(Instruction(keyword.upper(), args.strip(), start))
            pending = []
    assert not pending, "the Dockerfile ends inside a continued instruction"
    return instructions


DOCKER_KEYWORDS = {
    "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
    "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
}  # fmt: skip

INSTRUCTIONS = dockerfile_instructions((ROOT / "Dockerfile").read_text(encoding="utf-8"))


def final_stage() -> list[Instruction]:
    last_from = max(i for i, instruction in enumerate(INSTRUCTIONS) if instruction.keyword == "FROM")
    return INSTRUCTIONS[last_from:]


def env_pairs(args: str) -> dict[str, str]:
    """ENV KEY=value KEY2=value2 (or the old ENV KEY value)."""
    words = shlex.split(args)
    if "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return {key: value for key, _, value in (word.partition("=") for word in words)}


def test_the_parser_joins_continuations_and_skips_comments() -> None:
    parsed = dockerfile_instructions(
        "# syntax=docker/dockerfile:1\nFROM a AS b\nRUN x \\\n  # note\n  && y\nUSER 1\n"
    )
    assert [(i.keyword, i.args, i.line) for i in parsed] == [
        ("FROM", "a AS b", 2),
        ("RUN", "x && y", 3),
        ("USER", "1", 6),
    ]


def test_dockerfile_parses_into_known_instructions() -> None:
    assert INSTRUCTIONS and INSTRUCTIONS[0].keyword == "FROM"
    unknown = [(i.line, i.keyword) for i in INSTRUCTIONS if i.keyword not in DOCKER_KEYWORDS]
    assert not unknown


def test_every_stage_is_python_311_slim() -> None:
    bases = [i.args.split()[0] for i in INSTRUCTIONS if i.keyword == "FROM"]
    assert bases and all(base == "python:3.11-slim" for base in bases)


def test_runs_as_a_user_that_is_not_root() -> None:
    users = [i.args for i in final_stage() if i.keyword == "USER"]
    assert users, "the final stage sets no USER: the bot would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    # The user must exist in the image before it is switched to.
    created = " ".join(i.args for i in final_stage() if i.keyword == "RUN")
    assert re.search(rf"useradd\b.*\b{re.escape(user)}\b", created)


def test_healthcheck_asks_healthz_through_the_shipped_script() -> None:
    checks = [i.args for i in final_stage() if i.keyword == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "CMD" in checks[0] and "deploy/healthcheck.py" in checks[0]
    copied = " ".join(i.args for i in final_stage() if i.keyword == "COPY")
    assert "deploy/healthcheck.py" in copied
    assert "/healthz" in (ROOT / "deploy" / "healthcheck.py").read_text(encoding="utf-8")


def test_dependencies_come_from_the_runtime_lock_with_hashes() -> None:
    installs = [i.args for i in INSTRUCTIONS if i.keyword == "RUN" and "pip install" in i.args]
    assert installs
    for command in installs:
        # Anything pip installs in the image is pinned and hash-checked: no loose `pip install x`.
        assert "--require-hashes" in command and "-r " in command, command
    assert any("requirements.lock" in command for command in installs)
    assert any(i.keyword == "COPY" and "requirements.lock" in i.args for i in INSTRUCTIONS)


def test_the_dictionaries_are_loaded_at_build_time() -> None:
    assert any(i.keyword == "RUN" and "morfeusz2.Morfeusz(" in i.args for i in INSTRUCTIONS)


def test_the_command_is_bot_run() -> None:
    commands = [i.args for i in final_stage() if i.keyword == "CMD"]
    assert commands and yaml.safe_load(commands[-1]) == ["python", "-m", "bot", "run"]


# --- .dockerignore -------------------------------------------------------------------------------


def _dockerignore_pattern(pattern: str) -> re.Pattern[str]:
    regex = ""
    i = 0
    pattern = pattern.strip("/")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex, i = regex + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            regex, i = regex + ".*", i + 2
        elif pattern[i] == "*":
            regex, i = regex + "[^/]*", i + 1
        elif pattern[i] == "?":
            regex, i = regex + "[^/]", i + 1
        else:
            regex, i = regex + re.escape(pattern[i]), i + 1
    return re.compile(regex)


def sent_to_docker(path: str) -> bool:
    """Whether .dockerignore lets `path` into the build context (the last matching line decides;
    a line matching a parent folder matches what is inside it, as in Docker)."""
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    included = True
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = _dockerignore_pattern(line.removeprefix("!"))
        if any(pattern.fullmatch(prefix) for prefix in prefixes):
            included = negated
    return included


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    for path in (".env", ".venv/bin/python", "bot.db", ".git/config", "tests/conftest.py"):
        assert not sent_to_docker(path), path
    assert not sent_to_docker("bot/__pycache__/cli.cpython-311.pyc")


def test_everything_copied_exists_and_is_sent_to_docker() -> None:
    copies = [i.args for i in INSTRUCTIONS if i.keyword in {"COPY", "ADD"}]
    for args in copies:
        words = [w for w in shlex.split(args) if not w.startswith("--")]
        if "--from=" in args:
            continue  # from another stage, not from the build context
        for source in words[:-1]:
            path = ROOT / source
            assert path.exists(), source
            sample = next(p for p in sorted(path.rglob("*")) if p.is_file()) if path.is_dir() else path
            assert sent_to_docker(sample.relative_to(ROOT).as_posix()), source


# --- docker-compose.yml --------------------------------------------------------------------------

COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
BOTS = {name: service for name, service in SERVICES.items() if "build" in service}


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def test_two_bot_processes_built_from_this_repository() -> None:
    assert len(BOTS) == 2
    for service in BOTS.values():
        assert service["build"] in [".", {"context": "."}]
        assert service.get("env_file"), "the bot's settings come from an env file"
        env = environment(service)
        assert env["BOT_HOST"] == "0.0.0.0", "listen where Caddy reaches it"
        assert env["DATABASE_URL"].startswith("postgresql+asyncpg://") and "@db:" in env["DATABASE_URL"]
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert "ports" not in service, "only Caddy faces the internet"


def test_postgres_keeps_its_data_in_a_named_volume() -> None:
    db = SERVICES["db"]
    assert db["image"].startswith("postgres:")
    mounts = dict(volume.split(":", 1) for volume in db["volumes"])
    data_volume = next(name for name, target in mounts.items() if target == "/var/lib/postgresql/data")
    assert data_volume in COMPOSE["volumes"]
    assert "healthcheck" in db


def test_caddy_serves_tls_and_balances_across_both_bots() -> None:
    caddy = next(s for s in SERVICES.values() if str(s.get("image", "")).startswith("caddy:"))
    published = {str(port).split(":")[0] for port in caddy["ports"]}
    assert {"80", "443"} <= published, "automatic TLS needs 80 and 443"
    mounted = [v.split(":")[0] for v in caddy["volumes"]]
    caddyfile_path = next(path for path in mounted if path.endswith("Caddyfile"))
    caddyfile = (ROOT / caddyfile_path).read_text(encoding="utf-8")
    upstreams = re.search(r"reverse_proxy\s+([^{\n]+)", caddyfile)
    assert upstreams is not None
    for name, service in BOTS.items():
        assert f"{name}:{environment(service)['BOT_PORT']}" in upstreams.group(1).split()
    assert "health_uri" in caddyfile
    # Every {$VAR} Caddy reads is given to it.
    for variable in re.findall(r"\{\$([A-Z0-9_]+)", caddyfile):
        assert variable in environment(caddy), variable


# --- every variable set is one the code reads ----------------------------------------------------

COMPOSE_VARIABLES = set(
    re.findall(r"\$\{([A-Z0-9_]+)", (ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
)
DOCS = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")


def unread(names: set[str], also_allowed: frozenset[str] | set[str] = frozenset()) -> set[str]:
    """The names neither the code, nor `also_allowed`, nor the interpreter reads."""
    return {
        n for n in names if n not in CODE_READS and n not in also_allowed and not INTERPRETER_ENV.fullmatch(n)
    }


def test_the_dockerfile_sets_only_settings_the_code_reads() -> None:
    names: set[str] = set()
    for instruction in INSTRUCTIONS:
        if instruction.keyword == "ENV":
            names |= set(env_pairs(instruction.args))
    assert "DATABASE_URL" in names
    assert not unread(names)


def test_the_compose_file_sets_only_settings_the_code_reads() -> None:
    for service in BOTS.values():
        assert not {n for n in environment(service) if n not in CODE_READS}


def test_env_example_sets_only_settings_the_code_reads() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    names = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    assert len(names) > 10
    assert not {n for n in names if n not in CODE_READS}


def systemd_environment(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("Environment="):
            for word in shlex.split(line.removeprefix("Environment=")):
                key, _, value = word.partition("=")
                values[key] = value
    return values


def test_the_systemd_unit_sets_only_settings_the_code_reads() -> None:
    names = set(systemd_environment(ROOT / "deploy" / "eventbot.service"))
    assert names and not unread(names)


def _code_in_markdown(text: str) -> str:
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL))
    return "\n".join(blocks + spans)


def test_the_deployment_docs_set_only_settings_the_code_or_compose_reads() -> None:
    names = set(re.findall(r"(?<![A-Za-z0-9_$])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)=", _code_in_markdown(DOCS)))
    assert {"TELEGRAM_BOT_TOKEN", "POSTGRES_PASSWORD"} <= names
    # Compose's own ${…} values (the domain, the database password) may be set in .env as well.
    assert not unread(names, COMPOSE_VARIABLES)


def test_the_docs_tell_how_to_set_what_compose_needs() -> None:
    for variable in COMPOSE_VARIABLES:
        assert f"{variable}=" in DOCS, variable


def test_the_docs_say_how_several_processes_work_and_that_sqlite_refuses_a_second() -> None:
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "advisory lock" in DOCS and "answered once" in DOCS
    assert "second `run` on the same database file stops at start with exit code 2" in DOCS
    # The caveat of the time when two processes were not safe is gone from both.
    assert "--scale bot2=0" not in DOCS and "--scale bot2=0" not in compose
    assert "until several are safe" not in DOCS.lower() and "until several processes are safe" not in compose


# --- the lock files ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pin:
    name: str
    version: str
    hashes: tuple[str, ...]


def lock_pins(path: Path) -> dict[str, Pin]:
    """name → pin; every requirement line of a pip requirements file with its --hash options."""
    pins: dict[str, Pin] = {}
    entries: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace() and entries:
            entries[-1].append(line.strip())
        else:
            entries.append([line.strip()])
    for entry in entries:
        text = " ".join(part.removesuffix("\\").strip() for part in entry)
        requirement_text, *options = re.split(r"\s+(?=--)", text)
        requirement = Requirement(requirement_text)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", (
            f"{path.name}: {text[:80]} is not pinned"
        )
        hashes = tuple(option.split("=", 1)[1] for option in options if option.startswith("--hash="))
        pins[canonicalize_name(requirement.name)] = Pin(requirement.name, specifiers[0].version, hashes)
    return pins


PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RUNTIME_DEPENDENCIES = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
DEV_DEPENDENCIES = [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["dev"]]


@pytest.mark.parametrize(
    ("lock", "dependencies"),
    [(RUNTIME_LOCK, RUNTIME_DEPENDENCIES), (DEV_LOCK, RUNTIME_DEPENDENCIES + DEV_DEPENDENCIES)],
    ids=["runtime", "dev"],
)
def test_the_lock_covers_every_dependency_within_its_range(
    lock: Path, dependencies: list[Requirement]
) -> None:
    pins = lock_pins(lock)
    for requirement in dependencies:
        pin = pins.get(canonicalize_name(requirement.name))
        assert pin is not None, f"{requirement.name} is not in {lock.name}: run scripts/update-lock.sh"
        assert requirement.specifier.contains(pin.version, prereleases=True), (
            f"{lock.name} pins {pin.name}=={pin.version}, outside pyproject's {requirement}: "
            "run scripts/update-lock.sh"
        )


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=["runtime", "dev"])
def test_every_pin_has_a_sha256_hash(lock: Path) -> None:
    pins = lock_pins(lock)
    assert len(pins) > 20
    for pin in pins.values():
        assert pin.hashes, f"{lock.name}: {pin.name} has no hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in pin.hashes), pin.name


def test_the_image_runs_exactly_what_the_tests_run_on() -> None:
    runtime, dev = lock_pins(RUNTIME_LOCK), lock_pins(DEV_LOCK)
    assert set(runtime) <= set(dev)
    assert {name: pin.version for name, pin in runtime.items()} == {
        name: dev[name].version for name in runtime
    }


def test_the_lock_is_for_python_311() -> None:
    # The dev lock is what runs here; the image runs Python 3.11 like the project's minimum.
    assert sys.version_info >= (3, 11)
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"
    assert "--python-version 3.11" in (ROOT / "scripts" / "update-lock.sh").read_text(encoding="utf-8")


def test_bootstrap_installs_the_lock_with_hashes_and_reinstalls_when_it_changes() -> None:
    script = (ROOT / "scripts" / "bootstrap.sh").read_text(encoding="utf-8")
    assert "lock=requirements-dev.lock" in script
    assert re.search(r"pip install .*--require-hashes -r \"\$lock\"", script)
    assert re.search(r"pip install .*--no-deps -e \.", script)
    stamp = next(line for line in script.splitlines() if line.startswith("stamp="))
    assert "pyproject.toml" in stamp and "$lock" in stamp


# --- the systemd unit ----------------------------------------------------------------------------

UNIT = ROOT / "deploy" / "eventbot.service"


def read_unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser


def test_the_unit_runs_the_bot_as_its_own_user_and_restarts_it() -> None:
    unit = read_unit(UNIT)
    assert {"Unit", "Service", "Install"} <= set(unit.sections())
    service = unit["Service"]
    assert service["ExecStart"].endswith("python -m bot run")
    assert service["User"] not in {"root", "0"}
    assert service["Restart"] == "on-failure"
    assert service["EnvironmentFile"]


def test_the_unit_is_hardened_and_writes_only_its_state() -> None:
    service = read_unit(UNIT)["Service"]
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    writable = service["ReadWritePaths"].split()
    # The SQLite database and the data file (organisers' uploads replace it) lie where it may write.
    env = systemd_environment(UNIT)
    database = env["DATABASE_URL"].split(":///", 1)[1]
    for path in (database, env["BOT_DATA"]):
        assert any(Path(path).is_relative_to(w) for w in writable), path


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_every_line_of_the_unit(tmp_path: Path) -> None:
    # Only the interpreter's path is this machine's: systemd checks that ExecStart exists.
    text = UNIT.read_text(encoding="utf-8").replace("/opt/eventbot/.venv/bin/python", sys.executable)
    copy = tmp_path / "eventbot.service"
    copy.write_text(text, encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
