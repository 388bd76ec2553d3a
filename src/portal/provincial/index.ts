/**
 * Provincial DVC systems → observations of source `provincial`, keyed by unit code (the provincial
 * `agency.code` is the national `departmentCode`). Configured per province: vendor (igate |
 * opencps | html), base URL, credentials from the environment, and for HTML tables the selectors
 * and column mapping. Unknown codes and unmatched names are reported in the snapshot's notes.
 */
import * as cheerio from 'cheerio';
import { z } from 'zod';
import type { ProvincialConfig } from '../../config/schema.ts';
import { periodDateRange, type Period } from '../../domain/periods.ts';
import type { PortalHttp, PortalRequest, PortalResponse } from '../http.ts';
import { DriftError, formatJsonPath, observation, percentOf, type ParsedObservation, type ParsedScope } from '../types.ts';
import { IGATE_REPORTS, IgateTokenClient, igateRowSchemas, pageRows, type IgateCredentials } from './igate.ts';
import { NameMatcher, parseViNumber } from './text.ts';

export const PROVINCIAL_SOURCE = 'provincial';
const PAGE_SIZE = 500;

export interface ProvincialSpec {
  /** `igate.digitization.H19`, `opencps.statistics.H19`, `html.table.H19` */
  key: string;
  scope: string;
  /** `igate.digitization`, `opencps.statistics`, `html.table` */
  endpoint: string;
  request: PortalRequest;
  paged: boolean;
}

