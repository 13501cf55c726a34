#!/usr/bin/env bash
# One-command set-up on Debian 12 / Ubuntu: system packages, Python packages in .venv/, sample scans,
# then the main job on the embedded default (SQLite + local worker pool) over samples/.
#   scripts/setup.sh            set up and run the demo
#   scripts/setup.sh --no-demo  set up only (used by scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEMO=1
[[ "${1:-}" == "--no-demo" ]] && DEMO=0

APT_PACKAGES=(python3-venv python3-dev tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd tesseract-ocr-eng
  poppler-utils fonts-dejavu-core fonts-liberation2 fonts-noto-core chromium
  postgresql redis-server)

need_apt=0
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || { need_apt=1; break; }
done
if [[ $need_apt == 1 ]]; then
  SUDO=""; [[ $(id -u) != 0 ]] && SUDO="sudo"
  echo "==> installing system packages (apt)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${APT_PACKAGES[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.scanflow-installed
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
  echo "==> installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".[test,web,scale]"
  touch "$stamp"
fi

if [[ ! -f samples/generated/truth.json ]]; then
  echo "==> generating sample scans in samples/generated/"
  .venv/bin/python -m samples.synth samples/generated --dossiers 4 --seed 7 --dpi 300 --difficulty moderate \
    --format folder --decoys 2 --extra-cases 20 >/dev/null
fi

[[ $DEMO == 0 ]] && exit 0

export SCANFLOW_HOME=${SCANFLOW_HOME:-$HOME/scanflow}
echo "==> scanflow home: $SCANFLOW_HOME"
.venv/bin/scanflow init
.venv/bin/scanflow register import samples/examples/register.csv || true
echo "==> processing the sample dossiers"
shopt -s nullglob
inputs=(samples/examples/dossiers/*)
.venv/bin/scanflow process "${inputs[@]}"
echo "==> PDFs are under $SCANFLOW_HOME/archive/"
find "$SCANFLOW_HOME/archive" -name '*.pdf' -not -path '*/.tmp/*' | sort | head -20
