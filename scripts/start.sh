#!/usr/bin/env bash
# The README's start command: install what is missing, then start the whole system (pnpm start).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec pnpm start
