/**
 * The responsibility directory: who receives the figures of which unit. Entries come from the
 * config (`recipients:`) and from `units import-recipients FILE.csv` (stored in the database);
 * each has a unit code or glob, `to`, `cc` (with a `{code}` placeholder) and optional `from` /
 * `until` dates for staff changes. An entry for the exact code wins over patterns; the matching
 * patterns are merged.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import picomatch from 'picomatch';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB } from '../db/types.ts';
import { parseCalendarDate } from '../domain/periods.ts';
import { knownUnits, unitProblem, type KnownUnits } from '../units/known.ts';
import { InputError } from '../domain/errors.ts';

export interface DirectoryEntry {
  unit: string;
  to: string[];
  cc: string[];
  from: string | null;
  until: string | null;
  source: 'config' | 'import';
}

export interface Addressees {
  to: string[];
  cc: string[];
}

export async function loadDirectory(db: Kysely<DB>, config: Config): Promise<DirectoryEntry[]> {
  const imported = await db.selectFrom('recipients').selectAll().orderBy('id').execute();
  return [
    ...config.recipients.map((r) => ({
      unit: r.unit,
      to: r.to,
      cc: r.cc,
      from: r.from ?? null,
      until: r.until ?? null,
      source: 'config' as const,
    })),
    ...imported.map((r) => ({
      unit: r.unit_pattern,
      to: r.to_addresses,
      cc: r.cc_addresses,
      from: r.valid_from,
      until: r.valid_until,
      source: 'import' as const,
    })),
  ];
}

function isPattern(unit: string): boolean {
  return /[*?]/.test(unit);
}

/** Who receives `unitCode` on `date` (YYYY-MM-DD, local). null = nobody: fall back to ops. */
export function addresseesFor(unitCode: string, entries: readonly DirectoryEntry[], date: string): Addressees | null {
  const valid = entries.filter((e) => (!e.from || e.from <= date) && (!e.until || date <= e.until));
  const exact = valid.filter((e) => !isPattern(e.unit) && e.unit === unitCode);
  const chosen = exact.length ? exact : valid.filter((e) => isPattern(e.unit) && picomatch.isMatch(unitCode, e.unit));
  if (chosen.length === 0) return null;
  const fill = (a: string) => a.replaceAll('{code}', unitCode).toLowerCase();
  const to = [...new Set(chosen.flatMap((e) => e.to.map(fill)))];
  const cc = [...new Set(chosen.flatMap((e) => e.cc.map(fill)))].filter((a) => !to.includes(a));
  return { to, cc };
}

export class ImportError extends InputError {}

const email = z.email();

