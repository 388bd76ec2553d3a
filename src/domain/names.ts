/**
 * Unit names as a reader expects them. The portal's names carry noise: a province suffix added to
 * tell duplicates apart ("Sở Tư pháp - thành phố Đồng Nai", "UBND xã Lâm Thao - Tỉnh Phú Thọ"),
 * sometimes the code, and inconsistent casing of the administrative word ("UBND Xã", "UBND xã").
 * The raw name stays in the database as evidence; documents and e-mails show this one.
 */

import { PROVINCES } from './provinces.ts';

const PROVINCE_SUFFIX = /\s+[-–]\s+(?:tỉnh|thành phố|tp\.?)\s+[^-–()]+$/iu;
/** "UBND xã Long Bình - Đồng Nai": a bare province name as the suffix. */
const PROVINCE_NAMES = new Set(PROVINCES.map((p) => p.name.replace(/^TP\s+/u, '').toLocaleLowerCase('vi')));
const BARE_SUFFIX = /\s+[-–]\s+([^-–()]+)$/u;
const CODE_SUFFIX = /\s*\((?:\d{3}\.\d{2}\.\d{2}\.)?H\d{2}(?:\.\d{1,3})?\)\s*$/u;
/** Administrative words written in lower case after "UBND" (Nghị định 30/2020 style: "UBND xã Tân Phú"). */
const ADMIN_WORDS = ['thành phố', 'thị trấn', 'thị xã', 'đặc khu', 'phường', 'tỉnh', 'xã', 'huyện', 'quận'];
const AFTER_UBND = new RegExp(
  `(^|\\s)(UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\\s+(${ADMIN_WORDS.join('|')})(?=\\s|$)`,
  'iu',
);

export function displayUnitName(raw: string): string {
  let name = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
  name = name.replace(CODE_SUFFIX, '');
  // The suffix only when something remains before it ("UBND tỉnh Phú Thọ" itself is kept).
  const stripped = name.replace(PROVINCE_SUFFIX, '');
  if (stripped.length > 0 && stripped !== name) name = stripped;
  const bare = BARE_SUFFIX.exec(name);
  if (bare && bare.index > 0 && PROVINCE_NAMES.has(bare[1]!.trim().toLocaleLowerCase('vi')))
    name = name.slice(0, bare.index);
  name = name.replace(
    AFTER_UBND,
    (_m, lead: string, ubnd: string, word: string) => `${lead}${ubnd} ${word.toLocaleLowerCase('vi')}`,
  );
  return name;
}
