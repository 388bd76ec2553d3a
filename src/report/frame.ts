/**
 * The administrative frame of the notice (Nghị định 30/2020/NĐ-CP): the `bulletin:` settings, with
 * what is not set derived from the province ("UBND TỈNH ĐỒNG NAI", place "Đồng Nai").
 */
import type { BulletinConfig } from '../config/schema.ts';
import { PROVINCES } from '../domain/provinces.ts';

export interface NoticeFrame {
  issuingBody: string;
  office: string;
  officeName: string;
  symbol: string;
  place: string;
  signerTitles: string[];
  signerName: string;
  recipients: string[];
  targetDecision: string | null;
}

export function resolveFrame(b: BulletinConfig, provinceCode: string): NoticeFrame {
  const p = PROVINCES.find((x) => x.code === provinceCode);
  const city = p?.name.startsWith('TP ') ?? false;
  const place = p ? (city ? p.name.slice(3) : p.name) : provinceCode;
  return {
    issuingBody: b.issuingBody ?? `UBND ${city ? 'THÀNH PHỐ' : 'TỈNH'} ${place.toLocaleUpperCase('vi')}`,
    office: b.office,
    officeName: b.officeName,
    symbol: b.symbol,
    place: b.place ?? place,
    signerTitles: b.signer.titles,
    signerName: b.signer.name,
    recipients: b.recipients,
    targetDecision: b.targetDecision ?? null,
  };
}

/** The office in a sentence: "Văn phòng UBND tỉnh" → "Văn phòng UBND tỉnh Đồng Nai". */
export function senderName(f: NoticeFrame): string {
  return /(tỉnh|thành phố)$/iu.test(f.officeName) ? `${f.officeName} ${f.place}` : f.officeName;
}
