/**
 * Everything the bulletin shows, read from the snapshots: the chosen cycle, the capture it is
 * compared with, the baseline year, units, open alerts, the trend, and the provincial comparison.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { Cycle, DB, Snapshot } from '../db/types.ts';
import { GROUP_CODES } from '../domain/metrics.ts';
import { parsePeriodKey, periodLabel } from '../domain/periods.ts';
import { cycleHistory, loadViews, resolveData } from '../snapshots/read.ts';
import { reconciliationForReport } from './reconciliation.ts';
import type { BulletinAlertInput, BulletinDrillRow, BulletinInput } from './model.ts';
import { drilldownOfCycle } from '../drilldown/store.ts';
import { displayUnitName } from '../domain/names.ts';
import { resolveFrame } from './frame.ts';
import { InputError } from '../domain/errors.ts';

export class ReportInputError extends InputError {}

export interface ReportOptions {
  cycle: 'latest' | number;
  compareTo: 'previous' | number;
  baseline?: number;
  province?: string;
  now: Date;
}

/** The province snapshot of a cycle (its latest capture attempt that has one), resolved to data. */
async function cycleSnapshot(db: Kysely<DB>, cycle: Cycle, scope: string): Promise<Snapshot | null> {
  const row = await db
    .selectFrom('snapshots as s')
    .innerJoin('captures as c', 'c.id', 's.capture_id')
    .selectAll('s')
    .where('c.cycle_id', '=', cycle.id)
    .where('s.scope', '=', scope)
    .orderBy('c.attempt', 'desc')
    .limit(1)
    .executeTakeFirst();
  return resolveData(db, row);
}

async function findCycle(
  db: Kysely<DB>,
  which: 'latest' | number,
  province: string,
): Promise<{ cycle: Cycle; snapshot: Snapshot }> {
  if (which !== 'latest') {
    const cycle = await db.selectFrom('cycles').selectAll().where('id', '=', which).executeTakeFirst();
    if (!cycle)
      throw new ReportInputError(`cycle ${which} does not exist (see \`chiso766 run-once --json\` for cycle ids)`);
    const snapshot = await cycleSnapshot(db, cycle, province);
    if (!snapshot)
      throw new ReportInputError(`cycle ${which} has no data for ${province} (its capture failed or has not run yet)`);
    return { cycle, snapshot };
  }
  const cycles = await db
    .selectFrom('cycles')
    .selectAll()
    .where('source', '=', 'dvcqg')
    .orderBy('as_of', 'desc')
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  for (const cycle of cycles) {
    if (!cycle.provinces.split(',').includes(province)) continue;
    const snapshot = await cycleSnapshot(db, cycle, province);
    if (snapshot) return { cycle, snapshot };
  }
  throw new ReportInputError(`no cycle with data for ${province} yet: run \`chiso766 run-once\` first`);
}

/** The cycle a report or a reconciliation is about, and its province snapshot (data). */
export async function reportCycle(
  db: Kysely<DB>,
  config: Config,
  which: 'latest' | number,
  province?: string,
): Promise<{ cycle: Cycle; snapshot: Snapshot; province: string }> {
  const p = await reportProvince(db, config, province);
  return { ...(await findCycle(db, which, p)), province: p };
}

/**
 * The province a report is about: `--province`, else the first configured, else the province of
 * the stored cycles (a data folder read without its config, e.g. the demo's).
 */
export async function reportProvince(db: Kysely<DB>, config: Config, explicit?: string): Promise<string> {
  const p = explicit ?? config.provinces[0];
  if (p) return p;
  const latest = await db
    .selectFrom('cycles')
    .select('provinces')
    .where('source', '=', 'dvcqg')
    .orderBy('as_of', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!latest)
    throw new ReportInputError('no province configured and no cycle stored yet: set `province` in chiso766.yaml');
  const stored = latest.provinces.split(',');
  if (stored.length > 1)
    throw new ReportInputError(
      `the stored cycles cover ${stored.length} provinces (${stored.slice(0, 5).join(', ')}…): choose one with --province`,
    );
  return stored[0]!;
}

