/** What every portal adapter produces: units seen and observations of one scope. */
import type { UnitKind } from '../db/types.ts';

export interface UnitSeen {
  code: string;
  kind: UnitKind;
  parentCode: string | null;
  provinceCode: string;
  /** NFC-normalised, as the portal wrote it. */
  name: string;
  aliases: { system: string; alias: string }[];
}

export interface ParsedObservation {
  unitCode: string;
  metric: string;
  score: number | null;
  maxScore: number | null;
  ratio: number | null;
  numerator: number | null;
  denominator: number | null;
  rank: number | null;
  peerRank: number | null;
  /** false: the unit is missing from the endpoint that gives this metric (recorded, not invented). */
  present: boolean;
  quality: string | null;
}

export interface ParsedScope {
  source: string;
  /** `national` or a province code. */
  scope: string;
  units: UnitSeen[];
  observations: ParsedObservation[];
  /** Things an operator should know: unknown units, units missing from an endpoint, new metric codes. */
  notes: string[];
  meta: Record<string, unknown>;
}

/** A 2xx answer whose shape is not what the parser expects. */
export class DriftError extends Error {
  readonly exitCode = 1;
  constructor(
    readonly requestKey: string,
    /** JSON path that broke: `$.data.children[3].totalOnTime`. */
    readonly path: string,
    detail: string,
  ) {
    super(`${requestKey}: schema drift at ${path}: ${detail}`);
    this.name = 'DriftError';
  }
}

export function observation(partial: Partial<ParsedObservation> & Pick<ParsedObservation, 'unitCode' | 'metric'>): ParsedObservation {
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

/** Unicode NFC on every string of a parsed JSON value (Vietnamese text compares reliably). */
export function normalizeText<T>(value: T): T {
  if (typeof value === 'string') return value.normalize('NFC') as T;
  if (Array.isArray(value)) return value.map((v) => normalizeText(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalizeText(v);
    return out as T;
  }
  return value;
}

/** `numerator / denominator × 100` to 2 decimals; null when the denominator is 0 or missing. */
export function percentOf(numerator: number | null | undefined, denominator: number | null | undefined): number | null {
  if (numerator === null || numerator === undefined || !denominator) return null;
  return Math.round((numerator / denominator) * 10000) / 100;
}

export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : `.${String(seg)}`;
  return out;
}
