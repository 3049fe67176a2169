// Sums Vitest's and Playwright's JSON reports (plus the build/lint checks) into the one
// closing line CI reads, and exits non-zero if anything failed or a report is missing.
import { existsSync, readFileSync } from 'node:fs';

const [checksPassed = '0', checksFailed = '0'] = process.argv.slice(2);
let passed = Number(checksPassed);
let failed = Number(checksFailed);
let skipped = 0;

function read(path, label) {
  if (!existsSync(path)) {
    console.error(`${label}: no report at ${path} (the runner crashed before reporting)`);
    failed += 1;
    return null;
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}

const vitest = read('test-results/vitest.json', 'vitest');
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + vitest.numTodoTests;
  // A test file that fails to load has no tests to count; count it as a failure.
  failed += (vitest.testResults ?? []).filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  ).length;
}
const playwright = read('test-results/e2e.json', 'playwright');
if (playwright) {
  const stats = playwright.stats;
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
  skipped += stats.skipped;
  failed += (playwright.errors ?? []).length;
}
if (passed + failed === 0) failed += 1; // running no test is a failure, not a pass

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
