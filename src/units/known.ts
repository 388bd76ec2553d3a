/**
 * Is a unit code (or a glob on codes) one chiso766 knows? Input that names units — the recipients
 * CSV, `silence add --unit` — is checked against the registry (units seen in captures) and the
 * 34-province table, so a typo (`H21.999`, `H99.01`) is refused instead of silently matching nothing.
 */
import picomatch from 'picomatch';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { PROVINCE_CODES } from '../domain/provinces.ts';

export interface KnownUnits {
  codes: ReadonlySet<string>;
  /** Provinces the installation watches (config `province`). */
  watched: readonly string[];
}

export async function knownUnits(db: Kysely<DB>, watched: readonly string[]): Promise<KnownUnits> {
  const rows = await db.selectFrom('units').select('code').execute();
  return { codes: new Set(rows.map((r) => r.code)), watched };
}

/** null when fine, else why not (one sentence, for an exit-2 message). */
export function unitProblem(unit: string, known: KnownUnits): string | null {
  if (!/^[A-Za-z0-9.*?]+$/.test(unit)) return `"${unit}" is not a unit code or pattern (H19.07, H19.1??)`;
  const province = /^(H\d{2})(?:\.|$)/.exec(unit)?.[1];
  if (!province || !PROVINCE_CODES.includes(province))
    return `"${unit}" does not start with one of the 34 province codes (H01 … H61)`;
  const isPattern = /[*?]/.test(unit);
  if (unit !== province && known.watched.length && !known.watched.includes(province))
    return `"${unit}" is a unit of ${province}, which this installation does not watch (province: ${known.watched.join(', ')})`;
  const ofProvince = [...known.codes].filter((c) => c === province || c.startsWith(`${province}.`));
  if (ofProvince.length === 0)
    return known.codes.size ? `no unit of ${province} is known yet (see chiso766 units)` : null;
  if (isPattern)
    return ofProvince.some((c) => picomatch.isMatch(c, unit))
      ? null
      : `the pattern "${unit}" matches no known unit (see chiso766 units)`;
  return known.codes.has(unit) ? null : `unknown unit "${unit}" (not in the registry; see chiso766 units)`;
}
