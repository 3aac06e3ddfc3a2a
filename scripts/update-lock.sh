#!/usr/bin/env bash
# Regenerate the lock files from pyproject.toml with uv: requirements.lock (what the bot runs on: the
# Docker image) and requirements-dev.lock (plus tests and linters: bootstrap.sh and CI).
#   scripts/update-lock.sh                          after editing pyproject.toml: the other pins stay
#   scripts/update-lock.sh --upgrade                every package to its newest within pyproject's ranges
#   scripts/update-lock.sh --upgrade-package httpx  one package
set -euo pipefail
cd "$(dirname "$0")/.."
# uv itself is pinned so that the same command writes the same files on every machine.
uv_version=0.13.9
tools=.venv/tools
python=${PYTHON:-python3}
if ! "$tools/bin/uv" --version 2>/dev/null | grep -qx "uv $uv_version.*"; then
  "$python" -m venv "$tools"
  "$tools/bin/python" -m pip install -q --disable-pip-version-check "uv==$uv_version"
fi
# --universal: markers instead of this machine's platform, so the Docker image (any CPU) and every
# developer install from the same file; every wheel's hash is listed for the same reason.
compile=("$tools/bin/uv" pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes
  --custom-compile-command scripts/update-lock.sh --quiet)
"${compile[@]}" "$@" -o requirements.lock
# The runtime pins constrain the dev lock, so tests run on exactly what the image runs.
"${compile[@]}" --extra dev -c requirements.lock "$@" -o requirements-dev.lock
