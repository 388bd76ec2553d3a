/** The freshness gate: an unchanged capture is re-checked later, and past the deadline ops are told. */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { CAPTURE_16 } from '../helpers/paths.ts';
import { createBench, type Bench } from '../helpers/pipeline.ts';

let bench: Bench | null = null;
afterEach(async () => {
  await bench?.close();
  bench = null;
});

describe('freshness gate', () => {
  it('unchanged capture before the deadline → a re-check is scheduled, nothing evaluated', async () => {
    bench = await createBench({
      captures: [CAPTURE_16],
      yaml: 'province: H19\njobs: { attempts: 2, backoffMs: 50, freshness: { recheckEveryMinutes: 120, deadline: "Tue 04:00" } }\n',
    });
    expect((await runCli(['run-once', '--as-of', '2026-11-16T04:12:00+07:00'], bench.env)).code).toBe(0);
    const alertsBefore = await bench.database.db.selectFrom('alert_events').select(['alert_id', 'event']).execute();

    const { createRuntime } = await import('../../src/queue/runtime.ts');
    const { enqueueCycle } = await import('../../src/queue/enqueue.ts');
    const { startWorkers } = await import('../../src/queue/workers.ts');
    const { waitForCycle } = await import('../../src/queue/wait.ts');
    const asOf = new Date('2026-11-23T04:12:00+07:00');
    // The clock of the workers says Monday 04:12 of week 48: the Tuesday 04:00 deadline is ahead.
    const rt = await createRuntime(bench.config(), bench.database.db, { now: () => asOf, prefix: bench.prefix });
    const workers = await startWorkers(rt);
    try {
      const { cycle } = await enqueueCycle(rt, { asOf });
      const outcome = await waitForCycle(rt, cycle);
      expect(outcome.state).toBe('complete');
      const row = await bench.database.db
        .selectFrom('cycles')
        .selectAll()
        .where('id', '=', cycle.id)
        .executeTakeFirstOrThrow();
      expect(row.state).toBe('rechecking');
      expect((row.summary as { recheck: { at: string } }).recheck.at).toBe('2026-11-22T23:12:00.000Z');
      const delayed = await rt.queues.fetch.getDelayed();
      expect(delayed.map((j) => j.id)).toContain(
        `cycle-dvcqg-H19-year2026-2026W48-i${rt.instance}-a2-fetch-transparency.H19`,
      );
      expect(delayed.every((j) => j.opts.delay === 120 * 60_000)).toBe(true);
      const captures = await bench.database.db
        .selectFrom('captures')
        .select(['attempt', 'state'])
        .where('cycle_id', '=', cycle.id)
        .orderBy('attempt')
        .execute();
      expect(captures).toEqual([
        { attempt: 1, state: 'unchanged' },
        { attempt: 2, state: 'running' },
      ]);
      // Nothing evaluated on stale data: no alert event of any kind this cycle.
      expect(await bench.database.db.selectFrom('alert_events').select(['alert_id', 'event']).execute()).toEqual(
        alertsBefore,
      );
      expect(
        await bench.database.db.selectFrom('alert_events').select('id').where('cycle_id', '=', cycle.id).execute(),
      ).toEqual([]);
    } finally {
      await workers.close(5000);
      await rt.close();
    }
  });

  it('unchanged capture past the deadline → one source alert for ops, no unit alerts', async () => {
    bench = await createBench({
      captures: [CAPTURE_16],
      yaml: 'province: H19\nrules: { floor: { warnRatio: 0, criticalRatio: 90 } }\njobs: { attempts: 2, backoffMs: 50 }\n',
    });
    expect((await runCli(['run-once', '--as-of', '2026-11-16T04:12:00+07:00'], bench.env)).code).toBe(0);
    const before = await bench.database.db.selectFrom('alerts').select('id').where('kind', '=', 'indicator').execute();
    // Week 48 is long past its Tuesday deadline by the real clock.
    const r = await runCli(['run-once', '--as-of', '2026-11-23T04:12:00+07:00', '--json'], bench.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'stale', unchanged: 2, observations: 0 });
    const stale = await bench.database.db
      .selectFrom('alerts')
      .selectAll()
      .where('rule', '=', 'source.not_recalculated')
      .execute();
    expect(stale).toHaveLength(1);
    expect(stale[0]).toMatchObject({ kind: 'source', unit_code: 'H19', state: 'open' });
    expect(stale[0]!.message).toMatch(
      /Cổng chưa tính lại số liệu của tỉnh Đồng Nai kể từ lần thu thập lúc 16\/11\/2026 04:12/,
    );
    const after = await bench.database.db.selectFrom('alerts').select('id').where('kind', '=', 'indicator').execute();
    expect(after).toHaveLength(before.length);
  });
});
