/** OpenCPS statistics (docs/provincial-portals.md §2): one answer per province and month. */
import { z } from 'zod';
import { DriftError, formatJsonPath } from '../../drift.ts';
import { withQuery, type Vendor } from '../vendor.ts';

const opencpsRow = z.object({
  govAgencyCode: z.string().min(1),
  govAgencyName: z.string().optional().nullable(),
  receivedCount: z.number(),
  onlineCount: z.number().optional().nullable(),
  overdueCount: z.number().optional().nullable(),
});

export const opencpsVendor: Vendor = {
  requests: (cfg, province, { year, month }) => [
    {
      key: `opencps.statistics.${province}`,
      scope: province,
      endpoint: 'opencps.statistics',
      request: {
        method: 'GET',
        url: withQuery(cfg.baseUrl, '/o/rest/statistics', {
          year: String(year),
          month: String(month),
          domain: 'total',
          agency: 'total',
        }),
        headers: { groupId: cfg.groupId ?? '' },
      },
      paged: false,
    },
  ],
  rows: (_endpoint, key, text) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new DriftError(key, '$', `not JSON (${(e as Error).message})`);
    }
    const rows = Array.isArray(json) ? json : ((json as { data?: unknown }).data ?? json);
    if (!Array.isArray(rows)) throw new DriftError(key, '$', 'expected an array of rows or a page {content: [...]}');
    rows.forEach((row, i) => {
      const r = opencpsRow.safeParse(row);
      if (!r.success)
        throw new DriftError(key, formatJsonPath([i, ...r.error.issues[0]!.path]), r.error.issues[0]!.message);
    });
    return { rows, totalPages: 1 };
  },
  accumulate: (_endpoint, raw, { unitOf, totals }) => {
    const r = opencpsRow.parse(raw);
    const code = unitOf(r.govAgencyCode, r.govAgencyName);
    if (!code) return;
    const t = totals(code);
    t.received = r.receivedCount;
    t.online = r.onlineCount ?? undefined;
    t.overdue = r.overdueCount ?? undefined;
  },
};
