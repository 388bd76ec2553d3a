/**
 * The weekly cycle through BullMQ on a real Redis and PostgreSQL, with the CLI as users run it,
 * against a replay of recorded portal captures.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { createBench, type Bench } from '../helpers/pipeline.ts';
import { startWorker, until } from '../helpers/processes.ts';

let bench: Bench | null = null;
afterEach(async () => {
  await bench?.close();
  bench = null;
});

async function count(
  b: Bench,
  table: 'cycles' | 'captures' | 'snapshots' | 'observations' | 'raw_payloads',
): Promise<number> {
  const r = await b.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('run-once', () => {
  it('two weekly captures → two cycles, snapshots and observations; re-running a week changes nothing', async () => {
    bench = await createBench();
    const one = await runCli(['run-once', '--as-of', '2026-11-16T04:12:00+07:00', '--json'], bench.env);
    expect(one.code, one.stderr).toBe(0);
    const s1 = JSON.parse(one.stdout);
    expect(s1).toMatchObject({
      cycle: 'cycle-dvcqg-H19-year2026-2026W47',
      week: '2026-W47',
      state: 'complete',
      captures: 1,
      snapshots: 2,
      unchanged: 0,
      failedJobs: [],
    });
    expect(s1.observations).toBeGreaterThan(800);

    const rows = { obs: await count(bench, 'observations'), raw: await count(bench, 'raw_payloads') };
    const again = await runCli(['run-once', '--as-of', '2026-11-16T09:00:00+07:00', '--json'], bench.env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).cycleId).toBe(s1.cycleId);
    expect(await count(bench, 'observations')).toBe(rows.obs);
    expect(await count(bench, 'raw_payloads')).toBe(rows.raw);
    expect(await count(bench, 'cycles')).toBe(1);

    bench.replay.use('2026-11-23');
    const two = await runCli(['run-once', '--as-of', '2026-11-23T04:12:00+07:00', '--json'], bench.env);
    expect(two.code, two.stderr).toBe(0);
    expect(JSON.parse(two.stdout)).toMatchObject({
      cycle: 'cycle-dvcqg-H19-year2026-2026W48',
      snapshots: 2,
      unchanged: 0,
    });
    expect(await count(bench, 'cycles')).toBe(2);
    expect(await count(bench, 'snapshots')).toBe(4);
  });

  it('a group endpoint failing twice then answering → one cycle, completed', async () => {
    bench = await createBench({ faults: [{ endpoint: 'dossier-digitized', kind: 'http500', times: 2 }] });
    const r = await runCli(['run-once', '--as-of', '2026-11-16T04:12:00+07:00', '--json'], bench.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'complete', snapshots: 2, failedJobs: [] });
    expect(bench.replay.stats.byEndpoint['dossier-digitized']).toBe(3);
    expect(await count(bench, 'cycles')).toBe(1);
  });

  it('blocked → fails at once, listed by jobs failed; after the fault clears, jobs retry --all --wait completes the same cycle', async () => {
    bench = await createBench({ faults: [{ endpoint: 'transparency', kind: 'waf' }] });
    const r = await runCli(['run-once', '--as-of', '2026-11-16T04:12:00+07:00', '--json'], bench.env);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect(summary.failedJobs).toHaveLength(1);
    expect(summary.failedJobs[0].failedReason).toMatch(/blocked/);
    expect(bench.replay.stats.byEndpoint.transparency).toBe(1);

    const failed = await runCli(['jobs', 'failed', '--json'], bench.env);
    const list = JSON.parse(failed.stdout);
    expect(list).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^cycle-dvcqg-H19-year2026-2026W47-i[0-9a-f]{12}-a1-fetch-transparency\.H19$/),
        name: 'fetch',
        queue: 'fetch',
        attempts: 1,
      }),
    ]);
    const alerts = await bench.database.db.selectFrom('alerts').selectAll().where('state', '=', 'open').execute();
    expect(alerts).toEqual([
      expect.objectContaining({ rule: 'source.blocked', kind: 'source', unit_code: 'H19', metric: 'transparency' }),
    ]);

    bench.replay.setFaults([]);
    const retry = await runCli(['jobs', 'retry', '--all', '--wait', '--json'], bench.env);
    expect(retry.code, retry.stderr).toBe(0);
    const out = JSON.parse(retry.stdout);
    expect(out.cycles[0]).toMatchObject({ cycleId: summary.cycleId, state: 'complete', snapshots: 2 });
    expect(await count(bench, 'cycles')).toBe(1);
    expect(await count(bench, 'captures')).toBe(1);
    const open = await bench.database.db
      .selectFrom('alerts')
      .select('state')
      .where('rule', '=', 'source.blocked')
      .executeTakeFirstOrThrow();
    expect(open.state).toBe('resolved');
  });

  it('an endpoint answering 500 more times than the attempts allow: exit 1, jobs failed names it; after the fault clears, retry completes the cycle', async () => {
    bench = await createBench({
      yaml: 'province: H19\njobs: { attempts: 2, backoffMs: 50 }\n',
      faults: [{ endpoint: 'handling-satisfaction', kind: 'http500', times: 10 }],
    });
    const r = await runCli(['run-once', '--as-of', '2026-11-16T04:12:00+07:00', '--json'], bench.env);
    expect(r.code).toBe(1);
    const failed = JSON.parse((await runCli(['jobs', 'failed', '--json'], bench.env)).stdout) as {
      id: string;
      attempts: number;
      failedReason: string;
    }[];
    expect(failed).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(
          /^cycle-dvcqg-H19-year2026-2026W47-i[0-9a-f]{12}-a1-fetch-handling-satisfaction\.H19$/,
        ),
        attempts: 2,
        failedReason: expect.stringMatching(/HTTP 500/),
      }),
    ]);
    bench.replay.setFaults([]);
    const retry = await runCli(['jobs', 'retry', '--all', '--wait'], bench.env);
    expect(retry.code, retry.stderr).toBe(0);
    const cycle = await bench.database.db.selectFrom('cycles').selectAll().executeTakeFirstOrThrow();
    expect(cycle.state).toBe('complete');
    expect(await count(bench, 'snapshots')).toBe(2);
  });

  it('three run-once started together produce one cycle', async () => {
    bench = await createBench();
    const runs = await Promise.all(
      [0, 1, 2].map(() =>
        runCli(['run-once', '--as-of', '2026-11-16T04:12:00+07:00', '--json'], bench!.env, { timeoutMs: 90_000 }),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const ids = runs.map((r) => JSON.parse(r.stdout).cycleId);
    expect(new Set(ids).size).toBe(1);
    expect(await count(bench, 'cycles')).toBe(1);
    expect(await count(bench, 'captures')).toBe(1);
    expect(await count(bench, 'snapshots')).toBe(2);
    expect(bench.replay.stats.byEndpoint['service-results']).toBe(2);
  });
});

describe('worker processes', () => {
  it('a worker killed (SIGKILL) in the middle of a fetch: a new worker takes the stalled job over, no duplicate rows', async () => {
    bench = await createBench({ faults: [{ endpoint: 'transparency', kind: 'slow', arg: '4000', times: 1 }] });
    const { createRuntime } = await import('../../src/queue/runtime.ts');
    const { enqueueCycle } = await import('../../src/queue/enqueue.ts');
    const rt = await createRuntime(bench.config(), bench.database.db, { prefix: bench.prefix });
    const { cycle } = await enqueueCycle(rt, { asOf: new Date('2026-11-16T04:12:00+07:00') });
    const a = startWorker(bench.env);
    await until(
      async () => (bench!.replay.stats.byEndpoint.transparency ?? 0) >= 1,
      'the first worker to reach the slow endpoint',
    );
    a.child.kill('SIGKILL');
    await a.exited;
    const b = startWorker(bench.env);
    try {
      await until(
        async () =>
          (
            await bench!.database.db
              .selectFrom('cycles')
              .select('state')
              .where('id', '=', cycle.id)
              .executeTakeFirstOrThrow()
          ).state === 'complete',
        'the cycle to complete on the second worker',
        60_000,
      );
    } finally {
      b.child.kill('SIGTERM');
      await b.exited;
      await rt.close();
    }
    const oks = await bench.database.db
      .selectFrom('raw_payloads')
      .select('request_key')
      .where('outcome', '=', 'ok')
      .execute();
    expect(oks).toHaveLength(8);
    expect(new Set(oks.map((o) => o.request_key)).size).toBe(8);
    expect(await count(bench, 'snapshots')).toBe(2);
    expect(bench.replay.stats.byEndpoint.transparency).toBe(2);
  });

  it('SIGTERM during a job: the job completes before the worker exits 0', async () => {
    bench = await createBench({ faults: [{ endpoint: 'service-results', kind: 'slow', arg: '2500', times: 1 }] });
    const { createRuntime } = await import('../../src/queue/runtime.ts');
    const { enqueueCycle } = await import('../../src/queue/enqueue.ts');
    const rt = await createRuntime(bench.config(), bench.database.db, { prefix: bench.prefix });
    await enqueueCycle(rt, { asOf: new Date('2026-11-16T04:12:00+07:00') });
    const w = startWorker(bench.env);
    try {
      await until(
        async () => (bench!.replay.stats.byEndpoint['service-results'] ?? 0) >= 1,
        'the worker to start the slow request',
      );
      w.child.kill('SIGTERM');
      expect(await w.exited).toBe(0);
    } finally {
      await rt.close();
    }
    const national = await bench.database.db
      .selectFrom('raw_payloads')
      .select('outcome')
      .where('request_key', '=', 'service-results.national')
      .execute();
    expect(national).toEqual([{ outcome: 'ok' }]);
    expect(w.output()).toMatch(/SIGTERM: stopping/);
  });

  it('the worker answers /healthz and /metrics, and keeps /ops locked without the token', async () => {
    bench = await createBench();
    const w = startWorker({ ...bench.env, CHISO766_OPS_TOKEN: 'ops-token-0123456789abcdef' });
    try {
      await until(async () => /worker ready/.test(w.output()), 'the worker to start');
      const url = /"url":"(http:\/\/[^"]+)"/.exec(w.output())![1]!;
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        status: 'ok',
        checks: { redis: { ok: true }, database: { ok: true } },
      });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/^chiso766_jobs_completed_total\{queue="fetch"\} 0$/m);
      expect(metrics).toMatch(/chiso766_last_capture_age_seconds/);
      // Queue depth per queue and state, the outbox backlog, standard process metric names.
      expect(metrics).toMatch(/^chiso766_queue_jobs\{queue="send",state="delayed"\} 0$/m);
      expect(metrics).toMatch(/^chiso766_queue_jobs\{queue="fetch",state="waiting"\} 0$/m);
      expect(metrics).toMatch(/^chiso766_outbox_unsent 0$/m);
      expect(metrics).toMatch(/^chiso766_outbox_oldest_unsent_age_seconds 0$/m);
      expect(metrics).toMatch(/^chiso766_redis_up 1$/m);
      expect(metrics).toMatch(/^process_cpu_seconds_total /m);
      expect(metrics).not.toMatch(/chiso766_process_/);
      expect((await fetch(`${url}/ops`)).status).toBe(401);
      expect((await fetch(`${url}/ops`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(
        401,
      );
      expect(
        (await fetch(`${url}/ops/`, { headers: { authorization: 'Bearer ops-token-0123456789abcdef' } })).status,
      ).toBe(200);
    } finally {
      w.child.kill('SIGTERM');
      await w.exited;
    }
  });
});
