/**
 * The bulletin as DOCX opens in LibreOffice (valid OOXML). CI installs libreoffice-writer; where it
 * is not installed the test says so and is skipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { CAPTURE_16, CAPTURE_23 } from '../helpers/paths.ts';
import { createBench, type Bench } from '../helpers/pipeline.ts';

const soffice = ['libreoffice', 'soffice'].find((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);
if (!soffice)
  console.warn(
    'libreoffice is not installed: the DOCX-opens-in-LibreOffice test is skipped (apt-get install libreoffice-writer-nogui)',
  );

let bench: Bench;
beforeAll(async () => {
  bench = await createBench({ captures: [CAPTURE_16, CAPTURE_23] });
  for (const [c, at] of [
    ['2026-11-16', '2026-11-16T04:12:00+07:00'],
    ['2026-11-23', '2026-11-23T04:12:00+07:00'],
  ] as const) {
    bench.replay.use(c);
    expect((await runCli(['run-once', '--as-of', at], bench.env)).code).toBe(0);
  }
});
afterAll(async () => bench.close());

describe('report --format docx', () => {
  it.skipIf(!soffice)('LibreOffice converts it to PDF', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docx-'));
    const file = path.join(dir, 'b.docx');
    const r = await runCli(['report', '--format', 'docx', '--out', file], bench.env);
    expect(r.code, r.stderr).toBe(0);
    const conv = spawnSync(soffice!, ['--headless', '--convert-to', 'pdf', '--outdir', dir, file], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, HOME: dir },
    });
    expect(conv.status, conv.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'b.pdf'))).toBe(true);
  });

  it('without --out it refuses (a Word file is not for a terminal)', async () => {
    const r = await runCli(['report', '--format', 'docx'], bench.env);
    expect(r.code).toBe(2);
  });
});
