/**
 * Alert lifecycle on the database: findings of a cycle open, keep, escalate or resolve alerts.
 * Each alert has a natural dedup key (`rule|unit|metric|period`, plus the week for event alerts)
 * and a life recorded as events per cycle (opened, kept, escalated, deescalated, resolved,
 * expired) — the digests read those events. Evaluating the same cycle twice changes nothing.
 */
import picomatch from 'picomatch';
import type { Kysely, Transaction } from 'kysely';
import type { Alert, DB } from '../db/types.ts';
import type { AlertKind, CycleRef, Finding, Severity } from '../domain/findings.ts';
import { provinceOfUnitCode } from '../domain/provinces.ts';

export interface ApplyResult {
  opened: number[];
  kept: number[];
  escalated: number[];
  deescalated: number[];
  resolved: number[];
  expired: number[];
  silenced: number[];
}

export interface ActiveSilence {
  id: number;
  unit_pattern: string;
  rule: string | null;
  metric: string | null;
  until: Date;
}

const SEVERITY_ORDER: Record<Severity, number> = { info: 0, warn: 1, critical: 2 };

export function dedupKey(f: Pick<Finding, 'rule' | 'unitCode' | 'metric' | 'periodKey' | 'week'>): string {
  const parts = [f.rule, f.unitCode ?? '-', f.metric ?? '-', f.periodKey ?? '-'];
  if (f.week) parts.push(f.week);
  return parts.join('|');
}

/** Does a silence cover this finding (unit pattern, optional rule and metric, not expired)? */
export function silencedBy(
  f: Pick<Finding, 'rule' | 'unitCode' | 'metric'>,
  silences: readonly ActiveSilence[],
  at: Date,
): ActiveSilence | null {
  for (const s of silences) {
    if (s.until.getTime() <= at.getTime()) continue;
    if (s.rule && s.rule !== f.rule) continue;
    if (s.metric && s.metric !== f.metric) continue;
    if (!f.unitCode || !picomatch.isMatch(f.unitCode, s.unit_pattern)) continue;
    return s;
  }
  return null;
}

export async function activeSilences(db: Kysely<DB> | Transaction<DB>, at: Date): Promise<ActiveSilence[]> {
  return db
    .selectFrom('silences')
    .select(['id', 'unit_pattern', 'rule', 'metric', 'until'])
    .where('removed_at', 'is', null)
    .where('until', '>', at)
    .execute();
}

async function recordEvent(
  trx: Transaction<DB>,
  alertId: number,
  cycleId: number,
  event: string,
  severity: Severity,
  at: Date,
): Promise<void> {
  await trx
    .insertInto('alert_events')
    .values({ alert_id: alertId, cycle_id: cycleId, event, severity, at })
    .onConflict((oc) => oc.columns(['alert_id', 'cycle_id', 'event']).doNothing())
    .execute();
}

function alertValues(f: Finding, cycle: CycleRef, silenced: boolean) {
  return {
    rule: f.rule,
    kind: f.kind,
    unit_code: f.unitCode,
    metric: f.metric,
    period_key: f.periodKey,
    week: f.week,
    severity: f.severity,
    silenced,
    value: f.value,
    previous: f.previous,
    threshold: f.threshold,
    message: f.message,
    evidence: JSON.stringify(f.evidence),
    last_cycle_id: cycle.id,
    updated_at: cycle.at,
  };
}

