/**
 * Reading provincial figures written for people: Vietnamese numbers (`1.234`, `58,77 %`) and unit
 * names matched to codes through the registry (NFC, case-folded, "UBND" and "- tỉnh …" removed).
 */

/** `1.234` → 1234; `58,77 %` → 58.77; `1,234.5` (English) → 1234.5; empty → null. NaN → throws. */
export function parseViNumber(text: string): number | null {
  const t = text.normalize('NFC').replace(/[%\s\u00a0]/g, '');
  if (t === '' || t === '-' || t === '—') return null;
  let n: string;
  if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(t) || /^-?\d+(,\d+)$/.test(t)) n = t.replace(/\./g, '').replace(',', '.');
  else if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) n = t.replace(/,/g, '');
  else n = t;
  const v = Number(n);
  if (!Number.isFinite(v)) throw new Error(`"${text}" is not a number`);
  return v;
}

/** A comparable form of a unit name. */
export function normalizeUnitName(name: string): string {
  return name
    .normalize('NFC')
    .toLocaleLowerCase('vi')
    .replace(/\s+-\s+(tỉnh|thành phố|tp\.?)\s+.+$/u, '')
    .replace(/^(ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+/u, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export class NameMatcher {
  private readonly byName = new Map<string, string | null>();

  constructor(units: readonly { code: string; names: readonly string[] }[]) {
    for (const u of units) {
      for (const n of u.names) {
        const key = normalizeUnitName(n);
        const seen = this.byName.get(key);
        // Two units with the same normalised name: ambiguous, never guess.
        this.byName.set(key, seen !== undefined && seen !== u.code ? null : u.code);
      }
    }
  }

  match(name: string): string | null {
    return this.byName.get(normalizeUnitName(name)) ?? null;
  }
}
