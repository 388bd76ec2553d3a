/**
 * Unit registry: units keyed by portal code, every name seen (with first/last time), and aliases
 * (2026 UUIDs, legacy numeric IDs, provincial agency ids). Names and parents change; codes do not.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/types.ts';
import { compareUnitCodes } from '../domain/format.ts';
import type { UnitKind, UnitSeen } from '../domain/units.ts';

type Conn = Kysely<DB> | Transaction<DB>;

/**
 * Insert or refresh units in bulk (a few statements, not one per row). A capture older than what
 * is stored (a backfill) adds names and aliases but does not overwrite the current name or kind.
 */
export async function upsertUnits(db: Conn, units: UnitSeen[], seenAt: Date): Promise<void> {
  const unique = new Map<string, UnitSeen>();
  for (const u of units) if (!unique.has(u.code)) unique.set(u.code, u);
  const list = [...unique.values()];
  if (list.length === 0) return;
  // Column arrays + unnest: three statements for a whole province (COPY-style), not one per unit.
  const codes = list.map((u) => u.code);
  const names = list.map((u) => u.name);
  await sql`
    insert into units (code, kind, parent_code, province_code, name, first_seen_at, last_seen_at)
    select code, kind, parent, province, name, ${seenAt}::timestamptz, ${seenAt}::timestamptz
    from unnest(${codes}::text[], ${list.map((u) => u.kind)}::text[], ${list.map((u) => u.parentCode)}::text[], ${list.map((u) => u.provinceCode)}::text[], ${names}::text[])
      as t(code, kind, parent, province, name)
    on conflict (code) do update set
      name = case when excluded.last_seen_at >= units.last_seen_at then excluded.name else units.name end,
      kind = case when excluded.last_seen_at >= units.last_seen_at then excluded.kind else units.kind end,
      parent_code = case when excluded.last_seen_at >= units.last_seen_at then excluded.parent_code else units.parent_code end,
      first_seen_at = least(units.first_seen_at, excluded.first_seen_at),
      last_seen_at = greatest(units.last_seen_at, excluded.last_seen_at)`.execute(db);
  await sql`
    insert into unit_names (unit_code, name, first_seen_at, last_seen_at)
    select code, name, ${seenAt}::timestamptz, ${seenAt}::timestamptz from unnest(${codes}::text[], ${names}::text[]) as t(code, name)
    on conflict (unit_code, name) do update set
      first_seen_at = least(unit_names.first_seen_at, excluded.first_seen_at),
      last_seen_at = greatest(unit_names.last_seen_at, excluded.last_seen_at)`.execute(db);
  const aliases = new Map<string, { system: string; alias: string; code: string }>();
  for (const u of list)
    for (const a of u.aliases)
      aliases.set(`${a.system}|${a.alias}`, { system: a.system, alias: a.alias, code: u.code });
  if (aliases.size === 0) return;
  const al = [...aliases.values()];
  await sql`
    insert into unit_aliases (system, alias, unit_code, first_seen_at)
    select system, alias, code, ${seenAt}::timestamptz from unnest(${al.map((a) => a.system)}::text[], ${al.map((a) => a.alias)}::text[], ${al.map((a) => a.code)}::text[]) as t(system, alias, code)
    on conflict (system, alias) do nothing`.execute(db);
}

export interface UnitRow {
  code: string;
  kind: UnitKind;
  parentCode: string | null;
  provinceCode: string;
  name: string;
  aliases: { system: string; alias: string }[];
  names: string[];
}

export async function listUnits(db: Conn, provinceCodes?: readonly string[]): Promise<UnitRow[]> {
  let q = db.selectFrom('units').selectAll();
  if (provinceCodes && provinceCodes.length > 0) q = q.where('province_code', 'in', provinceCodes);
  const units = await q.execute();
  const codes = units.map((u) => u.code);
  const aliases = codes.length
    ? await db
        .selectFrom('unit_aliases')
        .select(['unit_code', 'system', 'alias'])
        .where('unit_code', 'in', codes)
        .execute()
    : [];
  const names = codes.length
    ? await db
        .selectFrom('unit_names')
        .select(['unit_code', 'name'])
        .where('unit_code', 'in', codes)
        .orderBy('first_seen_at')
        .execute()
    : [];
  const aliasBy = new Map<string, { system: string; alias: string }[]>();
  for (const a of aliases)
    aliasBy.set(a.unit_code, [...(aliasBy.get(a.unit_code) ?? []), { system: a.system, alias: a.alias }]);
  const namesBy = new Map<string, string[]>();
  for (const n of names) namesBy.set(n.unit_code, [...(namesBy.get(n.unit_code) ?? []), n.name]);
  return units
    .map((u) => ({
      code: u.code,
      kind: u.kind,
      parentCode: u.parent_code,
      provinceCode: u.province_code,
      name: u.name,
      aliases: aliasBy.get(u.code) ?? [],
      names: namesBy.get(u.code) ?? [u.name],
    }))
    .sort((a, b) => compareUnitCodes(a.code, b.code));
}
