/**
 * The provincial vs national comparison of a cycle, per unit and metric: for the bulletin's
 * section 6 and for `chiso766 reconcile`.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB, Snapshot } from '../db/types.ts';
import { provincialSnapshotsOfCycle } from '../alerts/evaluate.ts';
import { reconcile, type ReconciliationRow } from '../rules/reconciliation.ts';
import { loadViews } from '../snapshots/read.ts';
import type { BulletinReconciliation } from './model.ts';
import { displayUnitName } from '../domain/names.ts';

export interface ReconciliationTable {
  configured: boolean;
  province: string;
  cycleId: number;
  provincialCapturedAt: string | null;
  nationalCapturedAt: string;
  tolerancePoints: number;
  rows: (ReconciliationRow & { unitName: string | null })[];
}

export async function reconciliationTable(
  db: Kysely<DB>,
  config: Config,
  c: { cycleId: number; province: string; nationalSnapshot: Snapshot },
): Promise<ReconciliationTable> {
  const tolerance = config.rules.reconciliation.tolerancePoints;
  const base = {
    province: c.province,
    cycleId: c.cycleId,
    nationalCapturedAt: c.nationalSnapshot.captured_at.toISOString(),
    tolerancePoints: tolerance,
  };
  // Stored provincial figures are compared even when read without the config that fetched them.
  const prov = (await provincialSnapshotsOfCycle(db, c.cycleId, c.province))[0];
  if (!prov) return { ...base, configured: Boolean(config.provincial), provincialCapturedAt: null, rows: [] };
  const views = await loadViews(db, [prov, c.nationalSnapshot]);
  const rows = reconcile(views.get(prov.id)!, views.get(c.nationalSnapshot.id)!, tolerance);
  const codes = [...new Set(rows.map((r) => r.unitCode))];
  const names = codes.length
    ? new Map(
        (await db.selectFrom('units').select(['code', 'name']).where('code', 'in', codes).execute()).map((u) => [
          u.code,
          u.name,
        ]),
      )
    : new Map<string, string>();
  return {
    ...base,
    configured: true,
    provincialCapturedAt: prov.captured_at.toISOString(),
    rows: rows.map((r) => ({ ...r, unitName: names.get(r.unitCode) ?? null })),
  };
}

export async function reconciliationForReport(
  db: Kysely<DB>,
  config: Config,
  c: { cycleId: number; province: string; nationalSnapshot: Snapshot },
): Promise<BulletinReconciliation> {
  const t = await reconciliationTable(db, config, c);
  return {
    configured: t.configured,
    tolerancePoints: t.tolerancePoints,
    provincialCapturedAt: t.provincialCapturedAt ? new Date(t.provincialCapturedAt) : null,
    rows: t.rows
      .filter((r) => r.status === 'ok' || r.status === 'outside')
      .map((r) => ({
        unitCode: r.unitCode,
        unitName: r.unitName ? displayUnitName(r.unitName) : r.unitCode,
        metric: r.metric,
        label: r.label,
        provincial: r.provincial,
        national: r.national,
        gap: r.gap,
        outside: r.status === 'outside',
        unit: r.unit,
      })),
  };
}
