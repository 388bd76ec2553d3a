/**
 * The rules' world: plain values, no I/O. A rule reads the current snapshot view of a province,
 * its earlier ones, and the settings; it returns findings.
 */
import type { RulesConfig } from '../config/schema.ts';
import type { SnapshotView } from '../domain/observations.ts';
import type { UnitInfo } from '../domain/units.ts';

export interface RuleInput {
  province: string;
  periodKey: string;
  /** ISO week of the cycle, for event alerts. */
  week: string;
  current: SnapshotView;
  /** Earlier data snapshots of the province, newest first. */
  history: readonly SnapshotView[];
  nationalCurrent: SnapshotView | null;
  nationalHistory: readonly SnapshotView[];
  units: ReadonlyMap<string, UnitInfo>;
  rules: RulesConfig;
  portalUrl: string;
}
