#!/usr/bin/env bash
# Create .venv at the repository root and install the locked dependencies when pyproject.toml or the
# lock changed (the lock: requirements-dev.lock, rewritten by scripts/update-lock.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
lock=requirements-dev.lock
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml "$lock" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing dependencies into .venv …" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >&2
  # Exactly the locked versions, each file checked against its hash: a wheel from a local mirror or
  # --find-links folder is taken only when it is byte for byte the one the lock names.
  .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r "$lock" >&2
  # The project itself, editable; its dependencies are all in the lock already.
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e . >&2
  # A dependency added to pyproject.toml but not yet to the lock shows here, not as an ImportError later.
  if ! problems=$(.venv/bin/python -m pip check --disable-pip-version-check 2>&1); then
    echo "$problems" >&2
    echo "$lock does not match pyproject.toml: run scripts/update-lock.sh" >&2
    exit 1
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi
