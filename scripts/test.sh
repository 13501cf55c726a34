#!/usr/bin/env bash
# The whole test suite: lint, unit tests and end-to-end tests (real Tesseract, real files, SQLite and the
# local PostgreSQL/Redis, started here when they are not running). Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-demo
scripts/services.sh
.venv/bin/ruff check scanflow tests samples benchmarks
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
