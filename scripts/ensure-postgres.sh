#!/usr/bin/env bash
# The PostgreSQL tests start their own server from the installed binaries (initdb, pg_ctl).
# They never skip, so make sure the binaries are there; install Debian's server if they are not.
set -euo pipefail
if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL binaries not found: installing postgresql (Debian)…" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; }
  exit 0
fi
echo "PostgreSQL (initdb, pg_ctl) is needed for the tests: install it, e.g. 'apt-get install postgresql'." >&2
exit 1
