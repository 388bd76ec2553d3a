/**
 * A provincial statistics page written for people (an HTML table): rows found with the configured
 * selectors, cells read as Vietnamese numbers, units matched by code or by name.
 */
import * as cheerio from 'cheerio';
import { DriftError } from '../../drift.ts';
import { parseViNumber } from '../text.ts';
import type { Vendor } from '../vendor.ts';

export const htmlVendor: Vendor = {
  requests: (cfg, province) => [
    {
      key: `html.table.${province}`,
      scope: province,
      endpoint: 'html.table',
      request: { method: 'GET', url: new URL(cfg.html?.path ?? '/', cfg.baseUrl).toString(), expect: 'html' },
      paged: false,
    },
  ],
  rows: (_endpoint, key, text, cfg) => {
    const h = cfg.html;
    if (!h) throw new DriftError(key, '$', 'no provincial.html mapping configured');
    const $ = cheerio.load(text);
    const rows = $(h.table).first().find(h.row).toArray();
    if (rows.length === 0)
      throw new DriftError(
        key,
        `${h.table} ${h.row}`,
        'the configured table selector matched no rows (the page layout changed?)',
      );
    return {
      rows: rows.map((r) =>
        $(r)
          .find('td,th')
          .toArray()
          .map((c) => $(c).text().trim()),
      ),
      totalPages: 1,
    };
  },
  accumulate: (_endpoint, raw, { cfg, unitOf, totals, note, requestKey }) => {
    const cells = raw as string[];
    const h = cfg.html!;
    const code = unitOf(
      h.unitCodeColumn !== undefined ? cells[h.unitCodeColumn] : null,
      h.unitNameColumn !== undefined ? cells[h.unitNameColumn] : null,
    );
    if (!code) return;
    const t = totals(code);
    const col = (name: string): number | null => {
      const idx = h.columns[name];
      if (idx === undefined) return null;
      try {
        return parseViNumber(cells[idx] ?? '');
      } catch {
        note(`${requestKey}: "${cells[idx]}" in column ${idx} (${name}) of ${code} is not a number`);
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
    if (digitizedPercent !== null && received !== null)
      t.digitized = [Math.round((digitizedPercent * received) / 100), received];
    const paidPercent = col('onlinePaidPercent');
    if (paidPercent !== null && received !== null) t.paid = [Math.round((paidPercent * received) / 100), received];
  },
};