/** Addresses in one cell, separated by `;` (or spaces); a cell may be empty only for cc. */
function splitAddresses(cell: string | undefined): string[] {
  return (cell ?? '')
    .split(/[;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

export interface ImportedRow {
  line: number;
  unit: string;
  to: string[];
  cc: string[];
  from: string | null;
  until: string | null;
}

/**
 * Parse and validate a directory CSV (UTF-8, BOM or not): columns unit_code, to, cc, from, until.
 * Every problem is reported with its line number; any problem rejects the whole file.
 */
export function parseRecipientsCsv(text: string, file: string, known?: KnownUnits): ImportedRow[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: false,
    });
  } catch (e) {
    throw new ImportError(`${file}: not a valid CSV — ${(e as Error).message}`);
  }
  const problems: string[] = [];
  const header = records[0] ? Object.keys(records[0].record) : [];
  for (const col of ['unit_code', 'to'])
    if (records.length && !header.includes(col))
      problems.push(`line 1: missing column "${col}" (expected unit_code, to, cc, from, until)`);
  const rows: ImportedRow[] = [];
  for (const { record, info } of records) {
    const line = info.lines;
    const unit = record.unit_code ?? '';
    const to = splitAddresses(record.to);
    const cc = splitAddresses(record.cc);
    const from = record.from || null;
    const until = record.until || null;
    const bad: string[] = [];
    if (!/^[A-Za-z0-9.*?]+$/.test(unit)) bad.push(`unit_code "${unit}" is not a unit code or pattern (H19.07, H19.1*)`);
    else if (known) {
      const why = unitProblem(unit, known);
      if (why) bad.push(`unit_code: ${why}`);
    }
    if (to.length === 0) bad.push('to is empty');
    for (const a of [...to, ...cc])
      if (!email.safeParse(a.replaceAll('{code}', 'H19.101')).success) bad.push(`"${a}" is not an e-mail address`);
    for (const [k, v] of [
      ['from', from],
      ['until', until],
    ] as const)
      if (v && !parseCalendarDate(v)) bad.push(`${k} "${v}" is not a date (YYYY-MM-DD, a day of the calendar)`);
    if (from && until && from > until) bad.push(`from ${from} is after until ${until}`);
    if (bad.length) problems.push(`line ${line}: ${bad.join('; ')}`);
    else rows.push({ line, unit, to, cc, from, until });
  }
  if (records.length === 0)
    problems.push('no rows (expected a header unit_code,to,cc,from,until and one row per unit)');
  problems.push(...overlaps(rows));
  if (problems.length === 1) throw new ImportError(`${file}: ${problems[0]} — nothing imported`);
  if (problems.length)
    throw new ImportError(`${file}: ${problems.length} problems, nothing imported:\n  ${problems.join('\n  ')}`);
  return rows;
}

/**
 * The same unit on two rows whose validity overlaps: a duplicate (same addresses) or a conflict
 * (different ones). Rows for the same unit with separate dates (a staff change) are fine.
 */
function overlaps(rows: readonly ImportedRow[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = rows[j]!;
      const b = rows[i]!;
      if (a.unit !== b.unit) continue;
      const apart =
        (a.until !== null && b.from !== null && a.until < b.from) ||
        (b.until !== null && a.from !== null && b.until < a.from);
      if (apart) continue;
      const same = a.to.join(';') === b.to.join(';') && a.cc.join(';') === b.cc.join(';');
      out.push(
        `line ${b.line}: ${same ? 'repeats' : 'conflicts with'} line ${a.line} for unit_code ${b.unit} (give each row its own from/until dates, or keep one row)`,
      );
      break;
    }
  }
  return out;
}

/** The file's text, which must be UTF-8 (Excel's "CSV UTF-8"): anything else is refused, not guessed. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new ImportError(
      `${file}: not UTF-8 text (byte ${at + 1} is not valid UTF-8; the file looks saved as Windows-1258 or Latin-1). Save it again as "CSV UTF-8 (Comma delimited)" in Excel, or convert it: iconv -f cp1258 -t utf-8 ${file} > utf8.csv — nothing imported`,
    );
  }
}

/** Where the first malformed UTF-8 sequence starts (for the message). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const extra = c < 0x80 ? 0 : c >> 5 === 0x6 ? 1 : c >> 4 === 0xe ? 2 : c >> 3 === 0x1e ? 3 : -1;
    if (extra < 0) return i;
    for (let k = 1; k <= extra; k++) if (i + k >= b.length || b[i + k]! >> 6 !== 0x2) return i;
    i += extra + 1;
  }
  return 0;
}

/** Replace the imported directory with the file's rows, in one transaction (all or nothing). */
export async function importRecipients(db: Kysely<DB>, file: string, watched: readonly string[] = []): Promise<number> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ImportError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const rows = parseRecipientsCsv(decodeUtf8(bytes, file), file, await knownUnits(db, watched));
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('recipients').where('source', '=', 'import').execute();
    await trx
      .insertInto('recipients')
      .values(
        rows.map((r) => ({
          unit_pattern: r.unit,
          to_addresses: JSON.stringify(r.to),
          cc_addresses: JSON.stringify(r.cc),
          valid_from: r.from,
          valid_until: r.until,
          source: 'import',
          line: r.line,
        })),
      )
      .execute();
  });
  return rows.length;
}
