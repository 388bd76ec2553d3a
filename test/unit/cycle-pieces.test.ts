/** The weekly cycle's pure decisions: freshness, and who hears of what. */
import { describe, expect, it } from 'vitest';
import { decideFreshness } from '../../src/cycle/freshness.ts';
import type { Alert } from '../../src/db/types.ts';
import { selectDigestItems, type AlertNews } from '../../src/mail/select.ts';

describe('freshness: never alert on stale data', () => {
  const now = new Date('2026-11-23T04:12:00+07:00');
  const deadline = new Date('2026-11-24T04:00:00+07:00');
  const hours2 = 2 * 3600_000;
  it.each([
    ['some province recalculated', [{ unchanged: true }, { unchanged: false }], now, 'fresh'],
    ['no province snapshot (nothing to compare)', [], now, 'fresh'],
    ['all unchanged, the deadline ahead', [{ unchanged: true }], now, 'recheck'],
    [
      'all unchanged, the next look would pass the deadline',
      [{ unchanged: true }],
      new Date(deadline.getTime() - hours2 + 1),
      'stale',
    ],
    [
      'all unchanged, exactly at the last possible look',
      [{ unchanged: true }],
      new Date(deadline.getTime() - hours2),
      'recheck',
    ],
  ] as const)('%s → %s', (_what, snaps, at, state) => {
    const d = decideFreshness(snaps, { now: at, deadline, recheckEveryMs: hours2 });
    expect(d.state).toBe(state);
    if (d.state === 'recheck') expect(d.at.getTime()).toBe(at.getTime() + hours2);
  });
});

describe('digest selection', () => {
  let id = 0;
  const alert = (over: Partial<Alert>): Alert =>
    ({
      id: ++id,
      dedup_key: `k${id}`,
      rule: 'floor',
      kind: 'indicator',
      unit_code: 'H19.07',
      metric: 'TOTAL',
      period_key: 'year-2026',
      week: null,
      severity: 'critical',
      silenced: false,
      state: 'open',
      value: 40,
      previous: null,
      threshold: 50,
      message: 'm',
      evidence: { maxScore: 100 },
      opened_at: new Date(),
      opened_cycle_id: 1,
      last_cycle_id: 1,
      resolved_at: null,
      resolved_cycle_id: null,
      resolution: null,
      last_notified_cycle_id: null,
      updated_at: new Date(),
      ...over,
    }) as Alert;
  const weeks = new Map([
    [1, '2026-W44'],
    [2, '2026-W46'],
    [3, '2026-W48'],
  ]);
  const select = (news: AlertNews[], open: Alert[]) =>
    selectDigestItems({ news, open, weekOfCycle: weeks, week: '2026-W48', repeatEvery: 4 });

  it('news of units go to their digest; source news to ops; discrepancies to both when new', () => {
    const opened = { ...alert({ unit_code: 'H19.07' }), event: 'opened' };
    const source = { ...alert({ kind: 'source', rule: 'source.drift', unit_code: 'H19' }), event: 'opened' };
    const disc = { ...alert({ kind: 'discrepancy', rule: 'reconciliation', unit_code: 'H19.05' }), event: 'opened' };
    const s = select([opened, source, disc], []);
    expect([...s.byUnit.keys()].sort()).toEqual(['H19.05', 'H19.07']);
    expect(s.byUnit.get('H19.07')!.map((a) => a.event)).toEqual(['opened']);
    expect(s.sourceNews.map((e) => e.rule)).toEqual(['source.drift', 'reconciliation']);
  });

  it('an alert resolved because the unit had no dossiers is no news', () => {
    const s = select(
      [
        { ...alert({ state: 'resolved', resolution: 'no_activity' }), event: 'resolved' },
        { ...alert({ unit_code: 'H19.08', state: 'resolved', resolution: 'cleared' }), event: 'resolved' },
      ],
      [],
    );
    expect([...s.byUnit.keys()]).toEqual(['H19.08']);
  });

  it('still-open alerts are repeated every repeatEvery weeks after the last notice, never twice in a cycle', () => {
    const due = alert({ unit_code: 'H19.01', last_notified_cycle_id: 1 }); // W44 → W48: 4 weeks
    const early = alert({ unit_code: 'H19.02', last_notified_cycle_id: 2 }); // W46 → W48: 2 weeks
    const never = alert({ unit_code: 'H19.03', last_notified_cycle_id: null });
    const inNews = alert({ unit_code: 'H19.04', last_notified_cycle_id: 1 });
    const silencedSource = alert({ unit_code: 'H19', kind: 'source', last_notified_cycle_id: null });
    const s = select([{ ...inNews, event: 'escalated' }], [due, early, never, inNews, silencedSource]);
    expect([...s.byUnit].map(([code, items]) => `${code} ${items.map((i) => i.event).join(',')}`).sort()).toEqual([
      'H19.01 repeat',
      'H19.03 repeat',
      'H19.04 escalated',
    ]);
  });

  it('the maximum of the figure comes from the evidence (TOTAL: 100)', () => {
    const s = select(
      [
        { ...alert({ metric: 'CKMB', evidence: { maxScore: 18 } }), event: 'opened' },
        { ...alert({ unit_code: 'H19.05', metric: 'TOTAL', evidence: {} }), event: 'opened' },
      ],
      [],
    );
    expect(s.byUnit.get('H19.07')![0]!.maxScore).toBe(18);
    expect(s.byUnit.get('H19.05')![0]!.maxScore).toBe(100);
  });
});
