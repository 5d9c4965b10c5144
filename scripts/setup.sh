#!/usr/bin/env bash
# Set up everything the product needs on a fresh Debian machine: ffmpeg (for recordings) and a
# Python virtual environment in .venv with the project installed. Safe to run again; quick when done.
# Usage: scripts/setup.sh [--dev]   (--dev adds the test and lint tools)
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[[ "${1:-}" == "--dev" ]] && extras="[dev]"

if ! command -v ffmpeg >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ffmpeg (Debian package)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null
  else
    echo "setup: ffmpeg is missing; install it (apt-get install ffmpeg) for recording transcodes" >&2
  fi
fi

python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$python" -m venv .venv
fi
stamp=".venv/.installed${extras}"
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]]; then
  echo "setup: installing Python packages into .venv" >&2
  if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e ".${extras}"; } \
      >.venv/pip.log 2>&1; then
    cat .venv/pip.log >&2
    echo "setup: pip install failed (log above, kept in .venv/pip.log)" >&2
    exit 1
  fi
  .venv/bin/python -c "import dialer, fastapi, sqlalchemy" # fail here, not later, if the install broke
  touch "$stamp"
fi
