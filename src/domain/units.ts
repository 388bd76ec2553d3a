/** Units as every room speaks of them: a province, a department (sở/ban/ngành) or a commune. */

export type UnitKind = 'province' | 'department' | 'commune';

export interface UnitInfo {
  code: string;
  kind: UnitKind;
  name: string;
}

/** A unit as a portal answer shows it (registered by ingest). */
export interface UnitSeen {
  code: string;
  kind: UnitKind;
  parentCode: string | null;
  provinceCode: string;
  /** NFC-normalised, as the portal wrote it. */
  name: string;
  aliases: { system: string; alias: string }[];
}
