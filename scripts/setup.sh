#!/usr/bin/env bash
# Set up everything the product needs on a fresh Debian machine: ffmpeg (for recordings) and a
# Python virtual environment in .venv with the product installed. Safe to run again; quick when done.
#
#   scripts/setup.sh          the product as a user installs it: `pip install .`, no extras
#                             (installed again when pyproject.toml or any source file changed)
#   scripts/setup.sh --dev    the product editable, with the test and lint tools (`-e .[dev]`)
#
# A .venv set up with --dev serves both: the plain setup leaves it as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=false
[[ "${1:-}" == "--dev" ]] && dev=true

# apt-get, waiting (up to APT_WAIT_S seconds) while another process holds apt's lock.
apt_get() {
  local waited=0 limit=${APT_WAIT_S:-600} log
  log=$(mktemp)
  while true; do
    if DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=30 "$@" >"$log" 2>&1; then
      rm -f "$log"
      return 0
    fi
    if ! grep -qiE "could not get lock|unable to acquire|is held by process|lock-frontend" "$log"; then
      cat "$log" >&2
      rm -f "$log"
      return 1
    fi
    if ((waited >= limit)); then
      cat "$log" >&2
      rm -f "$log"
      echo "setup: apt is still locked by another process after ${limit} s (see: ps -C apt,apt-get,dpkg)." >&2
      echo "setup: let it finish and run this again, or install ffmpeg yourself: apt-get install ffmpeg" >&2
      return 1
    fi
    echo "setup: apt is busy with another install; waiting for it (${waited}/${limit} s)" >&2
    sleep 10
    waited=$((waited + 10))
  done
}

install_debian_package() {  # $1: the command that must exist, $2: the Debian package, $3: what it is for
  command -v "$1" >/dev/null 2>&1 && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing $2 (Debian package) for $3" >&2
    apt_get update -qq && apt_get install -y -qq --no-install-recommends "$2"
  else
    echo "setup: $1 is missing; install it (apt-get install $2) for $3" >&2
  fi
}

install_debian_package ffmpeg ffmpeg "recording transcodes"
if $dev; then  # the browser tests drive Debian's Chromium through Playwright (no browser download)
  install_debian_package chromium chromium "the browser tests of the operator's and supervisor's pages"
  if [[ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "setup: installing fonts-dejavu-core (Debian package): Latin and Cyrillic text in the browser" >&2
    apt_get install -y -qq --no-install-recommends fonts-dejavu-core
  fi
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: $python is not Python 3.11 or newer; set PYTHON=/path/to/python3.11 and run again" >&2
  exit 1
fi
if [[ ! -x .venv/bin/python ]]; then
  if ! "$python" -c 'import ensurepip' 2>/dev/null; then  # Debian ships venv's pip apart
    version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
      echo "setup: installing python${version}-venv (Debian package) for the virtual environment" >&2
      apt_get update -qq && apt_get install -y -qq --no-install-recommends "python${version}-venv"
    else
      echo "setup: $python cannot make a virtual environment; install python${version}-venv" >&2
      exit 1
    fi
  fi
  "$python" -m venv .venv
fi

pip_install() {
  echo "setup: installing Python packages into .venv" >&2
  if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q "$@"; } \
      >.venv/pip.log 2>&1; then
    cat .venv/pip.log >&2
    echo "setup: pip install failed (log above, kept in .venv/pip.log)" >&2
    exit 1
  fi
}

dev_stamp=.venv/.installed-dev
user_stamp=.venv/.installed
sources=(pyproject.toml dialer ami agi recordings api pbxsim)

if $dev; then
  if [[ ! -f "$dev_stamp" || pyproject.toml -nt "$dev_stamp" ]]; then
    pip_install -e ".[dev]"
    rm -f "$user_stamp"
    touch "$dev_stamp"
  fi
elif [[ -f "$dev_stamp" && ! pyproject.toml -nt "$dev_stamp" ]]; then
  : # the editable development install runs the checkout as it is
elif [[ ! -f "$user_stamp" ]] || [[ -n "$(find "${sources[@]}" -newer "$user_stamp" -print -quit)" ]]; then
  pip_install .
  touch "$user_stamp"
fi
# fail here, not later, if the install broke (from outside the checkout: the installed copy)
repo=$PWD
(cd / && "$repo/.venv/bin/python" -c "import dialer, fastapi, sqlalchemy")
