/**
 * The bulletin's content as format-neutral blocks (headings, paragraphs, lists, tables, the
 * chart). Markdown, HTML and DOCX are three serialisations of the same blocks, so the formats
 * cannot drift apart.
 */
import { compareUnitCodes, viDate, viDateTime, viDelta, viInteger, viNumber, weekLabel } from '../domain/format.ts';
import { metricDef } from '../domain/metrics.ts';
import type { BulletinModel, UnitRankRow, ValueRow } from './model.ts';
import { nationalSentence, overdueSentence, rankSentence, trendSentences } from './sentences.ts';

export type Block =
  | { type: 'title'; text: string; subtitle: string }
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string; emphasis?: boolean }
  | { type: 'list'; items: string[] }
  | {
      type: 'table';
      headers: string[];
      rows: { cells: string[]; highlight?: 'low' | 'fall' | null }[];
      numeric: boolean[];
      widths?: number[];
    }
  | { type: 'chart' };

function pct(v: number | null): string {
  return viNumber(v);
}

function valueTable(rows: readonly ValueRow[], m: BulletinModel, withMax: boolean): Block {
  const prev = m.previousAt ? viDate(m.previousAt, m.timezone) : 'Lần trước';
  const cur = viDate(m.currentAt, m.timezone);
  const headers = ['TT', 'Chỉ số', ...(withMax ? ['Tối đa'] : []), `Năm ${m.baselineYear}`, prev, cur, 'Tăng, giảm'];
  const rest = (54 / (headers.length - 2)).toFixed(1);
  return {
    type: 'table',
    headers,
    numeric: headers.map((_, i) => i >= 2),
    widths: [6, 40, ...headers.slice(2).map(() => Number(rest))],
    rows: rows.map((r, i) => ({
      cells: [
        String(i + 1),
        r.label,
        ...(withMax ? [r.max === null ? '' : String(r.max)] : []),
        pct(r.baseline),
        pct(r.previous),
        pct(r.current),
        r.change === null ? '—' : r.change === 0 ? '-' : viDelta(r.change),
      ],
    })),
  };
}

/** Beyond this many, units without activity are named in one paragraph instead of table rows. */
const INACTIVE_ROWS_MAX = 20;

function unitTable(all: readonly UnitRankRow[], m: BulletinModel): Block[] {
  const inactive = all.filter((r) => r.noActivity);
  const rows = inactive.length > INACTIVE_ROWS_MAX ? all.filter((r) => !r.noActivity) : all;
  const prev = m.previousAt ? `Điểm ${viDate(m.previousAt, m.timezone)}` : 'Điểm lần trước';
  const headers = ['STT', 'Đơn vị', prev, `Điểm ${viDate(m.currentAt, m.timezone)}`, 'Tăng, giảm', 'Ghi chú'];
  const blocks: Block[] = [];
  if (rows.length) {
    blocks.push({
      type: 'table',
      headers,
      numeric: [false, false, true, true, true, false],
      widths: [6, 44, 12, 12, 11, 15],
      rows: rows.map((r) => {
        const notes = [
          r.noActivity ? null : r.status,
          r.lowest ? 'thấp nhất' : null,
          r.biggestFaller ? 'giảm nhiều nhất' : null,
        ]
          .filter(Boolean)
          .join('; ');
        return {
          cells: [
            r.rank === null ? '—' : String(r.rank),
            `${r.name} (${r.code})`,
            r.previous === null ? (r.previousStatus ?? '—') : viNumber(r.previous),
            r.current === null ? (r.status ?? '—') : viNumber(r.current),
            r.change === null ? '—' : viDelta(r.change),
            notes,
          ],
          highlight: r.biggestFaller ? 'fall' : r.lowest ? 'low' : null,
        };
      }),
    });
  }
  if (inactive.length > INACTIVE_ROWS_MAX) {
    blocks.push({
      type: 'paragraph',
      text: `Không phát sinh hồ sơ (${viInteger(inactive.length)} đơn vị, không xếp hạng): ${inactive.map((r) => `${r.name} (${r.code})`).join('; ')}.`,
    });
  }
  return blocks;
}

