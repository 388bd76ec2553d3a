/**
 * The figures a unit's digest shows: this cycle's snapshot of its province and the previous one
 * (the province itself: its national rank), read once per province; groups with no activity marked.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { metricActivity } from '../domain/activity.ts';
import { GROUP_CODES } from '../domain/metrics.ts';
import { displayUnitName } from '../domain/names.ts';
import type { UnitKind } from '../domain/units.ts';
import { rankedAmong } from '../domain/vocabulary.ts';
import { obsKey, type SnapshotView } from '../domain/observations.ts';
import { activityIn } from '../rules/judged.ts';
import { cycleHistory, loadViews, resolveData } from '../snapshots/read.ts';
import type { DigestAlert, DigestRow, DigestUnit } from './templates.ts';

interface ProvinceFigures {
  cur: SnapshotView | undefined;
  prev: SnapshotView | undefined;
  capturedAt: Date;
  previousAt: Date | null;
}

export interface Figures {
  /** A unit's part of a digest: its name, its alerts, its table. */
  unit(code: string, alerts: DigestAlert[]): DigestUnit;
  /** The capture times a digest names (of the province of its first unit). */
  timesOf(code: string): { capturedAt: Date; previousAt: Date | null } | null;
  provinceOf(code: string): string | null;
}

/** The table of one unit: TOTAL and the six groups, now and before, threshold and rank. */
export function rowsFor(
  unit: string,
  cur: SnapshotView | undefined,
  prev: SnapshotView | undefined,
  thresholds: ReadonlyMap<string, number>,
  national?: { cur?: SnapshotView; prev?: SnapshotView },
  /** Ranks among peers: the unit's kind and the kinds of the province's units. */
  peers?: { kind: UnitKind; kinds: ReadonlyMap<string, UnitKind> },
): DigestRow[] {
  return ['TOTAL', ...GROUP_CODES].map((metric) => {
    const c = cur?.observations.get(obsKey(unit, metric));
    const p = prev?.observations.get(obsKey(unit, metric));
    const inactive = (view: SnapshotView | undefined) =>
      view ? metricActivity(activityIn(view, unit), metric) === 'inactive' : false;
    // The province's own rank is its national rank.
    const nc = national?.cur?.observations.get(obsKey(unit, metric));
    const np = national?.prev?.observations.get(obsKey(unit, metric));
    const usePeer = !national && peers !== undefined && peers.kind !== 'province';
    const rank = national ? (nc?.rank ?? null) : usePeer ? (c?.peerRank ?? null) : (c?.rank ?? null);
    const outOf =
      rank === null
        ? null
        : national
          ? rankedOutOf(national.cur, metric, 'national', peers?.kinds)
          : rankedOutOf(cur, metric, usePeer ? peers!.kind : 'all', peers?.kinds);
    return {
      metric,
      current: c?.present ? c.score : null,
      previous: p?.present ? p.score : null,
      max: c?.maxScore ?? p?.maxScore ?? null,
      threshold: thresholds.get(metric) ?? null,
      rank,
      previousRank: national ? (np?.rank ?? null) : usePeer ? (p?.peerRank ?? null) : (p?.rank ?? null),
      outOf,
      noActivity: !national && inactive(cur),
      previousNoActivity: !national && inactive(prev),
    };
  });
}

/** Per snapshot view: how many units were ranked on each metric, per unit kind (`metric|kind`). */
const rankCounts = new WeakMap<SnapshotView, Map<string, number>>();

/**
 * "20 sở, ban, ngành": how many units of the kind were ranked on this metric (units with activity);
 * `all` = departments and communes, `national` = the provinces of the national ranking. Counted
 * once per view, not once per row.
 */
