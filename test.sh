#!/usr/bin/env bash
# The whole test suite, offline, plus lint and type checks: ./test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
scripts/ensure-postgres.sh
.venv/bin/python -m pytest "$@"
.venv/bin/python -m ruff check .
.venv/bin/python -m mypy
