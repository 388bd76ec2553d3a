/**
 * What a provincial vendor (iGate, OpenCPS, an HTML statistics page) provides: its requests, the
 * rows of one answer (checked), and how a row adds to a unit's totals. `source.ts` does the rest
 * the same way for every vendor.
 */
import type { ProvincialConfig } from '../../config/schema.ts';
import type { PortalRequest } from '../http.ts';
import type { SourceRequest } from '../source.ts';

export interface ProvincialRequest extends SourceRequest {
  request: PortalRequest;
  /** Spring-style paging (`page`, `size`). */
  paged: boolean;
}

/** A unit's figures from the provincial system (counts, or [numerator, denominator]). */
export interface Totals {
  digitized?: [number, number];
  received?: number;
  online?: number;
  overdue?: number;
  paid?: [number, number];
}

export interface AccumulateContext {
  cfg: ProvincialConfig;
  /** The unit code of a row (its code if it has one, else matched by name), or null. */
  unitOf: (code: string | null | undefined, name: string | null | undefined) => string | null;
  totals: (code: string) => Totals;
  note: (text: string) => void;
  requestKey: string;
  /** The vendor's own id of a unit (iGate agency id), kept for the dossier search. */
  agency?: (code: string, id: string) => void;
}

export interface Vendor {
  requests(
    cfg: ProvincialConfig,
    province: string,
    range: { from: string; to: string; month: number; year: number },
  ): ProvincialRequest[];
  /** The rows of one answer, each checked (DriftError with its path); and the number of pages. */
  rows(endpoint: string, key: string, text: string, cfg: ProvincialConfig): { rows: unknown[]; totalPages: number };
  accumulate(endpoint: string, row: unknown, ctx: AccumulateContext): void;
}

export function withQuery(base: string, path: string, params: Record<string, string>): string {
  const u = new URL(path, base.endsWith('/') ? base : `${base}/`);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}
