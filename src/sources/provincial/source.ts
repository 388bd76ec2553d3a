/**
 * The provincial DVC system (source `provincial`) → observations keyed by unit code (the provincial
 * `agency.code` is the national `departmentCode`). The vendor (igate | opencps | html) gives the
 * requests, the checked rows and each row's figures; this file pages, matches units, sums the
 * province and builds the observations the same way for all. Unknown codes and unmatched names are
 * reported in the snapshot's notes.
 */
import type { ProvincialConfig } from '../../config/schema.ts';
import { observation, percentOf, type FullObservation } from '../../domain/observations.ts';
import { periodDateRange, type Period } from '../../domain/periods.ts';
import { DriftError } from '../drift.ts';
import type { PortalHttp, PortalRequest, PortalResponse } from '../http.ts';
import type { ParsedScope, Source, StoredAnswer, Transport } from '../source.ts';
import { NameMatcher } from './text.ts';
import { IgateTokenClient, type IgateCredentials } from './token-client.ts';
import type { ProvincialRequest, Totals, Vendor } from './vendor.ts';
import { htmlVendor } from './vendors/html.ts';
import { igateVendor } from './vendors/igate.ts';
import { opencpsVendor } from './vendors/opencps.ts';

export const PROVINCIAL_SOURCE = 'provincial';
const PAGE_SIZE = 500;

const VENDORS: Readonly<Record<ProvincialConfig['vendor'], Vendor>> = {
  igate: igateVendor,
  opencps: opencpsVendor,
  html: htmlVendor,
};

/** Every request of one province for one period. */
export function provincialRequests(cfg: ProvincialConfig, province: string, period: Period): ProvincialRequest[] {
  const { fromDate, toDate } = periodDateRange(period);
  return VENDORS[cfg.vendor].requests(cfg, province, {
    from: `${fromDate}T00:00:00.000Z`,
    to: `${toDate}T23:59:59.999Z`,
    year: period.year,
    month: period.type === 'month' ? period.month : 0,
  });
}

/** The URL of page `page` (1-based here; Spring counts from 0) of a request. */
function pageUrl(req: ProvincialRequest, page: number): string {
  if (!req.paged) return req.request.url;
  const u = new URL(req.request.url);
  u.searchParams.set('page', String(page - 1));
  u.searchParams.set('size', String(PAGE_SIZE));
  return u.toString();
}

/** Check one answer and give its rows and page count (the vendor knows how). */
export function validateProvincial(
  endpoint: string,
  key: string,
  body: Buffer | Uint8Array,
  cfg: ProvincialConfig | undefined,
): { rows: unknown[]; totalPages: number } {
  if (!cfg) throw new DriftError(key, '$', 'no provincial portal configured');
  return VENDORS[cfg.vendor].rows(endpoint, key, Buffer.from(body).toString('utf8'), cfg);
}

/** Requests with the bearer token for iGate; plain requests otherwise. */
export class ProvincialClient implements Transport {
  private readonly igate: IgateTokenClient | null;

  constructor(
    private readonly http: PortalHttp,
    cfg: ProvincialConfig,
    creds: IgateCredentials,
  ) {
    this.igate = cfg.vendor === 'igate' ? new IgateTokenClient(http, cfg.tokenUrl ?? '', creds) : null;
  }

  fetch(req: PortalRequest): Promise<PortalResponse> {
    return this.igate ? this.igate.fetch(req) : this.http.fetch(req);
  }
}

export interface ProvincialParseContext {
  config: ProvincialConfig | undefined;
  matcher: NameMatcher;
  /** Unit codes known in the registry (to report unknown ones). */
  knownCodes: ReadonlySet<string>;
}

