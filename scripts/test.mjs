#!/usr/bin/env node
// `npm test`: make Redis and PostgreSQL available on loopback (use REDIS_URL / DATABASE_URL when
// set, otherwise start private servers and stop them afterwards), run vitest, and end with the
// line CI reads: `N passed, N failed, N skipped`. Exit status = the tests' status.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { register } from 'tsx/esm/api';

register();
const { startLocalServices } = await import('../src/offline/local.ts');

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const stateDir = mkdtempSync(path.join(tmpdir(), 'chiso766-test-'));
const services = await startLocalServices({ stateDir, postgres: true });
for (const n of services.notes) console.log(`[services] ${n}`);
if (!services.databaseUrl) console.log('[services] PostgreSQL tests run on embedded PGlite');

const report = path.join(root, 'vitest-report.json');
rmSync(report, { force: true });
let status = 1;
const stop = async () => {
  await services.stop();
};
process.on('SIGINT', () => void stop().then(() => process.exit(130)));
try {
  const r = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...process.argv.slice(2),
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        REDIS_URL: services.redisUrl,
        ...(services.databaseUrl ? { DATABASE_URL: services.databaseUrl } : {}),
        CI: process.env.CI ?? 'true',
        NO_COLOR: process.env.NO_COLOR ?? '1',
      },
    },
  );
  status = r.status ?? 1;
} finally {
  await stop();
}
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  // A suite that failed to load has no failed test but is a failure all the same.
  if (r.numFailedTestSuites > 0 && status === 0) status = 1;
} else {
  console.log('0 passed, 0 failed (vitest wrote no report)');
  if (status === 0) status = 1;
}
process.exit(status);
