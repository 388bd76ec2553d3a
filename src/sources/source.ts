/**
 * A source: one portal (or one generation of a portal's API) behind one interface. The fetch
 * skeleton (`snapshots/fetch.ts`), the ingest and the weekly cycle know sources only through it,
 * so adding one is a folder here and a line in `index.ts`.
 */
import type { Config } from '../config/load.ts';
import type { FullObservation } from '../domain/observations.ts';
import type { Period } from '../domain/periods.ts';
import type { UnitSeen } from '../domain/units.ts';
import type { PortalHttp, PortalRequest, PortalResponse } from './http.ts';

/** One request of a capture (its pages are asked one after the other). */
export interface SourceRequest {
  /** Unique within a capture: `transparency.H19`, `rest-jsp.national`, `igate.dossier.H19`. */
  key: string;
  /** `national` or a province code: the snapshot its answers feed. */
  scope: string;
  /** What is asked (`transparency`, `rest.jsp`, `igate.dossier`): stored with each raw answer. */
  endpoint: string;
}

/** What one scope's answers give: the units seen and their observations. */
export interface ParsedScope {
  source: string;
  /** `national` or a province code. */
  scope: string;
  units: UnitSeen[];
  observations: FullObservation[];
  /** Things an operator should know: unknown units, units missing from an endpoint, new metric codes. */
  notes: string[];
  meta: Record<string, unknown>;
}

/** A stored answer (one page of one request), pages of a request in order. */
export interface StoredAnswer {
  request_key: string;
  endpoint: string;
  body: Buffer | Uint8Array | null;
}

/** What parsing may need besides the answers. */
export interface ParseContext {
  config: Config | null;
  /** Units of the scope already known, with every name seen (the provincial portal matches names). */
  registry: readonly { code: string; names: readonly string[] }[];
  /** Answers accepted (and validated) when they were archived: the shape check can be skipped. */
  trusted: boolean;
}

/** How a source's requests travel: the polite HTTP client, or something on top of it (a token). */
export interface Transport {
  fetch(req: PortalRequest): Promise<PortalResponse>;
}

export interface Source<R extends SourceRequest = SourceRequest> {
  /** Stored with every capture, snapshot and raw answer: `dvcqg`, `dvcqg-legacy`, `provincial`. */
  readonly name: string;
  /** Whether `parse` needs `ParseContext.registry` (read from the database only then). */
  readonly needsRegistry?: boolean;
  /** The requests of one capture of these provinces and this period ([] when not configured). */
  requests(plan: { provinces: readonly string[]; period: Period; config: Config }): R[];
  /** Page `page` (1-based) of a request: the key its answer is stored under, and the HTTP request. */
  page(req: R, page: number, config: Config): { key: string; request: PortalRequest };
  /**
   * Accept or reject one answer — DriftError with the JSON path when its shape or figures are not
   * what the parser knows — and tell how many pages the request has.
   */
  validate(req: R, key: string, body: Buffer, config: Config): { totalPages: number };
  /** The stored answers of one scope (each request's pages in order) → units and observations. */
  parse(scope: string, answers: readonly StoredAnswer[], ctx: ParseContext): ParsedScope;
  /** The transport (default: `http` itself); built once per process, so a token is cached. */
  transport?(http: PortalHttp, config: Config): Transport;
}
