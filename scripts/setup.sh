#!/usr/bin/env bash
# Set up everything lwd_ros needs on a fresh Debian 12 machine; idempotent and fast when done.
#   scripts/setup.sh          system packages, .venv, locked deps, messages, the package
#   scripts/setup.sh lock     re-resolve requirements.in into requirements.txt
# `make demo` / `make test` call this through stamps, so a second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY=${PYTHON:-python3}

# Headless MuJoCo rendering (OSMesa/EGL) and the message build toolchain.
APT_PACKAGES=(cmake g++ libosmesa6 libegl1 libgl1 libglfw3)

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

system_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  log "apt-get install ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

venv() {
  [ -x "$VENV/bin/python" ] || { log "creating $VENV"; "$PY" -m venv "$VENV"; }
  if ! cmp -s requirements.txt "$VENV/.requirements.txt"; then
    log "installing locked dependencies (requirements.txt)"
    "$VENV/bin/python" -m pip install -q --upgrade pip wheel setuptools
    "$VENV/bin/python" -m pip install -q -r requirements.txt
    cp requirements.txt "$VENV/.requirements.txt"
  fi
}

case "${1:-all}" in
  lock)
    tmp=$(mktemp -d); "$PY" -m venv "$tmp/v"
    "$tmp/v/bin/pip" install -q -r requirements.in
    "$tmp/v/bin/python" scripts/freeze.py > requirements.txt
    rm -rf "$tmp"; log "requirements.txt re-locked" ;;
  system) system_packages ;;
  venv) system_packages; venv ;;
  all) system_packages; venv; "$0" msgs; "$0" package ;;
  msgs)
    log "building messages into $VENV"
    VIRTUAL_ENV=$(cd "$VENV" && pwd) scripts/build_msgs.sh ;;
  package)
    log "installing lwd_ros into $VENV"
    "$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation . ;;
  *) echo "usage: $0 [all|system|venv|msgs|package|lock]" >&2; exit 2 ;;
esac
