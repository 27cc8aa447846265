#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: pnpm (pinned in package.json), the workspace's
# dependencies from the frozen lockfile, and — with --browser — Debian's Chromium for the e2e tests.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

want_pnpm=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$want_pnpm" ]; then
  echo "setup: installing pnpm@$want_pnpm"
  npm install -g "pnpm@$want_pnpm" >/dev/null
fi

if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Chromium from Debian"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi

pnpm install --frozen-lockfile --reporter=silent
