import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFindings, dedupKey } from '../../src/alerts/lifecycle.ts';
import { addSilence } from '../../src/alerts/silences.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import type { CycleRef, Finding } from '../../src/domain/findings.ts';

let t: TestDatabase;
let cycleN = 0;
beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(async () => t.close());

async function cycle(week: string): Promise<CycleRef> {
  cycleN++;
  const row = await t.db
    .insertInto('cycles')
    .values({
      key: `c${cycleN}`,
      source: 'dvcqg',
      provinces: 'H19',
      period_key: 'year-2026',
      week,
      as_of: new Date(),
      state: 'running',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, week, at: new Date(Date.UTC(2026, 10, 10 + cycleN)) };
}

function floor(unit: string, value: number, severity: 'warn' | 'critical' = 'critical', holdOnly = false): Finding {
  return {
    rule: 'floor',
    kind: 'indicator',
    unitCode: unit,
    metric: 'TOTAL',
    periodKey: 'year-2026',
    week: null,
    severity,
    value,
    previous: null,
    threshold: 50,
    message: 'm',
    evidence: {},
    holdOnly,
  };
}
function drop(unit: string, week: string): Finding {
  return {
    rule: 'weeklyDrop',
    kind: 'indicator',
    unitCode: unit,
    metric: 'TOTAL',
    periodKey: 'year-2026',
    week,
    severity: 'warn',
    value: 60,
    previous: 66,
    threshold: 5,
    message: 'm',
    evidence: {},
  };
}
const scope = { rules: ['floor', 'weeklyDrop'], provinces: ['H19'] };

async function alert(key: string) {
  return t.db.selectFrom('alerts').selectAll().where('dedup_key', '=', key).executeTakeFirstOrThrow();
}

describe('alert lifecycle on PostgreSQL', () => {
  it('open → kept → escalated → hold (hysteresis) → resolved → reopened, one row throughout', async () => {
    const key = dedupKey(floor('H19.12', 0));
    const c1 = await cycle('2026-W47');
    expect((await applyFindings(t.db, c1, [floor('H19.12', 55, 'warn')], scope)).opened).toHaveLength(1);
    const c2 = await cycle('2026-W48');
    const r2 = await applyFindings(t.db, c2, [floor('H19.12', 54, 'warn')], scope);
    expect(r2.kept).toHaveLength(1);
    const c3 = await cycle('2026-W49');
    expect((await applyFindings(t.db, c3, [floor('H19.12', 47, 'critical')], scope)).escalated).toHaveLength(1);
    expect((await alert(key)).severity).toBe('critical');
    const c4 = await cycle('2026-W50');
    const r4 = await applyFindings(t.db, c4, [floor('H19.12', 60.5, 'warn', true)], scope);
    expect(r4.kept).toHaveLength(1);
    expect((await alert(key)).state).toBe('open');
    const c5 = await cycle('2026-W51');
    expect((await applyFindings(t.db, c5, [], scope)).resolved).toHaveLength(1);
    const resolved = await alert(key);
    expect(resolved).toMatchObject({ state: 'resolved', resolution: 'cleared', resolved_cycle_id: c5.id });
    const c6 = await cycle('2026-W52');
    expect((await applyFindings(t.db, c6, [floor('H19.12', 40)], scope)).opened).toHaveLength(1);
    const reopened = await alert(key);
    expect(reopened).toMatchObject({ id: resolved.id, state: 'open', opened_cycle_id: c6.id, resolved_at: null });
    const events = await t.db
      .selectFrom('alert_events')
      .select(['event'])
      .where('alert_id', '=', resolved.id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.event)).toEqual(['opened', 'kept', 'escalated', 'kept', 'resolved', 'opened']);
  });

  it('a hold-only finding never opens an alert', async () => {
    const c = await cycle('2026-W47');
    const r = await applyFindings(t.db, c, [floor('H19.01', 50.5, 'warn', true)], scope);
    expect(r.opened).toEqual([]);
    expect(await t.db.selectFrom('alerts').select('id').where('unit_code', '=', 'H19.01').execute()).toEqual([]);
  });

  it('evaluating the same cycle twice changes nothing', async () => {
    const c = await cycle('2026-W48');
    const first = await applyFindings(t.db, c, [floor('H19.05', 40), drop('H19.05', '2026-W48')], scope);
    expect(first.opened).toHaveLength(2);
    const before = await t.db
      .selectFrom('alert_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const second = await applyFindings(t.db, c, [floor('H19.05', 40), drop('H19.05', '2026-W48')], scope);
    expect([second.opened, second.kept, second.resolved, second.escalated]).toEqual([[], [], [], []]);
    const after = await t.db
      .selectFrom('alert_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('event alerts belong to their week and expire the next week', async () => {
    const w = await cycle('2026-W48');
    await applyFindings(t.db, w, [drop('H19.106', '2026-W48')], scope);
    const next = await cycle('2026-W49');
    const r = await applyFindings(t.db, next, [drop('H19.106', '2026-W49')], scope);
    expect(r.opened).toHaveLength(1);
    const w48 = await alert('weeklyDrop|H19.106|TOTAL|year-2026|2026-W48');
    expect(r.expired).toContain(w48.id);
    expect(w48.resolution).toBe('expired');
    expect((await alert('weeklyDrop|H19.106|TOTAL|year-2026|2026-W49')).state).toBe('open');
  });

  it('a silenced finding is recorded but marked silenced', async () => {
    await addSilence(t.db, {
      unit: 'H19.11*',
      rule: 'floor',
      until: '2099-12-31',
      reason: 'sáp nhập đơn vị',
      tz: 'Asia/Ho_Chi_Minh',
      now: new Date(),
    });
    const c = await cycle('2026-W48');
    const r = await applyFindings(t.db, c, [floor('H19.111', 40), floor('H19.05', 41)], scope);
    expect(r.silenced).toHaveLength(1);
    expect((await alert(dedupKey(floor('H19.111', 0)))).silenced).toBe(true);
  });

  it('only the evaluated provinces and rules are resolved', async () => {
    const c = await cycle('2026-W47');
    await applyFindings(t.db, c, [floor('H01.01', 30)], { rules: ['floor'], provinces: ['H01'] });
    const c2 = await cycle('2026-W48');
    await applyFindings(t.db, c2, [], { rules: ['floor'], provinces: ['H19'] });
    expect((await alert(dedupKey(floor('H01.01', 0)))).state).toBe('open');
  });
});
