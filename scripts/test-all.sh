#!/usr/bin/env bash
# Every test: installs what the tests need from Debian (Chromium for the end-to-end tests,
# PyTorch to run exported models, ONNX to check exported .onnx files), builds, then runs the checks, unit + integration tests
# (Vitest) and end-to-end tests (Playwright in Chromium against the browser mode).
# Ends with one line: `N passed, N failed[, N skipped]`.
set -u
cd "$(dirname "$0")/.."
# Reports of an earlier run must not stand in for a runner that crashes this time.
rm -rf test-results
mkdir -p test-results

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || need+=(python3-torch)
/usr/bin/python3 -c 'import onnx' >/dev/null 2>&1 || need+=(python3-onnx)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing from Debian: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null \
    || echo "warning: could not install ${need[*]}; the tests that need them will fail or skip"
fi

checks_passed=0
checks_failed=0
check() {
  local name=$1; shift
  echo "== $name"
  if "$@"; then checks_passed=$((checks_passed + 1)); else echo "FAILED: $name"; checks_failed=$((checks_failed + 1)); fi
}

check "build (engine, renderer, app)" npm run build --silent
check "package (electron-builder --linux dir)" node scripts/package-app.mjs --skip-build
check "typecheck" npx tsc -p tsconfig.json --noEmit
check "lint" npx eslint .
check "format (prettier --check)" npx prettier --check --log-level warn .

echo "== unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
echo "== end-to-end tests (playwright)"
npx playwright test -c e2e/playwright.config.ts

node scripts/report-totals.mjs "$checks_passed" "$checks_failed"