export async function loadBulletinInput(db: Kysely<DB>, config: Config, opts: ReportOptions): Promise<BulletinInput> {
  const province = await reportProvince(db, config, opts.province);
  const { cycle, snapshot: current } = await findCycle(db, opts.cycle, province);
  const period = parsePeriodKey(current.period_key);
  let previous: Snapshot | null;
  if (opts.compareTo === 'previous') previous = (await cycleHistory(db, current, 1))[0] ?? null;
  else {
    const other = await db.selectFrom('cycles').selectAll().where('id', '=', opts.compareTo).executeTakeFirst();
    if (!other) throw new ReportInputError(`--compare-to ${opts.compareTo}: no such cycle`);
    previous = await cycleSnapshot(db, other, province);
    if (!previous) throw new ReportInputError(`--compare-to ${opts.compareTo}: that cycle has no data for ${province}`);
  }
  const nationalCurrent = await cycleSnapshot(db, cycle, 'national');
  const nationalPrevious = nationalCurrent
    ? ((await cycleHistory(db, nationalCurrent, 50)).find(
        (s) => previous && s.captured_at.getTime() <= previous.captured_at.getTime(),
      ) ?? null)
    : null;
  const baselineYear = opts.baseline ?? (period ? period.year - 1 : new Date().getFullYear() - 1);
  const baseline = await db
    .selectFrom('snapshots')
    .selectAll()
    .where('source', '=', 'dvcqg')
    .where('scope', '=', province)
    .where('period_key', '=', `year-${baselineYear}`)
    .where('unchanged', '=', false)
    .orderBy('captured_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const trendSnaps = [...(await cycleHistory(db, current, 156)).reverse(), current];
  const views = await loadViews(db, [
    current,
    ...(previous ? [previous] : []),
    ...(baseline ? [baseline] : []),
    ...(nationalCurrent ? [nationalCurrent] : []),
    ...(nationalPrevious ? [nationalPrevious] : []),
  ]);
  // The trend needs only the province's headline figures: one narrow query, not every unit's rows.
  const trendRows = await db
    .selectFrom('observations')
    .select(['snapshot_id', 'metric', 'score'])
    .where(
      'snapshot_id',
      'in',
      trendSnaps.map((s) => s.id),
    )
    .where('unit_code', '=', province)
    .where('metric', 'in', ['TOTAL', ...GROUP_CODES])
    .execute();
  const trendValue = new Map(trendRows.map((r) => [`${r.snapshot_id}|${r.metric}`, r.score]));
  const view = views.get(current.id)!;
  const codes = [...view.observations.values()]
    .filter((o) => o.metric === 'TOTAL' && o.unitCode !== province)
    .map((o) => o.unitCode);
  const units = codes.length
    ? await db.selectFrom('units').select(['code', 'kind', 'name']).where('code', 'in', codes).execute()
    : [];
  const provinceRow = await db.selectFrom('units').select('name').where('code', '=', province).executeTakeFirst();
  const alerts = await alertsOfCycle(db, cycle.id, province);
  const nationalMeta = (nationalCurrent?.meta ?? null) as { nationalScore?: unknown } | null;
  return {
    frame: resolveFrame(config.bulletin, province),
    province: { code: province, name: provinceRow?.name ?? province },
    periodLabel: period ? periodLabel(period) : current.period_key,
    timezone: config.schedule.timezone,
    generatedAt: opts.now,
    current: view,
    previous: previous ? views.get(previous.id)! : null,
    baseline: { year: baselineYear, view: baseline ? views.get(baseline.id)! : null },
    nationalCurrent: nationalCurrent ? views.get(nationalCurrent.id)! : null,
    nationalPrevious: nationalPrevious ? views.get(nationalPrevious.id)! : null,
    units,
    openAlerts: alerts,
    nationalScore: typeof nationalMeta?.nationalScore === 'number' ? nationalMeta.nationalScore : null,
    trend: trendSnaps.map((s) => ({
      capturedAt: s.captured_at,
      values: Object.fromEntries(['TOTAL', ...GROUP_CODES].map((g) => [g, trendValue.get(`${s.id}|${g}`) ?? null])),
    })),
    drilldown: await drillRows(db, cycle.id, units),
    reconciliation: await reconciliationForReport(db, config, {
      cycleId: cycle.id,
      province,
      nationalSnapshot: current,
    }),
  };
}

/** The top procedure of each unit the cycle's drill-down found something for (names from the units already read). */
async function drillRows(
  db: Kysely<DB>,
  cycleId: number,
  units: readonly { code: string; name: string }[],
): Promise<BulletinDrillRow[]> {
  const names = new Map(units.map((u) => [u.code, displayUnitName(u.name)]));
  return [...(await drilldownOfCycle(db, cycleId))].flatMap(([code, d]) => {
    const top = d.procedures[0];
    return top
      ? [
          {
            unitCode: code,
            unitName: names.get(code) ?? code,
            formalityCode: top.formalityCode,
            formalityName: top.formalityName,
            metric: top.metric,
            shortfall: top.shortfall,
          },
        ]
      : [];
  });
}

/**
 * The alerts open after a cycle's evaluation (those it opened or kept), with the data week each
 * was first raised in — not today's open alerts, so a bulletin of an earlier week stays true. A
 * cycle that evaluated nothing (stale data) stands on the last cycle before it that did.
 */
async function alertsOfCycle(db: Kysely<DB>, cycleId: number, province: string): Promise<BulletinAlertInput[]> {
  const last = await db
    .selectFrom('alert_events')
    .select((eb) => eb.fn.max('cycle_id').as('id'))
    .where('cycle_id', '<=', cycleId)
    .executeTakeFirst();
  const evaluated = last?.id ?? null;
  if (evaluated === null) return [];
  const rows = await db
    .selectFrom('alert_events as e')
    .innerJoin('alerts as a', 'a.id', 'e.alert_id')
    .leftJoin('units as u', 'u.code', 'a.unit_code')
    .leftJoin('cycles as oc', 'oc.id', 'a.opened_cycle_id')
    .select([
      'a.id',
      'a.unit_code',
      'u.name as unit_name',
      'a.rule',
      'e.severity',
      'a.metric',
      'a.kind',
      'a.value',
      'a.previous',
      'a.threshold',
      'a.message',
      'oc.week as since_week',
    ])
    .where('e.cycle_id', '=', Number(evaluated))
    .where('e.event', 'in', ['opened', 'kept', 'escalated', 'deescalated'])
    .where('a.silenced', '=', false)
    .where((eb) => eb.or([eb('a.unit_code', '=', province), eb('a.unit_code', 'like', `${province}.%`)]))
    .orderBy('a.id')
    .execute();
  const seen = new Set<number>();
  return rows
    .filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)))
    .map((r) => ({
      unitCode: r.unit_code,
      unitName: r.unit_name,
      rule: r.rule,
      severity: r.severity,
      metric: r.metric,
      kind: r.kind,
      value: r.value,
      previous: r.previous,
      threshold: r.threshold,
      message: r.message,
      sinceWeek: r.since_week ?? null,
    }));
}
