/**
 * A unit's drill-down as its digest tells it — pure: for each group drilled, the top procedures by
 * shortfall (or why the portal has no breakdown for it), the count of dossiers per problem and the
 * name of the attached list; whether the drill-down was partial.
 */
import type { GroupCode } from '../domain/metrics.ts';
import type { UnitDrilldown } from '../drilldown/store.ts';
import { dossierFileName } from '../report/dossiers.ts';
import { NO_BREAKDOWN } from '../sources/dvcqg-drilldown/source.ts';
import type { DossierProblem } from '../sources/provincial/dossiers.ts';

/** Procedures named per group in an e-mail (the full list: `chiso766 drilldown`). */
export const TOP_PROCEDURES = 3;

export interface DigestDrill {
  groups: {
    group: GroupCode;
    rows: { code: string; name: string; metric: string; numerator: number; denominator: number; shortfall: number }[];
    /** Why there are no rows: no breakdown at the portal, or none found. */
    note: string | null;
  }[];
  dossiers: { counts: Record<DossierProblem, number>; file: string } | null;
  partial: boolean;
}

export function digestDrill(unitCode: string, d: UnitDrilldown): DigestDrill {
  const counts: Record<DossierProblem, number> = { overdue: 0, unsynced: 0, unpaid: 0 };
  for (const x of d.dossiers) counts[x.problem]++;
  return {
    groups: d.groups.map((group) => {
      const rows = d.procedures
        .filter((p) => p.group === group)
        .slice(0, TOP_PROCEDURES)
        .map((p) => ({
          code: p.formalityCode,
          name: p.formalityName,
          metric: p.metric,
          numerator: p.numerator,
          denominator: p.denominator,
          shortfall: p.shortfall,
        }));
      const note = rows.length
        ? null
        : (NO_BREAKDOWN[group] ??
          (d.partial
            ? 'chưa lấy được số liệu theo thủ tục trong lần này'
            : 'không có thủ tục nào có hồ sơ chưa đạt trong số liệu theo thủ tục'));
      return { group, rows, note };
    }),
    dossiers: d.dossiers.length ? { counts, file: dossierFileName(unitCode) } : null,
    partial: d.partial,
  };
}
