/** The ops commands around a cycle: resync, reingest, silences, legacy backfill. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { CAPTURE_16, LEGACY } from '../helpers/paths.ts';
import { createBench, type Bench } from '../helpers/pipeline.ts';

let bench: Bench;
beforeAll(async () => {
  bench = await createBench({ captures: [CAPTURE_16, LEGACY] });
  expect((await runCli(['run-once', '--as-of', '2026-11-16T04:12:00+07:00'], bench.env)).code).toBe(0);
});
afterAll(async () => bench.close());

describe('ops commands', () => {
  it('resync --week forces a new capture for a past week, recorded as forced', async () => {
    const r = await runCli(['resync', '--week', '2026-W47', '--json'], bench.env);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(JSON.parse(r.stdout).cycle).toBe('cycle-dvcqg-H19-year2026-2026W47-r2');
    const cycles = await bench.database.db.selectFrom('cycles').select(['key', 'forced']).orderBy('id').execute();
    expect(cycles).toEqual([
      { key: 'cycle-dvcqg-H19-year2026-2026W47', forced: false },
      { key: 'cycle-dvcqg-H19-year2026-2026W47-r2', forced: true },
    ]);
    expect((await runCli(['resync', '--week', '2026-47'], bench.env)).code).toBe(2);
  });

  it('reingest --capture re-parses the stored payloads without asking the portal, replacing (not duplicating) observations', async () => {
    const capture = await bench.database.db.selectFrom('captures').select('id').orderBy('id').executeTakeFirstOrThrow();
    const before = await bench.database.db
      .selectFrom('observations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const requests = { ...bench.replay.stats.byEndpoint };
    const r = await runCli(['reingest', '--capture', String(capture.id), '--json'], bench.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).observations).toBeGreaterThan(800);
    const after = await bench.database.db
      .selectFrom('observations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(bench.replay.stats.byEndpoint).toEqual(requests);
    const missing = await runCli(['reingest', '--capture', '99999'], bench.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^chiso766: capture 99999 does not exist/),
    ]);
  });

  it('silence add / list / remove, with bad input rejected (exit 2)', async () => {
    const add = await runCli(
      [
        'silence',
        'add',
        '--unit',
        'H19.112',
        '--rule',
        'floor',
        '--until',
        '2099-12-31',
        '--reason',
        'Sáp nhập đơn vị',
        '--json',
      ],
      bench.env,
    );
    expect(add.code, add.stderr).toBe(0);
    const id = JSON.parse(add.stdout).id;
    const list = JSON.parse((await runCli(['silence', 'list', '--json'], bench.env)).stdout);
    expect(list).toEqual([expect.objectContaining({ id, unit: 'H19.112', rule: 'floor', reason: 'Sáp nhập đơn vị' })]);
    expect(
      (await runCli(['silence', 'add', '--unit', 'H19.112', '--until', '2020-01-01', '--reason', 'x'], bench.env)).code,
    ).toBe(2);
    expect(
      (
        await runCli(
          ['silence', 'add', '--unit', 'H19.112', '--rule', 'nope', '--until', '2099-01-01', '--reason', 'x'],
          bench.env,
        )
      ).code,
    ).toBe(2);
    expect((await runCli(['silence', 'remove', String(id)], bench.env)).code).toBe(0);
    expect(JSON.parse((await runCli(['silence', 'list', '--json'], bench.env)).stdout)).toEqual([]);
    expect((await runCli(['silence', 'remove', String(id)], bench.env)).code).toBe(2);
  });

  it('backfill --legacy imports 2025 as source dvcqg-legacy, apart from the 2026 figures', async () => {
    bench.replay.use('2025-11-03');
    const r = await runCli(['backfill', '--legacy', '--from', '2025', '--to', '2025', '--json'], bench.env);
    expect(r.code, r.stderr).toBe(0);
    const snaps = await bench.database.db
      .selectFrom('snapshots')
      .select(['source', 'scope', 'period_key', 'observation_count'])
      .where('source', '=', 'dvcqg-legacy')
      .orderBy('scope')
      .execute();
    expect(snaps).toEqual([
      { source: 'dvcqg-legacy', scope: 'H19', period_key: 'year-2025', observation_count: 20 * 7 },
      { source: 'dvcqg-legacy', scope: 'national', period_key: 'year-2025', observation_count: 34 * 7 },
    ]);
    const alias = await bench.database.db
      .selectFrom('unit_aliases')
      .selectAll()
      .where('system', '=', 'dvcqg-legacy')
      .where('unit_code', '=', 'H19.15')
      .executeTakeFirstOrThrow();
    expect(alias.alias).toBe('426325');
    expect((await runCli(['backfill', '--legacy', '--from', '2019', '--to', '2025'], bench.env)).code).toBe(2);
  });
});