/** Open, keep, escalate or reopen the alert of one finding. Returns what happened. */
async function upsertOne(
  trx: Transaction<DB>,
  f: Finding,
  cycle: CycleRef,
  existing: Alert | undefined,
  silences: readonly ActiveSilence[],
  result: ApplyResult,
): Promise<void> {
  const key = dedupKey(f);
  const silence = silencedBy(f, silences, cycle.at);
  if (existing && existing.state === 'open') {
    if (existing.last_cycle_id === cycle.id) return; // this cycle was already applied
    const up = SEVERITY_ORDER[f.severity] - SEVERITY_ORDER[existing.severity];
    // A hold-only finding (hysteresis band) keeps the alert as it is.
    const values = f.holdOnly
      ? {
          last_cycle_id: cycle.id,
          updated_at: cycle.at,
          value: f.value,
          // The week's figure in words ("50,60/100 — đã vượt ngưỡng nhưng chưa đủ biên …"), not the one it opened with.
          message: f.message,
          evidence: JSON.stringify(f.evidence),
        }
      : alertValues(f, cycle, silence !== null);
    await trx.updateTable('alerts').set(values).where('id', '=', existing.id).execute();
    const event = f.holdOnly || up === 0 ? 'kept' : up > 0 ? 'escalated' : 'deescalated';
    await recordEvent(trx, existing.id, cycle.id, event, f.holdOnly ? existing.severity : f.severity, cycle.at);
    (event === 'kept' ? result.kept : event === 'escalated' ? result.escalated : result.deescalated).push(existing.id);
    return;
  }
  if (f.holdOnly) return;
  let id: number;
  if (existing) {
    // Same key resolved earlier (the unit fell again): reopen it, a new life of the same alert.
    await trx
      .updateTable('alerts')
      .set({
        ...alertValues(f, cycle, silence !== null),
        state: 'open',
        opened_at: cycle.at,
        opened_cycle_id: cycle.id,
        resolved_at: null,
        resolved_cycle_id: null,
        resolution: null,
        last_notified_cycle_id: null,
      })
      .where('id', '=', existing.id)
      .execute();
    id = existing.id;
  } else {
    const row = await trx
      .insertInto('alerts')
      .values({
        ...alertValues(f, cycle, silence !== null),
        dedup_key: key,
        state: 'open',
        opened_at: cycle.at,
        opened_cycle_id: cycle.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    id = row.id;
  }
  await recordEvent(trx, id, cycle.id, 'opened', f.severity, cycle.at);
  result.opened.push(id);
  if (silence) result.silenced.push(id);
}

function emptyResult(): ApplyResult {
  return { opened: [], kept: [], escalated: [], deescalated: [], resolved: [], expired: [], silenced: [] };
}

/**
 * Apply the findings of one evaluation. Open alerts of the evaluated rules and provinces that no
 * finding supports any more are resolved; event alerts of earlier weeks expire.
 */
export async function applyFindings(
  db: Kysely<DB>,
  cycle: CycleRef,
  findings: readonly Finding[],
  scope: {
    rules: readonly string[];
    provinces: readonly string[];
    kinds?: readonly AlertKind[];
    /** `unit|metric` whose figures are explained by "không phát sinh": their alerts resolve with that reason. */
    noActivity?: ReadonlySet<string>;
  },
): Promise<ApplyResult> {
  const result = emptyResult();
  const kinds = scope.kinds ?? ['indicator'];
  await db.transaction().execute(async (trx) => {
    const silences = await activeSilences(trx, cycle.at);
    const keys = findings.map(dedupKey);
    const existingRows = keys.length
      ? await trx.selectFrom('alerts').selectAll().where('dedup_key', 'in', keys).execute()
      : [];
    const existing = new Map(existingRows.map((a) => [a.dedup_key, a]));
    for (const f of findings) await upsertOne(trx, f, cycle, existing.get(dedupKey(f)), silences, result);

    const supported = new Set(keys);
    const open = scope.rules.length
      ? await trx
          .selectFrom('alerts')
          .selectAll()
          .where('state', '=', 'open')
          .where('kind', 'in', kinds)
          .where('rule', 'in', scope.rules)
          .execute()
      : [];
    for (const a of open) {
      if (supported.has(a.dedup_key)) continue;
      if (a.unit_code && !scope.provinces.includes(provinceOfUnitCode(a.unit_code))) continue;
      const expired = a.week !== null && a.week !== cycle.week;
      if (a.week !== null && a.week === cycle.week) continue; // this week's event stays
      const noActivity = !expired && scope.noActivity?.has(`${a.unit_code}|${a.metric}`);
      await trx
        .updateTable('alerts')
        .set({
          state: 'resolved',
          resolved_at: cycle.at,
          resolved_cycle_id: cycle.id,
          resolution: expired ? 'expired' : noActivity ? 'no_activity' : 'cleared',
          updated_at: cycle.at,
        })
        .where('id', '=', a.id)
        .execute();
      await recordEvent(trx, a.id, cycle.id, expired ? 'expired' : 'resolved', a.severity, cycle.at);
      (expired ? result.expired : result.resolved).push(a.id);
    }
  });
  return result;
}

/** Raise (or keep) one alert outside a full evaluation — source health found by a job. */
export async function raiseAlert(db: Kysely<DB>, cycle: CycleRef, finding: Finding): Promise<ApplyResult> {
  const result = emptyResult();
  await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('alerts')
      .selectAll()
      .where('dedup_key', '=', dedupKey(finding))
      .executeTakeFirst();
    await upsertOne(trx, finding, cycle, existing, await activeSilences(trx, cycle.at), result);
  });
  return result;
}

/** Resolve open alerts of some rules (e.g. capture failures once a capture succeeds). */
export async function resolveAlerts(
  db: Kysely<DB>,
  cycle: CycleRef,
  where: { rules: readonly string[]; unitCodes?: readonly (string | null)[]; metrics?: readonly string[] },
): Promise<number[]> {
  const ids: number[] = [];
  await db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('alerts').selectAll().where('state', '=', 'open').where('rule', 'in', where.rules);
    if (where.metrics) q = q.where('metric', 'in', where.metrics.length ? where.metrics : ['-']);
    if (where.unitCodes) {
      // Exactly these units; null stands for alerts without a unit (the national ranking).
      const codes = where.unitCodes.filter((u): u is string => u !== null);
      const withNull = where.unitCodes.includes(null);
      q = q.where((eb) =>
        eb.or([
          ...(codes.length ? [eb('unit_code', 'in', codes)] : []),
          ...(withNull ? [eb('unit_code', 'is', null)] : []),
          ...(!codes.length && !withNull ? [eb.val(false)] : []),
        ]),
      );
    }
    for (const a of await q.execute()) {
      await trx
        .updateTable('alerts')
        .set({
          state: 'resolved',
          resolved_at: cycle.at,
          resolved_cycle_id: cycle.id,
          resolution: 'cleared',
          updated_at: cycle.at,
        })
        .where('id', '=', a.id)
        .execute();
      await recordEvent(trx, a.id, cycle.id, 'resolved', a.severity, cycle.at);
      ids.push(a.id);
    }
  });
  return ids;
}

/** These alerts were told about in this cycle's e-mails (reminders count from here). */
export async function markNotified(db: Kysely<DB>, alertIds: readonly number[], cycleId: number): Promise<void> {
  if (alertIds.length)
    await db
      .updateTable('alerts')
      .set({ last_notified_cycle_id: cycleId })
      .where('id', 'in', [...alertIds])
      .execute();
}
