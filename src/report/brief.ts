/**
 * `report --format text`: the notice in a few lines for the office's chat groups (Zalo, Telegram) —
 * rank and its change, the indicators and the units that fell most, the gaps between the two
 * portals. Plain text, at most 1 500 characters, figures of the week the notice describes.
 */
import { viCount, viDate, viDelta, viNumber } from '../domain/format.ts';
import type { BulletinModel, UnitRankRow } from './model.ts';

export const BRIEF_MAX_CHARS = 1500;
/** Items per list: a chat message is read on a phone. */
const ITEMS = 3;

function fallers(rows: readonly UnitRankRow[]): UnitRankRow[] {
  return rows
    .filter((r) => !r.noActivity && r.change !== null && r.change < 0)
    .sort((a, b) => a.change! - b.change! || a.name.localeCompare(b.name, 'vi'));
}

function listOf<T>(items: readonly T[], show: (t: T) => string): string {
  const shown = items.slice(0, ITEMS).map(show).join('; ');
  return items.length > ITEMS ? `${shown} và ${viCount(items.length - ITEMS)} đơn vị khác` : shown;
}

export function renderBrief(m: BulletinModel): string {
  const cur = viDate(m.currentAt, m.timezone);
  const since = m.previousAt ? ` so với ${viDate(m.previousAt, m.timezone)}` : '';
  const lines: string[] = [`BỘ CHỈ SỐ 766 — ${m.provinceTitle}, ${m.periodLabel} (số liệu ngày ${cur}${since})`];
  const total = m.groups.find((g) => g.code === 'TOTAL');
  const parts: string[] = [];
  if (total?.current != null)
    parts.push(`Tổng điểm ${viNumber(total.current)}/100${total.change !== null ? ` (${viDelta(total.change)})` : ''}`);
  if (m.rank.current !== null) {
    const c = m.rank.change;
    const how = c === null ? '' : c > 0 ? `, tăng ${c} bậc` : c < 0 ? `, giảm ${-c} bậc` : ', giữ nguyên thứ hạng';
    parts.push(`xếp hạng ${m.rank.current}/${m.rank.of} tỉnh, thành phố${how}`);
  }
  if (parts.length) lines.push(`${parts.join('; ')}.`);
  const fell = [...m.directive, ...m.groups.filter((g) => g.code !== 'TOTAL')]
    .filter((r) => r.change !== null && r.change < 0)
    .sort((a, b) => a.change! - b.change!);
  lines.push(
    fell.length
      ? `Chỉ số giảm (${viCount(fell.length)}): ${fell
          .slice(0, ITEMS)
          .map((r) => `${r.label} ${viDelta(r.change)}`)
          .join('; ')}${fell.length > ITEMS ? '; …' : ''}.`
      : 'Không có chỉ số giảm.',
  );
  const dep = fallers(m.departments);
  if (dep.length)
    lines.push(`Sở, ban, ngành giảm nhiều nhất: ${listOf(dep, (r) => `${r.name} ${viDelta(r.change)}`)}.`);
  const com = fallers(m.communes);
  if (com.length) lines.push(`Xã, phường giảm nhiều nhất: ${listOf(com, (r) => `${r.name} ${viDelta(r.change)}`)}.`);
  const gaps = m.reconciliation?.rows.filter((x) => x.outside) ?? [];
  if (gaps.length) {
    const labels = [...new Set(gaps.map((g) => g.label))];
    lines.push(
      `Chênh lệch Cổng tỉnh và Cổng quốc gia vượt ngưỡng: ${viCount(new Set(gaps.map((g) => g.unitCode)).size)} đơn vị (${labels.join('; ')}).`,
    );
  }
  lines.push(`Chi tiết trong Thông báo của ${m.frame.officeName}.`);
  return fitBrief(lines);
}

/** Drop whole lines from the middle (never the heading or the totals) until it fits, then cut. */
function fitBrief(lines: string[]): string {
  const out = [...lines];
  while (out.join('\n').length + 1 > BRIEF_MAX_CHARS && out.length > 3) out.splice(out.length - 2, 1);
  const text = out.join('\n');
  return (text.length + 1 > BRIEF_MAX_CHARS ? `${text.slice(0, BRIEF_MAX_CHARS - 2)}…` : text) + '\n';
}
