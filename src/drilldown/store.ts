/**
 * The read side of the drill-down: what a cycle found for one unit — its procedures sorted by
 * shortfall, its dossiers needing action, and how complete the drill-down was.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { isGroupCode, type GroupCode } from '../domain/metrics.ts';
import type { DossierFinding, DossierProblem } from '../sources/provincial/dossiers.ts';
import { sortRows, type ProcedureRow } from './plan.ts';

export interface UnitDrilldown {
  /** The groups drilled for the unit (those that fell or are below their floor). */
  groups: GroupCode[];
  procedures: ProcedureRow[];
  dossiers: DossierFinding[];
  partial: boolean;
}

/** What a cycle's drill-down holds, per unit drilled (units not drilled are absent). */
export async function drilldownOfCycle(db: Kysely<DB>, cycleId: number): Promise<Map<string, UnitDrilldown>> {
  const run = await db.selectFrom('drilldown_runs').selectAll().where('cycle_id', '=', cycleId).executeTakeFirst();
  const out = new Map<string, UnitDrilldown>();
  if (!run) return out;
  const procedures = await db.selectFrom('drilldown_procedures').selectAll().where('cycle_id', '=', cycleId).execute();
  const dossiers = await db
    .selectFrom('drilldown_dossiers')
    .selectAll()
    .where('cycle_id', '=', cycleId)
    .orderBy('due_at')
    .orderBy('code')
    .execute();
  for (const u of run.units)
    out.set(u.code, {
      groups: u.groups.filter(isGroupCode),
      procedures: sortRows(
        procedures
          .filter((p) => p.unit_code === u.code && isGroupCode(p.grp))
          .map((p) => ({
            group: p.grp as GroupCode,
            metric: p.metric,
            formalityCode: p.formality_code,
            formalityName: p.formality_name,
            numerator: p.numerator,
            denominator: p.denominator,
            shortfall: p.shortfall,
          })),
      ),
      dossiers: dossiers
        .filter((d) => d.unit_code === u.code)
        .map((d) => ({
          code: d.code,
          nationCode: d.nation_code,
          formalityCode: d.formality_code,
          formalityName: d.formality_name,
          problem: d.problem as DossierProblem,
          receivedAt: d.received_at,
          dueAt: d.due_at,
        })),
      partial: run.partial,
    });
  return out;
}
