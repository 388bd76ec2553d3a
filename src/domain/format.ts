/**
 * Human formatting in Vietnamese conventions: `65,21`, `1.234`, `+0,45`, `04/12/2026 04:12`.
 * Machine output (JSON, CSV) stays ISO and plain numbers; only human output goes through here.
 */
import { DEFAULT_TZ, localParts } from './periods.ts';

const nf2 = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const nfInt = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });

/** `48,15`; `—` for null. */
export function viNumber(value: number | null | undefined, placeholder = '—'): string {
  if (value === null || value === undefined || Number.isNaN(value)) return placeholder;
  return nf2.format(value);
}

/** `174.446` */
export function viInteger(value: number | null | undefined, placeholder = '—'): string {
  if (value === null || value === undefined || Number.isNaN(value)) return placeholder;
  return nfInt.format(value);
}

/** `+0,45`, `-5,75`, `0,00`; `—` when either side is missing. */
export function viDelta(value: number | null | undefined, placeholder = '—'): string {
  if (value === null || value === undefined || Number.isNaN(value)) return placeholder;
  const rounded = round2(value);
  if (rounded === 0) return nf2.format(0);
  return (rounded > 0 ? '+' : '') + nf2.format(rounded);
}

/** Two-digit counts as official notices write them: `02`, `06`, `12`. */
export function viCount(n: number): string {
  return String(n).padStart(2, '0');
}

export function round2(value: number): number {
  return Math.round((value + Number.EPSILON * Math.sign(value)) * 100) / 100;
}

/** Difference of two 2-decimal figures without float noise; null if either is null. */
export function delta(current: number | null | undefined, previous: number | null | undefined): number | null {
  if (current === null || current === undefined || previous === null || previous === undefined) return null;
  return round2(current - previous);
}

/** `16/11/2026 04:12` in the given zone (default Asia/Ho_Chi_Minh). */
export function viDateTime(instant: Date, tz: string = DEFAULT_TZ): string {
  const p = localParts(instant, tz);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(p.day)}/${pad(p.month)}/${p.year} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** `16/11/2026` */
export function viDate(instant: Date, tz: string = DEFAULT_TZ): string {
  return viDateTime(instant, tz).slice(0, 10);
}

/** ISO 8601 with the zone's offset: `2026-11-16T04:12:00+07:00`. */
export function isoLocal(instant: Date, tz: string = DEFAULT_TZ): string {
  const p = localParts(instant, tz);
  const pad = (n: number) => String(n).padStart(2, '0');
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const offsetMin = Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Vietnamese collation for names (`Bù Đăng` before `Bù Gia Mập`, `Đ` after `D`). */
export const viCollator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

/** Natural order of unit codes per segment: `H19.10` after `H19.08`, `H19.101` after `H19.15`. */
export function compareUnitCodes(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = Number(x.replace(/^H/, ''));
    const ny = Number(y.replace(/^H/, ''));
    if (nx !== ny) return nx - ny;
  }
  return 0;
}

/** `2026-W48` → `tuần 48/2026` */
export function weekLabel(week: string): string {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  return m ? `tuần ${Number(m[2])}/${m[1]}` : week;
}

/** `text` cut to at most `max` characters, ending in "…" when cut (long procedure names in lists). */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}
