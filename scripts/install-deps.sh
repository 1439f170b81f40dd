#!/usr/bin/env bash
# Installs the Debian packages Guichet builds and tests with, only those missing.
set -euo pipefail
PKGS=(pkg-config libcurl4-openssl-dev libsqlite3-dev libzip-dev libpoppler-glib-dev poppler-utils libreoffice-writer-nogui python3-venv)
# `--test`: also what only the tests need (a real browser for the web page's browser tests).
if [ "${1:-}" = "--test" ]; then PKGS+=(chromium chromium-driver); fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# python3-venv is only needed when the system python lacks venv (pyenv pythons have it).
if [ ${#missing[@]} -eq 1 ] && [ "${missing[0]}" = python3-venv ] && python3 -c 'import venv, ensurepip' 2>/dev/null; then
  missing=()
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
