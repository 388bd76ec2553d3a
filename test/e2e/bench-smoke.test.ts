/** The benchmarks keep working: each runs on a tiny size (figures are printed, never asserted). */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.ts';

function runBench(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--json', '--size', 'tiny'], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('npm run bench -- --json (tiny size)', () => {
  it('prints one JSON document with the machine and every benchmark figure', async () => {
    const r = await runBench();
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.machine).toMatchObject({ cores: expect.any(Number), node: process.version });
    for (const k of ['observations', 'seconds', 'obs_per_s', 'rss_mb', 'copy_seconds', 'ratio_vs_copy'])
      expect(out.ingest[k], k).toBeGreaterThan(0);
    for (const k of ['evaluate_ms', 'bulletin_ms', 'series_ms']) expect(out.history[k], k).toBeGreaterThan(0);
    for (const k of ['workers1_s', 'workers2_s', 'speedup']) expect(out.scale[k], k).toBeGreaterThan(0);
  }, 180_000);
});
