#!/usr/bin/env bash
# The README's test command: install what is missing (pnpm, dependencies, Debian's Chromium), check
# types and lint, then run every test: `pnpm test` (vitest across the packages, then Playwright).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
pnpm typecheck
pnpm lint
exec pnpm test