function withQuery(base: string, path: string, params: Record<string, string>): string {
  const u = new URL(path, base.endsWith('/') ? base : `${base}/`);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

export function provincialRequests(cfg: ProvincialConfig, province: string, period: Period): ProvincialSpec[] {
  const { fromDate, toDate } = periodDateRange(period);
  const from = `${fromDate}T00:00:00.000Z`;
  const to = `${toDate}T23:59:59.999Z`;
  switch (cfg.vendor) {
    case 'igate':
      return IGATE_REPORTS.map((r) => ({
        key: `igate.${r.kind}.${province}`,
        scope: province,
        endpoint: `igate.${r.kind}`,
        request: { method: 'GET', url: withQuery(cfg.baseUrl, r.path, r.params({ from, to, agencyId: cfg.agencyId ?? '' })) },
        paged: true,
      }));
    case 'opencps': {
      const month = period.type === 'month' ? period.month : 0;
      return [
        {
          key: `opencps.statistics.${province}`,
          scope: province,
          endpoint: 'opencps.statistics',
          request: { method: 'GET', url: withQuery(cfg.baseUrl, '/o/rest/statistics', { year: String(period.year), month: String(month), domain: 'total', agency: 'total' }), headers: { groupId: cfg.groupId ?? '' } },
          paged: false,
        },
      ];
    }
    case 'html':
      return [{ key: `html.table.${province}`, scope: province, endpoint: 'html.table', request: { method: 'GET', url: new URL(cfg.html?.path ?? '/', cfg.baseUrl).toString(), expect: 'html' }, paged: false }];
  }
}

/** Fetches provincial requests: bearer token for iGate, plain requests otherwise. */
export class ProvincialClient {
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

  /** The URL of page `page` (0-based, Spring style) of a paged request. */
  static pageUrl(spec: ProvincialSpec, page: number): string {
    if (!spec.paged) return spec.request.url;
    const u = new URL(spec.request.url);
    u.searchParams.set('page', String(page));
    u.searchParams.set('size', String(PAGE_SIZE));
    return u.toString();
  }
}

const opencpsRow = z.object({
  govAgencyCode: z.string().min(1),
  govAgencyName: z.string().optional().nullable(),
  receivedCount: z.number(),
  onlineCount: z.number().optional().nullable(),
  overdueCount: z.number().optional().nullable(),
});

/**
 * Check one answer's shape (drift is named with its JSON path) and give its rows and page count.
 * HTML answers are checked for the configured table and rows.
 */
export function validateProvincial(endpoint: string, key: string, body: Buffer | Uint8Array, cfg: ProvincialConfig | undefined): { rows: unknown[]; totalPages: number } {
  const text = Buffer.from(body).toString('utf8');
  if (endpoint === 'html.table') {
    const h = cfg?.html;
    if (!h) throw new DriftError(key, '$', 'no provincial.html mapping configured');
    const $ = cheerio.load(text);
    const rows = $(h.table).first().find(h.row).toArray();
    if (rows.length === 0) throw new DriftError(key, `${h.table} ${h.row}`, 'the configured table selector matched no rows (the page layout changed?)');
    return { rows: rows.map((r) => $(r).find('td,th').toArray().map((c) => $(c).text().trim())), totalPages: 1 };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DriftError(key, '$', `not JSON (${(e as Error).message})`);
  }
  let page: { rows: unknown[]; totalPages: number };
  try {
    page = endpoint === 'opencps.statistics' ? pageRows(Array.isArray(json) ? json : ((json as { data?: unknown }).data ?? json)) : pageRows(json);
  } catch (e) {
    throw new DriftError(key, '$', (e as Error).message);
  }
  const schema = endpoint === 'opencps.statistics' ? opencpsRow : igateRowSchemas[endpoint.replace('igate.', '') as keyof typeof igateRowSchemas];
  page.rows.forEach((row, i) => {
    const r = schema.safeParse(row);
    if (!r.success) throw new DriftError(key, formatJsonPath([i, ...r.error.issues[0]!.path]), r.error.issues[0]!.message);
  });
  return page;
}

interface Totals {
  digitized?: [number, number];
  received?: number;
  online?: number;
  overdue?: number;
  paid?: [number, number];
}

export interface ProvincialParseContext {
  config: ProvincialConfig | undefined;
  matcher: NameMatcher;
  /** Unit codes known in the registry (to report unknown ones). */
  knownCodes: ReadonlySet<string>;
}

/** Parse the stored answers of one province into observations (units + a province total). */
export function parseProvincial(scope: string, payloads: readonly { request_key: string; endpoint: string; body: Buffer | Uint8Array | null }[], ctx: ProvincialParseContext): ParsedScope {
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
  const acc = (code: string) => totals.get(code) ?? (totals.set(code, {}), totals.get(code)!);
  for (const p of payloads) {
    const { rows } = validateProvincial(p.endpoint, p.request_key, p.body ?? new Uint8Array(), ctx.config);
    for (const raw of rows) {
      switch (p.endpoint) {
        case 'igate.digitization': {
          const r = igateRowSchemas.digitization.parse(raw);
          const code = unitOf(r.agency.code, r.agency.name);
          if (code) acc(code).digitized = [r.totalReceiverHavingFile, r.totalReceiver];
          break;
        }
        case 'igate.dossier': {
          const r = igateRowSchemas.dossier.parse(raw);
          const code = unitOf(r.agency.code, r.agency.name);
          if (!code) break;
          const t = acc(code);
          t.received = r.received;
          t.online = r.receivedOnline ?? undefined;
          t.overdue = (r.resolvedOverdue ?? 0) + (r.unresolvedOverdue ?? 0);
          break;
        }
        case 'igate.online': {
          const r = igateRowSchemas.online.parse(raw);
          const code = unitOf(r.agency_code, r.agency_name);
          if (code) acc(code).paid = [r.onlinepaid_quantity, r.total];
          break;
        }
        case 'opencps.statistics': {
          const r = opencpsRow.parse(raw);
          const code = unitOf(r.govAgencyCode, r.govAgencyName);
          if (!code) break;
          const t = acc(code);
          t.received = r.receivedCount;
          t.online = r.onlineCount ?? undefined;
          t.overdue = r.overdueCount ?? undefined;
          break;
        }
        case 'html.table': {
          const cells = raw as string[];
          const h = ctx.config!.html!;
          const code = unitOf(h.unitCodeColumn !== undefined ? cells[h.unitCodeColumn] : null, h.unitNameColumn !== undefined ? cells[h.unitNameColumn] : null);
          if (!code) break;
          const t = acc(code);
          const col = (name: string): number | null => {
            const idx = h.columns[name];
            if (idx === undefined) return null;
            try {
              return parseViNumber(cells[idx] ?? '');
            } catch {
              notes.push(`${p.request_key}: "${cells[idx]}" in column ${idx} (${name}) of ${code} is not a number`);
              return null;
            }
          };
          const received = col('received');
          if (received !== null) t.received = received;
          const online = col('online');
          if (online !== null) t.online = online;
          const overdue = col('overdue');
          if (overdue !== null) t.overdue = overdue;
          const digitizedPercent = col('digitizedPercent');
          if (digitizedPercent !== null && received !== null) t.digitized = [Math.round((digitizedPercent * received) / 100), received];
          const paidPercent = col('onlinePaidPercent');
          if (paidPercent !== null && received !== null) t.paid = [Math.round((paidPercent * received) / 100), received];
          break;
        }
        default:
          throw new DriftError(p.request_key, '$', `unknown provincial endpoint ${p.endpoint}`);
      }
    }
  }
  if (unmatched.size) notes.push(`provincial rows whose unit could not be matched to a code (not stored): ${[...unmatched].sort().join('; ')}`);
  if (unknown.size) notes.push(`provincial unit codes not (yet) in the registry (stored as given): ${[...unknown].sort().join('; ')}`);

  // The province: sums of the units' counts.
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
  if (!totals.has(scope) && totals.size > 0) {
    totals.set(scope, {
      digitized: sum((t) => t.digitized?.[1]) !== undefined ? [sum((t) => t.digitized?.[0])!, sum((t) => t.digitized?.[1])!] : undefined,
      received: sum((t) => t.received),
      online: sum((t) => t.online),
      overdue: sum((t) => t.overdue),
      paid: sum((t) => t.paid?.[1]) !== undefined ? [sum((t) => t.paid?.[0])!, sum((t) => t.paid?.[1])!] : undefined,
    });
  }
  const observations: ParsedObservation[] = [];
  for (const [unitCode, t] of totals) {
    if (t.digitized) observations.push(observation({ unitCode, metric: 'PROV_DIGITIZATION', numerator: t.digitized[0], denominator: t.digitized[1], ratio: percentOf(t.digitized[0], t.digitized[1]) }));
    if (t.received !== undefined) observations.push(observation({ unitCode, metric: 'PROV_RECEIVED', numerator: t.received }));
    if (t.overdue !== undefined) observations.push(observation({ unitCode, metric: 'PROV_OVERDUE', numerator: t.overdue, denominator: t.received ?? null, ratio: percentOf(t.overdue, t.received) }));
    if (t.online !== undefined && t.received !== undefined) observations.push(observation({ unitCode, metric: 'PROV_ONLINE_SUBMISSION', numerator: t.online, denominator: t.received, ratio: percentOf(t.online, t.received) }));
    if (t.paid) observations.push(observation({ unitCode, metric: 'PROV_ONLINE_PAYMENT', numerator: t.paid[0], denominator: t.paid[1], ratio: percentOf(t.paid[0], t.paid[1]) }));
  }
  return { source: PROVINCIAL_SOURCE, scope, units: [], observations, notes, meta: { vendor: ctx.config?.vendor ?? null, units: totals.size } };
}
