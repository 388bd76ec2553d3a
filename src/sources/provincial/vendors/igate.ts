/**
 * VNPT iGate ("digo") statistics, per agency (docs/provincial-portals.md §1): three reports in
 * Spring pages, read with a bearer token (token-client.ts).
 */
import { z } from 'zod';
import { DriftError, formatJsonPath } from '../../drift.ts';
import type { Vendor } from '../vendor.ts';
import { withQuery } from '../vendor.ts';

export interface IgateReport {
  /** `digitization`, `dossier`, `online`. */
  kind: 'digitization' | 'dossier' | 'online';
  path: string;
  params: (p: { from: string; to: string; agencyId: string }) => Record<string, string>;
}

export const IGATE_REPORTS: readonly IgateReport[] = [
  {
    kind: 'digitization',
    path: '/pa/kgg-digitize/digitization-by-agency',
    params: (p) => ({ from: p.from, to: p.to, 'ancestor-id': p.agencyId }),
  },
  {
    kind: 'dossier',
    path: '/pa/dossier-statistic/--statistic-agency-kgg',
    params: (p) => ({ 'agency-id': p.agencyId, 'from-date': p.from, 'to-date': p.to, 'suppended-cancelled': 'true' }),
  },
  {
    kind: 'online',
    path: '/pa/kgg-dossier-statistic/--kgg-dossier-report-online',
    params: (p) => ({ 'from-applied-date': p.from, 'to-applied-date': p.to, 'agency-id': p.agencyId }),
  },
];

/** Rows of an answer: a bare array, or a Spring page `{content, totalPages, number}`. */
export function pageRows(json: unknown): { rows: unknown[]; totalPages: number } {
  if (Array.isArray(json)) return { rows: json, totalPages: 1 };
  const page = json as { content?: unknown; totalPages?: unknown };
  if (page && Array.isArray(page.content))
    return {
      rows: page.content,
      totalPages: typeof page.totalPages === 'number' && page.totalPages > 0 ? page.totalPages : 1,
    };
  throw new Error('expected an array of rows or a page {content: [...]}');
}

const num = z.union([z.number(), z.string().transform((s) => Number(s))]).pipe(z.number());
const agency = z.object({
  code: z.string().optional().nullable(),
  name: z.string().optional().nullable(),
  id: z.string().optional().nullable(),
});

export const igateRowSchemas = {
  digitization: z.object({
    agency,
    totalReceiver: num,
    totalReceiverHavingFile: num,
    percentTotalReceiverHavingFile: num.optional().nullable(),
  }),
  dossier: z.object({
    agency,
    received: num,
    receivedOnline: num.optional().nullable(),
    resolvedOverdue: num.optional().nullable(),
    unresolvedOverdue: num.optional().nullable(),
  }),
  online: z.object({
    agency_name: z.string(),
    onlinepaid_quantity: num,
    total: num,
    agency_code: z.string().optional().nullable(),
  }),
} as const;

export const igateVendor: Vendor = {
  requests: (cfg, province, { from, to }) =>
    IGATE_REPORTS.map((r) => ({
      key: `igate.${r.kind}.${province}`,
      scope: province,
      endpoint: `igate.${r.kind}`,
      request: {
        method: 'GET',
        url: withQuery(cfg.baseUrl, r.path, r.params({ from, to, agencyId: cfg.agencyId ?? '' })),
      },
      paged: true,
    })),
  rows: (endpoint, key, text) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new DriftError(key, '$', `not JSON (${(e as Error).message})`);
    }
    let page: { rows: unknown[]; totalPages: number };
    try {
      page = pageRows(json);
    } catch (e) {
      throw new DriftError(key, '$', (e as Error).message);
    }
    const schema = igateRowSchemas[endpoint.replace('igate.', '') as keyof typeof igateRowSchemas];
    if (!schema) throw new DriftError(key, '$', `unknown iGate report ${endpoint}`);
    page.rows.forEach((row, i) => {
      const r = schema.safeParse(row);
      if (!r.success)
        throw new DriftError(key, formatJsonPath([i, ...r.error.issues[0]!.path]), r.error.issues[0]!.message);
    });
    return page;
  },
  accumulate: (endpoint, raw, { unitOf, totals, agency: seen }) => {
    switch (endpoint) {
      case 'igate.digitization': {
        const r = igateRowSchemas.digitization.parse(raw);
        const code = unitOf(r.agency.code, r.agency.name);
        if (code) totals(code).digitized = [r.totalReceiverHavingFile, r.totalReceiver];
        if (code && r.agency.id) seen?.(code, r.agency.id);
        return;
      }
      case 'igate.dossier': {
        const r = igateRowSchemas.dossier.parse(raw);
        const code = unitOf(r.agency.code, r.agency.name);
        if (!code) return;
        if (r.agency.id) seen?.(code, r.agency.id);
        const t = totals(code);
        t.received = r.received;
        t.online = r.receivedOnline ?? undefined;
        t.overdue = (r.resolvedOverdue ?? 0) + (r.unresolvedOverdue ?? 0);
        return;
      }
      case 'igate.online': {
        const r = igateRowSchemas.online.parse(raw);
        const code = unitOf(r.agency_code, r.agency_name);
        if (code) totals(code).paid = [r.onlinepaid_quantity, r.total];
        return;
      }
    }
  },
};