function rankedOutOf(
  view: SnapshotView | undefined,
  metric: string,
  kind: UnitKind | 'national' | 'all',
  kinds: ReadonlyMap<string, UnitKind> = new Map(),
): string | null {
  if (!view) return null;
  let counts = rankCounts.get(view);
  if (!counts) {
    counts = new Map();
    for (const o of view.observations.values()) {
      if (o.rank === null) continue;
      const key = `${o.metric}|${kinds.get(o.unitCode) ?? 'province'}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    rankCounts.set(view, counts);
  }
  const count = (k: string) => counts.get(`${metric}|${k}`) ?? 0;
  const n = kind === 'all' ? count('department') + count('commune') : count(kind === 'national' ? 'province' : kind);
  return n ? rankedAmong(n, kind) : null;
}

export async function loadFigures(db: Kysely<DB>, captureId: number, unitCodes: readonly string[]): Promise<Figures> {
  const snaps = await db.selectFrom('snapshots').selectAll().where('capture_id', '=', captureId).execute();
  const national = await resolveData(
    db,
    snaps.find((s) => s.scope === 'national'),
  );
  const nationalPrev = national ? ((await cycleHistory(db, national, 1))[0] ?? null) : null;
  const unitRows = unitCodes.length
    ? await db
        .selectFrom('units')
        .select(['code', 'name', 'province_code', 'kind'])
        .where('code', 'in', [...unitCodes])
        .execute()
    : [];
  const info = new Map(unitRows.map((u) => [u.code, u]));
  const provinces = [...new Set(unitRows.map((u) => u.province_code))];
  const kinds = new Map<string, UnitKind>(
    provinces.length
      ? (await db.selectFrom('units').select(['code', 'kind']).where('province_code', 'in', provinces).execute()).map(
          (u) => [u.code, u.kind],
        )
      : [],
  );
  const byProvince = new Map<string, ProvinceFigures>();
  const nationalOf = new Map<string, ProvinceFigures>();
  for (const province of provinces) {
    const cur = await resolveData(
      db,
      snaps.find((s) => s.scope === province),
    );
    if (!cur) continue;
    const prev = (await cycleHistory(db, cur, 1))[0] ?? null;
    const views = await loadViews(db, [
      cur,
      ...(prev ? [prev] : []),
      ...(national ? [national] : []),
      ...(nationalPrev ? [nationalPrev] : []),
    ]);
    byProvince.set(province, {
      cur: views.get(cur.id),
      prev: prev ? views.get(prev.id) : undefined,
      capturedAt: cur.captured_at,
      previousAt: prev?.captured_at ?? null,
    });
    if (national)
      nationalOf.set(province, {
        cur: views.get(national.id),
        prev: nationalPrev ? views.get(nationalPrev.id) : undefined,
        capturedAt: national.captured_at,
        previousAt: null,
      });
  }
  return {
    provinceOf: (code) => info.get(code)?.province_code ?? null,
    timesOf: (code) => {
      const f = byProvince.get(info.get(code)?.province_code ?? '');
      return f ? { capturedAt: f.capturedAt, previousAt: f.previousAt } : null;
    },
    unit: (code, alerts) => {
      const u = info.get(code);
      const data = u ? byProvince.get(u.province_code) : undefined;
      const nat = u?.kind === 'province' ? nationalOf.get(u.province_code) : undefined;
      const thresholds = new Map(
        alerts
          .filter((a) => a.threshold !== null && a.metric && (a.rule === 'floor' || a.rule === 'target'))
          .map((a) => [a.metric!, a.threshold!]),
      );
      const rows = rowsFor(
        code,
        data?.cur,
        data?.prev,
        thresholds,
        nat ? { cur: nat.cur, prev: nat.prev } : undefined,
        u ? { kind: u.kind, kinds } : undefined,
      );
      for (const a of alerts)
        if (a.rule === 'rankDrop')
          a.outOf = rankedOutOf(data?.cur, 'TOTAL', a.rankScope === 'peer' && u ? u.kind : 'all', kinds);
      // A resolved alert keeps the figure that last broke the rule: show this week's instead.
      for (const a of alerts)
        if (a.event === 'resolved' && a.metric) a.value = rows.find((r) => r.metric === a.metric)?.current ?? a.value;
      return {
        code,
        name: u ? displayUnitName(u.name) : code,
        alerts: [...alerts].sort((x, y) => (x.event === 'resolved' ? 1 : 0) - (y.event === 'resolved' ? 1 : 0)),
        rows,
      };
    },
  };
}
