/** The generated Vietnamese sentences of the bulletin, shared by every format. */
import { viCount, viDate, viDelta, viInteger, viNumber } from '../domain/format.ts';
import type { BulletinModel, Trend, ValueRow } from './model.ts';

function twoDigits(n: number | null): string {
  return n === null ? '—' : String(n).padStart(2, '0');
}

export function rankSentence(m: BulletinModel): string {
  const at = viDate(m.currentAt, m.timezone);
  const total = m.rank.total === null ? '' : `, đạt ${viNumber(m.rank.total)}/100 điểm`;
  const who = `kết quả đánh giá Bộ chỉ số 766 của ${m.provinceTitle}`;
  if (m.rank.current === null)
    return `Tính đến hết ngày ${at}, ${who}${total}, chưa có xếp hạng toàn quốc trong lần thu thập này.`;
  const now = `đang xếp hạng ${twoDigits(m.rank.current)}/${m.rank.of} tỉnh, thành phố`;
  if (m.rank.previous === null || m.previousAt === null)
    return `Tính đến hết ngày ${at}, ${who}${total}, ${now}. Cụ thể:`;
  const before = viDate(m.previousAt, m.timezone);
  const change = m.rank.change!;
  const how =
    change > 0 ? `tăng ${viCount(change)} bậc` : change < 0 ? `giảm ${viCount(-change)} bậc` : 'giữ nguyên thứ hạng';
  return `Tính đến hết ngày ${at}, ${who}${total}, ${now}, ${how} so với kết quả đánh giá ngày ${before} (xếp hạng ${twoDigits(m.rank.previous)}/${m.rank.of}). Cụ thể:`;
}

function item(r: ValueRow, withChange: boolean): string {
  return withChange && r.change !== null ? `${r.label} (${viDelta(r.change)})` : r.label;
}

const TREND_TEXT: Record<Trend, (n: string) => string> = {
  fell: (n) => `Có ${n} chỉ số giảm gồm`,
  rose: (n) => `Có ${n} chỉ số tăng gồm`,
  at100: (n) => `Có ${n} chỉ số đang giữ tỷ lệ đạt 100% gồm`,
  unchanged: (n) => `Có ${n} chỉ số không thay đổi gồm`,
  noData: (n) => `Có ${n} chỉ số chưa có dữ liệu`,
};

/** One sentence per non-empty list; the number is the list's own length. */
export function trendSentences(m: BulletinModel): string[] {
  const out: string[] = [];
  for (const t of ['fell', 'rose', 'at100', 'unchanged', 'noData'] as Trend[]) {
    const list = m.lists[t];
    if (list.length === 0) continue;
    out.push(
      `${TREND_TEXT[t](viCount(list.length))}: ${list.map((r) => item(r, t === 'fell' || t === 'rose')).join('; ')}.`,
    );
  }
  if (m.previousAt === null) out.unshift('Đây là lần thu thập đầu tiên của kỳ: chưa có số liệu để so sánh.');
  // The notice says so when nothing fell (the reader should not have to count the other lines).
  else if (m.lists.fell.length === 0) out.unshift('Không có chỉ số giảm.');
  return out;
}

export function overdueSentence(m: BulletinModel): string | null {
  if (m.counts.overdue === null) return null;
  const prev = m.counts.overduePrevious;
  const change =
    prev === null
      ? ''
      : m.counts.overdue < prev
        ? `, giảm ${viInteger(prev - m.counts.overdue)} hồ sơ so với lần trước (${viInteger(prev)})`
        : m.counts.overdue > prev
          ? `, tăng ${viInteger(m.counts.overdue - prev)} hồ sơ so với lần trước (${viInteger(prev)})`
          : ', không đổi so với lần trước';
  return `Hồ sơ giải quyết trễ hạn: ${viInteger(m.counts.overdue)}/${viInteger(m.counts.received)} hồ sơ${change}.`;
}

/** The two national figures, each named for what it is (they differ: 61,55 vs 56,56 on 2026-09-17). */
export function nationalSentence(m: BulletinModel): string | null {
  const parts: string[] = [];
  if (m.national.average !== null)
    parts.push(
      `điểm bình quân cả nước (trung bình cộng tổng điểm của ${m.rank.of} tỉnh, thành phố) là ${viNumber(m.national.average)}`,
    );
  if (m.national.score !== null)
    parts.push(`điểm của cả nước do Cổng Dịch vụ công quốc gia công bố là ${viNumber(m.national.score)}`);
  if (parts.length === 0) return null;
  const text = parts.join('; ');
  return `Cùng thời điểm, ${text}.`;
}
