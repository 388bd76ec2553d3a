/**
 * notify: what is new this cycle for each recipient — alerts opened, escalated or resolved, and
 * still-open alerts due for a reminder every `mail.repeatEveryCycles` weeks — rendered in
 * Vietnamese and written to the outbox (one row per recipient, cycle and kind) before any SMTP
 * call. Nobody gets an empty e-mail. Ops get the source-health digest.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB } from '../db/types.ts';
import { GROUP_CODES } from '../domain/metrics.ts';
import { localParts, parsePeriodKey, parseWeekKey, periodLabel } from '../domain/periods.ts';
import { PORTAL_PAGE_URL } from '../portal/dvcqg/endpoints.ts';
import { cycleHistory, loadViews, resolveData } from '../snapshots/views.ts';
import { obsKey, type SnapshotView } from '../rules/types.ts';
import { activityIn } from '../rules/judged.ts';
import { metricActivity } from '../domain/activity.ts';
import { displayUnitName } from '../domain/names.ts';
import { addresseesFor, loadDirectory } from './directory.ts';
import { writeOutbox } from './outbox.ts';
import { renderDigest, renderOpsDigest, type AlertEventKind, type DigestAlert, type DigestRow, type DigestUnit } from './templates.ts';

const UNIT_KINDS = ['indicator', 'discrepancy'];
const NEWS_EVENTS = ['opened', 'escalated', 'resolved'] as const;

function weeksBetween(a: string, b: string): number {
  const x = parseWeekKey(a);
  const y = parseWeekKey(b);
  if (!x || !y) return Number.POSITIVE_INFINITY;
  const monday = (w: { year: number; week: number }) => {
    const jan4 = Date.UTC(w.year, 0, 4);
    const day = new Date(jan4).getUTCDay() || 7;
    return jan4 + ((w.week - 1) * 7 - (day - 1)) * 86400000;
  };
  return Math.round((monday(y) - monday(x)) / (7 * 86400000));
}

function localDate(d: Date, tz: string): string {
  const p = localParts(d, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

function rowsFor(unit: string, cur: SnapshotView | undefined, prev: SnapshotView | undefined, thresholds: Map<string, number>, national?: { cur?: SnapshotView; prev?: SnapshotView }): DigestRow[] {
  return ['TOTAL', ...GROUP_CODES].map((metric) => {
    const c = cur?.observations.get(obsKey(unit, metric));
    const p = prev?.observations.get(obsKey(unit, metric));
    const inactive = (view: SnapshotView | undefined) => (view ? metricActivity(activityIn(view, unit), metric) === 'inactive' : false);
    // The province's own rank is its national rank.
    const nc = national?.cur?.observations.get(obsKey(unit, metric));
    const np = national?.prev?.observations.get(obsKey(unit, metric));
    return {
      metric,
      current: c?.present ? c.score : null,
      previous: p?.present ? p.score : null,
      max: c?.maxScore ?? p?.maxScore ?? null,
      threshold: thresholds.get(metric) ?? null,
      rank: national ? (nc?.rank ?? null) : (c?.rank ?? null),
      previousRank: national ? (np?.rank ?? null) : (p?.rank ?? null),
      noActivity: !national && inactive(cur),
      previousNoActivity: !national && inactive(prev),
    };
  });
}

export async function queueDigests(db: Kysely<DB>, config: Config, c: { cycleId: number; captureId: number; now: Date }): Promise<number[]> {
  const cycle = await db.selectFrom('cycles').selectAll().where('id', '=', c.cycleId).executeTakeFirstOrThrow();
  const tz = config.schedule.timezone;
  const period = parsePeriodKey(cycle.period_key);

  // What is new for units this cycle, and what is due for a reminder.
  const events = await db
    .selectFrom('alert_events as e')
    .innerJoin('alerts as a', 'a.id', 'e.alert_id')
    .selectAll('a')
    .select(['e.event', 'e.severity as event_severity'])
    .where('e.cycle_id', '=', cycle.id)
    .where('e.event', 'in', [...NEWS_EVENTS])
    .where('a.silenced', '=', false)
    .execute();
  // An alert that ended because the unit had no dossiers was no finding about its work: not news.
  const unitEvents = events.filter((e) => UNIT_KINDS.includes(e.kind) && e.unit_code && !(e.event === 'resolved' && e.resolution === 'no_activity'));
  const newsIds = new Set(unitEvents.map((e) => e.id));
  const open = await db.selectFrom('alerts').selectAll().where('state', '=', 'open').where('silenced', '=', false).where('kind', 'in', UNIT_KINDS).execute();
  const notifiedWeeks = new Map((await db.selectFrom('cycles').select(['id', 'week']).execute()).map((r) => [r.id, r.week]));
  const repeats = open.filter((a) => {
    if (newsIds.has(a.id) || !a.unit_code) return false;
    const last = a.last_notified_cycle_id ? notifiedWeeks.get(a.last_notified_cycle_id) : null;
    return !last || weeksBetween(last, cycle.week) >= config.mail.repeatEveryCycles;
  });

  type Item = DigestAlert & { unitCode: string };
  const items: Item[] = [
    ...unitEvents.map((e) => ({ ...toDigestAlert(e, e.event as AlertEventKind), unitCode: e.unit_code! })),
    ...repeats.map((a) => ({ ...toDigestAlert(a, 'repeat'), unitCode: a.unit_code! })),
  ];

  // Figures for the tables: this cycle's data snapshots and the previous ones.
  const snaps = await db.selectFrom('snapshots').selectAll().where('capture_id', '=', c.captureId).execute();
  const national = await resolveData(db, snaps.find((s) => s.scope === 'national'));
  const nationalPrev = national ? (await cycleHistory(db, national, 1))[0] ?? null : null;
  const byUnit = new Map<string, Item[]>();
  for (const it of items) byUnit.set(it.unitCode, [...(byUnit.get(it.unitCode) ?? []), it]);
  const unitCodes = [...byUnit.keys()];
  const unitRows = unitCodes.length ? await db.selectFrom('units').select(['code', 'name', 'province_code', 'kind']).where('code', 'in', unitCodes).execute() : [];
  const unitInfo = new Map(unitRows.map((u) => [u.code, u]));
  const provinceSnaps = new Map<string, { cur: SnapshotView | undefined; prev: SnapshotView | undefined; capturedAt: Date; previousAt: Date | null }>();
  for (const province of new Set(unitRows.map((u) => u.province_code))) {
    const cur = await resolveData(db, snaps.find((s) => s.scope === province));
    if (!cur) continue;
    const prev = (await cycleHistory(db, cur, 1))[0] ?? null;
    const views = await loadViews(db, [cur, ...(prev ? [prev] : []), ...(national ? [national] : []), ...(nationalPrev ? [nationalPrev] : [])]);
    provinceSnaps.set(province, { cur: views.get(cur.id), prev: prev ? views.get(prev.id) : undefined, capturedAt: cur.captured_at, previousAt: prev?.captured_at ?? null });
    if (national) provinceSnaps.set(`national:${province}`, { cur: views.get(national.id), prev: nationalPrev ? views.get(nationalPrev.id) : undefined, capturedAt: national.captured_at, previousAt: null });
  }

  const directory = await loadDirectory(db, config);
  const today = localDate(cycle.as_of, tz);
  const groups = new Map<string, { to: string[]; cc: Set<string>; units: DigestUnit[]; notes: string[] }>();
  const opsNotes: string[] = [];
  for (const code of unitCodes.sort()) {
    const info = unitInfo.get(code);
    const list = byUnit.get(code)!;
    const data = info ? provinceSnaps.get(info.province_code) : undefined;
    const nat = info?.kind === 'province' ? provinceSnaps.get(`national:${info.province_code}`) : undefined;
    const thresholds = new Map(list.filter((a) => a.threshold !== null && a.metric && (a.rule === 'floor' || a.rule === 'target')).map((a) => [a.metric!, a.threshold!]));
    const rows = rowsFor(code, data?.cur, data?.prev, thresholds, nat ? { cur: nat.cur, prev: nat.prev } : undefined);
    // A resolved alert keeps the figure that last broke the rule: show this week's instead.
    for (const a of list) if (a.event === 'resolved' && a.metric) a.value = rows.find((r) => r.metric === a.metric)?.current ?? a.value;
    const unit: DigestUnit = {
      code,
      name: info ? displayUnitName(info.name) : code,
      alerts: list.sort((x, y) => (x.event === 'resolved' ? 1 : 0) - (y.event === 'resolved' ? 1 : 0)),
      rows,
    };
    let who = addresseesFor(code, directory, today);
    let note: string | null = null;
    if (!who) {
      note = `Không có người nhận cho ${code} (${unit.name}) — no recipient for ${code}: thư được gửi cho bộ phận vận hành; thêm người nhận trong chiso766.yaml (recipients) hoặc units import-recipients.`;
      if (config.ops.emails.length === 0) {
        opsNotes.push(note);
        continue;
      }
      who = { to: config.ops.emails.map((e) => e.toLowerCase()), cc: [] };
    }
    const key = who.to.join(',');
    const g = groups.get(key) ?? { to: who.to, cc: new Set<string>(), units: [], notes: [] };
    for (const a of who.cc) g.cc.add(a);
    g.units.push(unit);
    if (note) g.notes.push(note);
    groups.set(key, g);
  }

  const outboxIds: number[] = [];
  const notified = new Set<number>();
  const firstProvince = cycle.provinces.split(',')[0]!;
  const provinceRow = await db.selectFrom('units').select('name').where('code', '=', firstProvince).executeTakeFirst();
  const provinceName = provinceRow ? displayUnitName(provinceRow.name) : firstProvince;
  for (const [key, g] of groups) {
    const ref = provinceSnaps.get(unitInfo.get(g.units[0]!.code)?.province_code ?? firstProvince);
    const mail = renderDigest({
      provinceName: cycle.provinces.includes(',') ? 'các tỉnh, thành phố theo dõi' : provinceName,
      week: cycle.week,
      periodLabel: period ? periodLabel(period) : cycle.period_key,
      capturedAt: ref?.capturedAt ?? cycle.as_of,
      previousCapturedAt: ref?.previousAt ?? null,
      timezone: tz,
      portalUrl: PORTAL_PAGE_URL,
      units: g.units,
      notes: g.notes,
    });
    const cc = [...g.cc].filter((a) => !g.to.includes(a));
    const alertIds = g.units.flatMap((u) => u.alerts.map((a) => a.id));
    const id = await writeOutbox(db, { dedupKey: `digest|${key}|cycle${cycle.id}`, cycleId: cycle.id, kind: 'digest', recipientKey: key, to: g.to, cc, ...mail, unitCodes: g.units.map((u) => u.code), alertIds });
    outboxIds.push(id);
    for (const a of alertIds) notified.add(a);
  }

  // Ops: source-health news of this cycle, units nobody answers for, and what went wrong.
  // Ops also hear of discrepancies between the provincial and national portals.
  const sourceNews = events.filter((e) => e.kind === 'source' || (e.kind === 'discrepancy' && e.event === 'opened'));
  const problems = await db
    .selectFrom('raw_payloads as r')
    .innerJoin('captures as c', 'c.id', 'r.capture_id')
    .select(['r.outcome'])
    .where('c.cycle_id', '=', cycle.id)
    .where('r.outcome', '!=', 'ok')
    .execute();
  if (config.ops.emails.length && (sourceNews.length || opsNotes.length)) {
    const summaryLine = problems.length || sourceNews.some((e) => e.event !== 'resolved') ? `Chu kỳ ${cycle.week} (${cycle.key}): ${problems.length} phản hồi lỗi từ cổng, ${sourceNews.filter((e) => e.event !== 'resolved').length} sự cố nguồn dữ liệu, trạng thái ${cycle.state}.` : null;
    const mail = renderOpsDigest({
      week: cycle.week,
      timezone: tz,
      summaryLine,
      alerts: sourceNews.map((e) => ({ ...toDigestAlert(e, e.event as AlertEventKind), unitCode: e.unit_code, detail: e.message })),
      notes: opsNotes,
    });
    const to = config.ops.emails.map((e) => e.toLowerCase());
    const id = await writeOutbox(db, { dedupKey: `ops|${to.join(',')}|cycle${cycle.id}`, cycleId: cycle.id, kind: 'ops', recipientKey: to.join(','), to, cc: [], ...mail, unitCodes: [], alertIds: sourceNews.map((e) => e.id) });
    outboxIds.push(id);
    for (const e of sourceNews) notified.add(e.id);
  }
  if (notified.size) await db.updateTable('alerts').set({ last_notified_cycle_id: cycle.id }).where('id', 'in', [...notified]).execute();
  const pending = await db.selectFrom('outbox').select('id').where('cycle_id', '=', cycle.id).where('state', 'in', ['pending', 'sending']).execute();
  return [...new Set([...outboxIds.filter((id) => pending.some((p) => p.id === id))])];
}

function toDigestAlert(
  a: { id: number; rule: string; severity: string; metric: string | null; value: number | null; previous: number | null; threshold: number | null; message: string; evidence: Record<string, unknown> },
  event: AlertEventKind,
): DigestAlert {
  const maxScore = typeof a.evidence.maxScore === 'number' ? a.evidence.maxScore : a.metric === 'TOTAL' ? 100 : null;
  return { id: a.id, event, rule: a.rule, severity: a.severity, metric: a.metric, value: a.value, previous: a.previous, threshold: a.threshold, maxScore, message: a.message };
}
