/**
 * The rules' world: plain values, no I/O. A snapshot view maps `unit|metric` to an observation;
 * the evaluator compares the current snapshot with earlier ones.
 */
import type { RulesConfig } from '../config/schema.ts';
import type { UnitKind } from '../db/types.ts';
import type { Finding } from '../alerts/lifecycle.ts';

export type { Finding };

export interface ObsPoint {
  unitCode: string;
  metric: string;
  score: number | null;
  maxScore: number | null;
  ratio: number | null;
  rank: number | null;
  peerRank: number | null;
  present: boolean;
  numerator?: number | null;
  denominator?: number | null;
}

export interface SnapshotView {
  snapshotId: number;
  capturedAt: Date;
  /** content hash of the snapshot's raw payloads (evidence). */
  contentHash: string;
  observations: ReadonlyMap<string, ObsPoint>;
}

export interface UnitInfo {
  code: string;
  kind: UnitKind;
  name: string;
}

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

export function obsKey(unitCode: string, metric: string): string {
  return `${unitCode}|${metric}`;
}

export function viewOf(snapshotId: number, capturedAt: Date, contentHash: string, observations: readonly ObsPoint[]): SnapshotView {
  return { snapshotId, capturedAt, contentHash, observations: new Map(observations.map((o) => [obsKey(o.unitCode, o.metric), o])) };
}

/** Units (codes) of a snapshot, from its TOTAL rows. */
export function unitsOf(view: SnapshotView): string[] {
  const out: string[] = [];
  for (const o of view.observations.values()) if (o.metric === 'TOTAL') out.push(o.unitCode);
  return out;
}
