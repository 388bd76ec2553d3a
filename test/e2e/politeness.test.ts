/**
 * One WAF-guarded portal, one politeness: a manual `capture` run beside a worker's cycle takes the
 * same Redis lock per host, so the two together never ask the portal faster than the configured
 * delay (measured on the stand-in portal's side).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { CAPTURE_16 } from '../helpers/paths.ts';
import { createBench, type Bench } from '../helpers/pipeline.ts';
import { startWorker, until } from '../helpers/processes.ts';

const DELAY_MS = 300;
let bench: Bench;
afterAll(async () => bench?.close());

describe('politeness shared by workers and commands', () => {
  it(`a capture beside a worker's cycle: every two requests to the portal are ≥ ${DELAY_MS} ms apart`, async () => {
    // Answers take 600 ms: the cycle's 8 requests span several seconds, so the capture overlaps them.
    bench = await createBench({ captures: [CAPTURE_16], faults: [{ endpoint: '*', kind: 'slow', arg: '600' }] });
    bench.env.CHISO766_HTTP_DELAY_MS = String(DELAY_MS);
    const w = startWorker(bench.env);
    try {
      await until(async () => /worker ready/.test(w.output()), 'the worker to start');
      const { createRuntime } = await import('../../src/queue/runtime.ts');
      const { enqueueCycle } = await import('../../src/queue/enqueue.ts');
      const { waitForCycle } = await import('../../src/queue/wait.ts');
      const rt = await createRuntime(bench.config(), bench.database.db, { prefix: bench.prefix });
      try {
        // The manual capture and the worker's cycle start together.
        const capturing = runCli(['capture', '--as-of', '2026-11-16T05:00:00+07:00', '--json'], bench.env, {
          timeoutMs: 90_000,
        });
        const { cycle } = await enqueueCycle(rt, { asOf: new Date('2026-11-16T04:12:00+07:00') });
        const capture = await capturing;
        expect(capture.code, capture.stderr).toBe(0);
        expect((await waitForCycle(rt, cycle, { timeoutMs: 60_000 })).state).toBe('complete');
      } finally {
        await rt.close();
      }
    } finally {
      w.child.kill('SIGTERM');
      await w.exited;
    }
    const reqs = bench.replay.stats.requests
      .map((r) => ({ in: Date.parse(r.arrivedAt), out: Date.parse(r.at) }))
      .sort((a, b) => a.in - b.in);
    // Both ran all their requests (8 each).
    expect(reqs).toHaveLength(16);
    // One request at a time, and the delay between the end of one answer and the next request
    // (a few ms of slack for timer granularity).
    const gaps = reqs.slice(1).map((r, i) => r.in - reqs[i]!.out);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(DELAY_MS - 15);
  }, 150_000);
});
