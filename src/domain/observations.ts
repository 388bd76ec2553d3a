/**
 * One observation — `unit × metric → score, max, ratio, counters, rank` — in the one shape every
 * room uses (parsers produce it, rules and documents read it), and a snapshot as a view of them
 * keyed by `unit|metric`.
 */

export interface Observation {
  unitCode: string;
  metric: string;
  score: number | null;
  maxScore: number | null;
  ratio: number | null;
  rank: number | null;
  peerRank: number | null;
  /** false: the unit is missing from the endpoint that gives this metric (recorded, not invented). */
  present: boolean;
  numerator?: number | null;
  denominator?: number | null;
  /** The portal's data-quality flag (DOSSIER_SYNC's `dataQualityStatus`). */
  quality?: string | null;
}

/** An observation as parsers produce it: every field set. */
export type FullObservation = Required<Observation>;

export function observation(partial: Partial<Observation> & Pick<Observation, 'unitCode' | 'metric'>): FullObservation {
  return {
    score: null,
    maxScore: null,
    ratio: null,
    numerator: null,
    denominator: null,
    rank: null,
    peerRank: null,
    present: true,
    quality: null,
    ...partial,
  };
}

export interface SnapshotView {
  snapshotId: number;
  capturedAt: Date;
  /** content hash of the snapshot's raw payloads (evidence). */
  contentHash: string;
  observations: ReadonlyMap<string, Observation>;
}

export function obsKey(unitCode: string, metric: string): string {
  return `${unitCode}|${metric}`;
}

export function viewOf(
  snapshotId: number,
  capturedAt: Date,
  contentHash: string,
  observations: readonly Observation[],
): SnapshotView {
  return {
    snapshotId,
    capturedAt,
    contentHash,
    observations: new Map(observations.map((o) => [obsKey(o.unitCode, o.metric), o])),
  };
}

/** Units (codes) of a snapshot, from its TOTAL rows. */
export function unitsOf(view: SnapshotView): string[] {
  const out: string[] = [];
  for (const o of view.observations.values()) if (o.metric === 'TOTAL') out.push(o.unitCode);
  return out;
}

/** `numerator / denominator × 100` to 2 decimals; null when the denominator is 0 or missing. */
export function percentOf(numerator: number | null | undefined, denominator: number | null | undefined): number | null {
  if (numerator === null || numerator === undefined || !denominator) return null;
  return Math.round((numerator / denominator) * 10000) / 100;
}