export function bulletinBlocks(m: BulletinModel): Block[] {
  const blocks: Block[] = [];
  const compared = m.previousAt ? `, so với lần thu thập ${viDateTime(m.previousAt, m.timezone)}` : '';
  blocks.push({
    type: 'title',
    text: 'THÔNG BÁO',
    subtitle: m.title,
  });
  blocks.push({
    type: 'paragraph',
    emphasis: true,
    text: `Số liệu Bộ chỉ số 766 trên Cổng Dịch vụ công quốc gia thu thập lúc ${viDateTime(m.currentAt, m.timezone)}${compared} (giờ Việt Nam). Bản dự thảo do chiso766 tạo lúc ${viDateTime(m.generatedAt, m.timezone)}; đề nghị rà soát trước khi ban hành.`,
  });

  blocks.push({ type: 'heading', text: `1. Xếp hạng của ${m.province.name}` });
  blocks.push({ type: 'paragraph', text: rankSentence(m) });
  const national = nationalSentence(m);
  if (national) blocks.push({ type: 'paragraph', text: national });

  blocks.push({ type: 'heading', text: '2. Điểm theo nhóm chỉ số và các chỉ số chỉ đạo, điều hành' });
  if (!m.hasBaseline)
    blocks.push({
      type: 'paragraph',
      emphasis: true,
      text: `Chưa có số liệu năm ${m.baselineYear} theo cùng cách tính (API 2026): cột năm ${m.baselineYear} để trống.`,
    });
  blocks.push(valueTable(m.groups, m, true));
  blocks.push({ type: 'paragraph', text: 'Các chỉ số chỉ đạo, điều hành (tỷ lệ %):' });
  blocks.push(valueTable(m.directive, m, false));

  blocks.push({ type: 'heading', text: '3. Nhận xét' });
  const overdue = overdueSentence(m);
  blocks.push({ type: 'list', items: [...trendSentences(m), ...(overdue ? [overdue] : [])] });

  blocks.push({ type: 'heading', text: '4. Kết quả các sở, ban, ngành và các xã, phường' });
  blocks.push({ type: 'paragraph', emphasis: true, text: 'a) Các sở, ban, ngành (xếp theo tổng điểm):' });
  blocks.push(
    ...(m.departments.length
      ? unitTable(m.departments, m)
      : [{ type: 'paragraph' as const, text: 'Không có số liệu sở, ban, ngành trong lần thu thập này.' }]),
  );
  blocks.push({ type: 'paragraph', emphasis: true, text: 'b) Các xã, phường, đặc khu (xếp theo tổng điểm):' });
  blocks.push(
    ...(m.communes.length
      ? unitTable(m.communes, m)
      : [{ type: 'paragraph' as const, text: 'Không có số liệu xã, phường trong lần thu thập này.' }]),
  );

  blocks.push({ type: 'heading', text: '5. Cảnh báo đang mở' });
  // By unit (natural code order), then rule and metric: the same alerts always print the same way.
  // Figures are those of the cycle described; "Từ tuần" is the data week the alert was first raised in.
  const unitAlerts = m.alerts
    .filter((a) => a.kind !== 'source')
    .sort(
      (a, b) =>
        compareUnitCodes(a.unitCode ?? '', b.unitCode ?? '') ||
        a.rule.localeCompare(b.rule) ||
        (a.metric ?? '').localeCompare(b.metric ?? ''),
    );
  if (unitAlerts.length === 0) blocks.push({ type: 'paragraph', text: 'Không có cảnh báo đang mở.' });
  else {
    blocks.push({
      type: 'table',
      headers: ['Đơn vị', 'Cảnh báo', 'Chỉ số', 'Mức độ', 'Hiện nay', 'Từ tuần'],
      numeric: [false, false, false, false, false, false],
      widths: [28, 15, 15, 11, 19, 12],
      rows: unitAlerts.map((a) => ({
        cells: [
          `${a.unitName} (${a.unitCode ?? '—'})`,
          RULE_LABEL[a.rule] ?? a.rule,
          a.metric ? (metricDef(a.metric)?.short ?? a.metric) : '',
          a.severity === 'critical' ? 'nghiêm trọng' : a.severity === 'info' ? 'thông tin' : 'cảnh báo',
          a.now,
          a.sinceWeek ? weekLabel(a.sinceWeek) : '—',
        ],
      })),
    });
  }

  blocks.push({ type: 'heading', text: '6. So sánh số liệu Cổng dịch vụ công tỉnh và Cổng Dịch vụ công quốc gia' });
  if (!m.reconciliation || !m.reconciliation.configured) {
    blocks.push({
      type: 'paragraph',
      text: 'Chưa cấu hình nguồn số liệu của Hệ thống thông tin giải quyết TTHC cấp tỉnh (mục provincial trong chiso766.yaml), nên chưa có bảng so sánh.',
    });
  } else if (m.reconciliation.rows.length === 0) {
    blocks.push({ type: 'paragraph', text: 'Không có cặp số liệu nào để so sánh trong lần thu thập này.' });
  } else {
    blocks.push({
      type: 'paragraph',
      text: `Số liệu Cổng tỉnh thu thập lúc ${m.reconciliation.provincialCapturedAt ? viDateTime(m.reconciliation.provincialCapturedAt, m.timezone) : '—'}; Cổng quốc gia lúc ${viDateTime(m.currentAt, m.timezone)}.`,
    });
    blocks.push({
      type: 'table',
      headers: ['Đơn vị', 'Chỉ số', 'Cổng tỉnh', 'Cổng quốc gia', 'Chênh lệch', ''],
      numeric: [false, false, true, true, true, false],
      widths: [28, 26, 12, 12, 11, 11],
      rows: m.reconciliation.rows.map((r) => ({
        cells: [
          `${r.unitName} (${r.unitCode})`,
          r.label,
          r.unit === '%' ? viNumber(r.provincial) : viInteger(r.provincial),
          r.unit === '%' ? viNumber(r.national) : viInteger(r.national),
          r.gap === null ? '—' : r.unit === '%' ? viDelta(r.gap) : `${r.gap > 0 ? '+' : ''}${viInteger(r.gap)}`,
          r.outside ? 'vượt ngưỡng' : '',
        ],
        highlight: r.outside ? 'fall' : null,
      })),
    });
  }

  blocks.push({ type: 'heading', text: '7. Diễn biến tổng điểm và các nhóm chỉ số' });
  if (m.trend.length < 2) blocks.push({ type: 'paragraph', text: 'Chưa đủ số lần thu thập để vẽ diễn biến.' });
  else blocks.push({ type: 'chart' });
  return blocks;
}

const RULE_LABEL: Record<string, string> = {
  floor: 'Dưới ngưỡng',
  weeklyDrop: 'Giảm trong tuần',
  consecutiveDeclines: 'Giảm liên tiếp',
  rankDrop: 'Tụt hạng',
  nationalRankDrop: 'Tụt hạng toàn quốc',
  target: 'Chưa đạt chỉ tiêu',
  noActivity: 'Không phát sinh hồ sơ',
  reconciliation: 'Chênh lệch số liệu',
};
