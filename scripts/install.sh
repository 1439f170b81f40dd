#!/usr/bin/env bash
# Lays out Guichet as a systemd service: binary, model server script, units, configuration
# (kept if present), state directory and the guichet user. With DESTDIR set it only stages the
# files (no user, no systemctl), for packaging and tests.
#   scripts/install.sh BINARY            (BINARY: a built `guichet`)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:?usage: install.sh path/to/guichet}
D=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
install -D -m 0755 "$BIN" "$D$PREFIX/bin/guichet"
install -D -m 0644 scripts/serve_model.py "$D$PREFIX/share/guichet/serve_model.py"
install -D -m 0644 README.md "$D$PREFIX/share/doc/guichet/README.md"
install -D -m 0644 deploy/guichet.service "$D/etc/systemd/system/guichet.service"
install -D -m 0644 deploy/guichet-llm.service "$D/etc/systemd/system/guichet-llm.service"
if [ ! -e "$D/etc/guichet/guichet.toml" ]; then
  install -D -m 0640 deploy/guichet.toml.example "$D/etc/guichet/guichet.toml"
else
  echo "kept the existing $D/etc/guichet/guichet.toml"
fi
install -d -m 0750 "$D/var/lib/guichet" "$D/var/lib/guichet/state"
install -d -m 0770 "$D/srv/guichet/Watch" "$D/srv/guichet/Output"
if [ -z "$D" ]; then
  id guichet >/dev/null 2>&1 || useradd --system --home-dir /var/lib/guichet --shell /usr/sbin/nologin guichet
  chown -R guichet:guichet /var/lib/guichet /srv/guichet
  chgrp guichet /etc/guichet/guichet.toml
  if [ ! -x /var/lib/guichet/venv/bin/python ]; then
    GUICHET_VENV=/var/lib/guichet/venv bash scripts/setup-model.sh
    chown -R guichet:guichet /var/lib/guichet/venv
  fi
  "$PREFIX/bin/guichet" config check /etc/guichet/guichet.toml
  systemctl daemon-reload
  echo "installed; start with: systemctl enable --now guichet"
fi
