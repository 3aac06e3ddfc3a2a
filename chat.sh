#!/usr/bin/env bash
# Console chat with the assistant on the shipped data: ./chat.sh [--now "2023-11-29 15:10"]
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
exec .venv/bin/python -m bot chat "$@"