/** Parse the stored answers of one province into observations (units + a province total). */
export function parseProvincial(
  scope: string,
  answers: readonly StoredAnswer[],
  ctx: ProvincialParseContext,
): ParsedScope {
  const notes: string[] = [];
  const totals = new Map<string, Totals>();
  const unmatched = new Set<string>();
  const unknown = new Set<string>();
  const unitOf = (code: string | null | undefined, name: string | null | undefined): string | null => {
    if (code && /^(\d{3}\.\d{2}\.\d{2}\.)?H\d{2}(\.\d+)?$/.test(code.trim())) {
      const c = /H\d{2}(\.\d+)?$/.exec(code.trim())![0];
      if (!ctx.knownCodes.has(c)) unknown.add(`${c}${name ? ` (${name})` : ''}`);
      return c;
    }
    const byName = name ? ctx.matcher.match(name) : null;
    if (!byName) unmatched.add(`${name ?? code ?? '(no name)'}`);
    return byName;
  };
  const totalsOf = (code: string) => totals.get(code) ?? (totals.set(code, {}), totals.get(code)!);
  const agencies: Record<string, string> = {};
  const cfg = ctx.config;
  for (const a of answers) {
    const { rows } = validateProvincial(a.endpoint, a.request_key, a.body ?? new Uint8Array(), cfg);
    for (const row of rows)
      VENDORS[cfg!.vendor].accumulate(a.endpoint, row, {
        cfg: cfg!,
        unitOf,
        totals: totalsOf,
        note: (t) => notes.push(t),
        requestKey: a.request_key,
        agency: (code, id) => void (agencies[code] = id),
      });
  }
  if (unmatched.size)
    notes.push(
      `provincial rows whose unit could not be matched to a code (not stored): ${[...unmatched].sort().join('; ')}`,
    );
  if (unknown.size)
    notes.push(`provincial unit codes not (yet) in the registry (stored as given): ${[...unknown].sort().join('; ')}`);
  if (!totals.has(scope) && totals.size > 0) totals.set(scope, provinceTotals(totals, scope));
  const observations: FullObservation[] = [];
  for (const [unitCode, t] of totals) {
    if (t.digitized)
      observations.push(
        observation({
          unitCode,
          metric: 'PROV_DIGITIZATION',
          numerator: t.digitized[0],
          denominator: t.digitized[1],
          ratio: percentOf(t.digitized[0], t.digitized[1]),
        }),
      );
    if (t.received !== undefined)
      observations.push(observation({ unitCode, metric: 'PROV_RECEIVED', numerator: t.received }));
    if (t.overdue !== undefined)
      observations.push(
        observation({
          unitCode,
          metric: 'PROV_OVERDUE',
          numerator: t.overdue,
          denominator: t.received ?? null,
          ratio: percentOf(t.overdue, t.received),
        }),
      );
    if (t.online !== undefined && t.received !== undefined)
      observations.push(
        observation({
          unitCode,
          metric: 'PROV_ONLINE_SUBMISSION',
          numerator: t.online,
          denominator: t.received,
          ratio: percentOf(t.online, t.received),
        }),
      );
    if (t.paid)
      observations.push(
        observation({
          unitCode,
          metric: 'PROV_ONLINE_PAYMENT',
          numerator: t.paid[0],
          denominator: t.paid[1],
          ratio: percentOf(t.paid[0], t.paid[1]),
        }),
      );
  }
  return {
    source: PROVINCIAL_SOURCE,
    scope,
    units: [],
    observations,
    notes,
    meta: { vendor: cfg?.vendor ?? null, units: totals.size, agencies },
  };
}

/** The province: sums of its units' counts. */
function provinceTotals(totals: ReadonlyMap<string, Totals>, scope: string): Totals {
  const sum = (pick: (t: Totals) => number | undefined) => {
    let n = 0;
    let seen = false;
    for (const [code, t] of totals) {
      if (code === scope) continue;
      const v = pick(t);
      if (v !== undefined) {
        n += v;
        seen = true;
      }
    }
    return seen ? n : undefined;
  };
  return {
    digitized:
      sum((t) => t.digitized?.[1]) !== undefined
        ? [sum((t) => t.digitized?.[0])!, sum((t) => t.digitized?.[1])!]
        : undefined,
    received: sum((t) => t.received),
    online: sum((t) => t.online),
    overdue: sum((t) => t.overdue),
    paid: sum((t) => t.paid?.[1]) !== undefined ? [sum((t) => t.paid?.[0])!, sum((t) => t.paid?.[1])!] : undefined,
  };
}

export const provincialSource: Source<ProvincialRequest> = {
  name: PROVINCIAL_SOURCE,
  needsRegistry: true,
  requests: ({ provinces, period, config }) =>
    config.provincial ? provinces.flatMap((p) => provincialRequests(config.provincial!, p, period)) : [],
  page: (req, page) => ({
    key: page === 1 ? req.key : `${req.key}.p${page}`,
    request: { ...req.request, url: pageUrl(req, page) },
  }),
  validate: (req, key, body, config) => ({
    totalPages: validateProvincial(req.endpoint, key, body, config.provincial).totalPages,
  }),
  parse: (scope, answers, ctx) =>
    parseProvincial(scope, answers, {
      config: ctx.config?.provincial,
      matcher: new NameMatcher(ctx.registry),
      knownCodes: new Set(ctx.registry.map((u) => u.code)),
    }),
  transport: (http, config) =>
    new ProvincialClient(http, config.provincial!, {
      clientId: config.env.provincialClientId,
      clientSecret: config.env.provincialClientSecret,
      username: config.env.provincialUsername,
      password: config.env.provincialPassword,
    }),
};
