#!/usr/bin/env bash
# The README's test command: install what is missing (pnpm, dependencies, Debian's Chromium), then run
# every test: `pnpm test` (vitest across the packages, then Playwright end to end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
exec pnpm test
