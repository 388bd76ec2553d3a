/**
 * The notice (Thông báo) as format-neutral blocks, in the structure offices sign (Nghị định
 * 30/2020/NĐ-CP; the seed notice of Bình Phước): the two-column frame, title and trích yếu, "Căn
 * cứ…", I. Kết quả triển khai (1 the province, 2 sở, ban, ngành, 3 xã, phường, 4 Cổng tỉnh vs Cổng
 * quốc gia), II and III as drafts derived from the data for the office to rewrite, the closing,
 * Nơi nhận and the signature; open alerts in an annex. Markdown, HTML and DOCX serialise the same
 * blocks, so the formats cannot drift apart.
 */
import { compareUnitCodes, viCount, viDate, viDelta, viInteger, viNumber, weekLabel } from '../domain/format.ts';
import { metricDef } from '../domain/metrics.ts';
import { ruleLabel, severityLabel } from '../domain/vocabulary.ts';
import { shortfallWords } from '../drilldown/plan.ts';
import type { BulletinModel, UnitRankRow, ValueRow } from './model.ts';
import { nationalSentence, overdueSentence, rankSentence, trendSentences } from './sentences.ts';

export interface TableRow {
  cells: string[];
  highlight?: 'low' | 'fall' | null;
  /** A group row (`I  Số hóa hồ sơ`): bold, across the table. */
  group?: boolean;
}

export type Block =
  | { type: 'frame'; issuingBody: string; office: string; number: string; placeDate: string }
  | { type: 'title'; text: string; subtitle: string }
  | { type: 'heading'; level: 1 | 2; text: string }
  | { type: 'paragraph'; text: string; emphasis?: boolean; draft?: boolean }
  | { type: 'list'; items: string[]; draft?: boolean }
  | { type: 'table'; headers: string[]; rows: TableRow[]; numeric: boolean[]; widths?: number[] }
  | { type: 'chart' }
  | { type: 'signature'; recipients: string[]; titles: string[]; name: string }
  | { type: 'pagebreak' };

/** The mark of a generated draft paragraph (sections II and III): the office rewrites them. */
export const DRAFT_NOTE = '(Dự thảo gợi ý từ số liệu — đề nghị phòng chuyên môn biên tập, bổ sung trước khi trình ký.)';

function change(r: Pick<ValueRow, 'change'>): string {
  return r.change === null ? '—' : r.change === 0 ? '-' : viDelta(r.change);
}

function valueTable(rows: readonly ValueRow[], m: BulletinModel, withMax: boolean): Block {
  const prev = m.previousAt ? viDate(m.previousAt, m.timezone) : 'Lần trước';
  const cur = viDate(m.currentAt, m.timezone);
  const vs = m.previousAt ? `Tăng, giảm (so với ${viDate(m.previousAt, m.timezone)})` : 'Tăng, giảm';
  const headers = ['TT', 'Chỉ số', ...(withMax ? ['Tối đa'] : []), `Năm ${m.baselineYear}`, prev, cur, vs];
  return {
    type: 'table',
    headers,
    numeric: headers.map((_, i) => i >= 2),
    widths: withMax ? [6, 30, 8, 10, 14, 14, 18] : [6, 37, 11, 14, 14, 18],
    rows: rows.map((r, i) => ({
      cells: [
        String(i + 1),
        r.label,
        ...(withMax ? [r.max === null ? '' : String(r.max)] : []),
        viNumber(r.baseline),
        viNumber(r.previous),
        viNumber(r.current),
        change(r),
      ],
    })),
  };
}

/** Beyond this many, units without activity are named in one paragraph instead of table rows. */
const INACTIVE_ROWS_MAX = 20;

function unitTable(all: readonly UnitRankRow[], m: BulletinModel, what: string): Block[] {
  const inactive = all.filter((r) => r.noActivity);
  const rows = inactive.length > INACTIVE_ROWS_MAX ? all.filter((r) => !r.noActivity) : all;
  const prev = m.previousAt ? `Điểm đánh giá (${viDate(m.previousAt, m.timezone)})` : 'Điểm đánh giá lần trước';
  const headers = [
    'STT',
    what,
    prev,
    `Điểm đánh giá (${viDate(m.currentAt, m.timezone)})`,
    'Tăng, giảm điểm',
    'Ghi chú',
  ];
  const blocks: Block[] = [];
  if (rows.length) {
    blocks.push({
      type: 'table',
      headers,
      numeric: [false, false, true, true, true, false],
      widths: [7, 33, 16, 16, 12, 16],
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
            r.name,
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

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII'];

/** I.4: only the gaps beyond tolerance, grouped by indicator as the notice does, with both dates. */
function reconciliationBlocks(m: BulletinModel): Block[] {
  const r = m.reconciliation;
  if (!r || !r.configured)
    return [
      {
        type: 'paragraph',
        text: 'Chưa có số liệu của Hệ thống thông tin giải quyết TTHC cấp tỉnh để đối soát (nguồn số liệu cấp tỉnh chưa được thiết lập).',
      },
    ];
  const natDate = viDate(m.currentAt, m.timezone);
  const provDate = r.provincialCapturedAt ? viDate(r.provincialCapturedAt, m.timezone) : null;
  const outside = r.rows.filter((x) => x.outside);
  const blocks: Block[] = [
    {
      type: 'paragraph',
      text: `Đối soát số liệu giữa Cổng dịch vụ công tỉnh (thu thập ngày ${provDate ?? '—'}) và Cổng Dịch vụ công quốc gia (thu thập ngày ${natDate}); chỉ nêu các chênh lệch vượt ngưỡng ${viNumber(r.tolerancePoints).replace(/,00$/, '')} điểm %.${provDate && provDate !== natDate ? ' Hai nguồn được thu thập vào hai ngày khác nhau: một phần chênh lệch có thể do thời điểm thu thập.' : ''}`,
    },
  ];
  if (outside.length === 0)
    return [...blocks, { type: 'paragraph', text: 'Không có chênh lệch vượt ngưỡng giữa hai hệ thống.' }];
  const labels = [...new Set(outside.map((x) => x.label))];
  const rows: TableRow[] = [];
  labels.forEach((label, gi) => {
    rows.push({ cells: [ROMAN[gi] ?? String(gi + 1), label, '', '', ''], group: true });
    outside
      .filter((x) => x.label === label)
      .sort((a, b) => compareUnitCodes(a.unitCode, b.unitCode))
      .forEach((x, i) => {
        const fmt = (v: number | null) => (x.unit === '%' ? `${viNumber(v)}%` : viInteger(v));
        const gap =
          x.gap === null ? '—' : x.unit === '%' ? viDelta(x.gap) : `${x.gap > 0 ? '+' : ''}${viInteger(x.gap)}`;
        rows.push({ cells: [String(i + 1), x.unitName, fmt(x.provincial), fmt(x.national), gap] });
      });
  });
  blocks.push({
    type: 'table',
    headers: ['STT', 'Nội dung', 'Cổng DVC tỉnh', 'Cổng DVCQG', 'Chênh lệch'],
    numeric: [false, false, true, true, true],
    widths: [8, 44, 16, 16, 16],
    rows,
  });
  return blocks;
}

/** II: what the data says about causes, as points for the office to rewrite. */
function causesDraft(m: BulletinModel): string[] {
  const out: string[] = [];
  const since = m.previousAt ? ` so với ngày ${viDate(m.previousAt, m.timezone)}` : '';
  if (m.lists.fell.length)
    out.push(
      `Có ${viCount(m.lists.fell.length)} chỉ số giảm${since}: ${m.lists.fell.map((r) => `${r.label} (${viDelta(r.change)})`).join('; ')}.`,
    );
  // Units whose total fell, the largest falls first (five named, the rest counted).
  const fallers = (what: string, rows: readonly UnitRankRow[]) => {
    const fell = rows.filter((r) => r.change !== null && r.change < 0).sort((a, b) => a.change! - b.change!);
    if (fell.length)
      out.push(
        `${what} có tổng điểm giảm: ${fell
          .slice(0, 5)
          .map((r) => `${r.name} (${viDelta(r.change)})`)
          .join('; ')}${fell.length > 5 ? ` và ${fell.length - 5} đơn vị khác` : ''}.`,
      );
  };
  fallers('Sở, ban, ngành', m.departments);
  fallers('Xã, phường', m.communes);
  const gaps = m.reconciliation?.rows.filter((x) => x.outside) ?? [];
  if (gaps.length)
    out.push(
      `Số liệu Cổng dịch vụ công tỉnh và Cổng Dịch vụ công quốc gia còn chênh lệch vượt ngưỡng tại ${viCount(new Set(gaps.map((g) => g.unitCode)).size)} đơn vị (${[...new Set(gaps.map((g) => g.label))].join('; ')}): cần đối soát, đồng bộ hồ sơ.`,
    );
  if (m.drilldown.length)
    out.push(
      `Các thủ tục làm giảm điểm nhiều nhất (số liệu theo thủ tục trên Cổng DVCQG): ${m.drilldown
        .map(
          (d) => `${d.unitName} — thủ tục ${d.formalityCode} (${viInteger(d.shortfall)} ${shortfallWords(d.metric)})`,
        )
        .join('; ')}.`,
    );
  if (m.counts.overdue) out.push(`Còn ${viInteger(m.counts.overdue)} hồ sơ giải quyết trễ hạn.`);
  if (out.length === 0) out.push('Không có chỉ số giảm, không có chênh lệch vượt ngưỡng trong kỳ này.');
  return out;
}

/** III: proposals that follow from the same facts, for the office to rewrite. */
function proposalsDraft(m: BulletinModel): string[] {
  const out: string[] = [];
  const fell = [...m.departments, ...m.communes].filter((r) => r.change !== null && r.change < 0);
  if (fell.length)
    out.push(
      `(1) Đề nghị các sở, ban, ngành và UBND các xã, phường có tổng điểm giảm (${fell
        .slice(0, 6)
        .map((r) => r.name)
        .join(
          '; ',
        )}${fell.length > 6 ? '; …' : ''}) rà soát nguyên nhân, khắc phục và báo cáo kết quả về ${m.frame.officeName}.`,
    );
  const gaps = m.reconciliation?.rows.filter((x) => x.outside) ?? [];
  if (gaps.length)
    out.push(
      `(${out.length + 1}) Đề nghị các đơn vị có chênh lệch số liệu giữa hai hệ thống phối hợp với đơn vị quản trị Hệ thống thông tin giải quyết TTHC tỉnh đối soát, đồng bộ đầy đủ hồ sơ lên Cổng Dịch vụ công quốc gia.`,
    );
  out.push(
    `(${out.length + 1}) Đề nghị thủ trưởng các sở, ban, ngành, địa phương quan tâm chỉ đạo, theo dõi thường xuyên kết quả Bộ chỉ số 766 của đơn vị${m.frame.targetDecision ? `, thực hiện các chỉ tiêu, nhiệm vụ được giao tại ${m.frame.targetDecision}` : ''}.`,
  );
  return out;
}

export function bulletinBlocks(m: BulletinModel): Block[] {
  const cur = viDate(m.currentAt, m.timezone);
  const year = m.generatedAt.toLocaleString('en-US', { timeZone: m.timezone, year: 'numeric' });
  const blocks: Block[] = [
    {
      type: 'frame',
      issuingBody: m.frame.issuingBody,
      office: m.frame.office,
      number: `Số:        /${m.frame.symbol}`,
      placeDate: `${m.frame.place}, ngày      tháng      năm ${year}`,
    },
    {
      type: 'title',
      text: 'THÔNG BÁO',
      subtitle: `Về kết quả Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công (Bộ chỉ số 766) ${m.periodLabel} của ${m.provinceTitle}, số liệu ngày ${cur}`,
    },
    {
      type: 'paragraph',
      text: 'Căn cứ Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ phê duyệt Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công theo thời gian thực trên môi trường điện tử;',
    },
    {
      type: 'paragraph',
      text: `Qua tổng hợp, thống kê các dữ liệu của Bộ chỉ số trên Cổng Dịch vụ công quốc gia (https://dichvucong.gov.vn, thu thập ngày ${cur}${m.previousAt ? `, so sánh với ngày ${viDate(m.previousAt, m.timezone)}` : ''}), ${m.frame.officeName} thông báo như sau:`,
    },
    { type: 'heading', level: 1, text: 'I. KẾT QUẢ TRIỂN KHAI' },
    { type: 'heading', level: 2, text: `1. Về chỉ số 766 của ${m.provinceTitle}` },
    { type: 'paragraph', text: rankSentence(m) },
  ];
  const national = nationalSentence(m);
  if (national) blocks.push({ type: 'paragraph', text: national });
  if (!m.hasBaseline)
    blocks.push({
      type: 'paragraph',
      emphasis: true,
      text: `Chưa có số liệu năm ${m.baselineYear} theo cùng cách tính (API 2026): cột năm ${m.baselineYear} để trống.`,
    });
  blocks.push({ type: 'paragraph', text: 'Các chỉ số chỉ đạo, điều hành (tỷ lệ %):' });
  blocks.push(valueTable(m.directive, m, false));
  blocks.push({ type: 'paragraph', text: 'Điểm theo nhóm chỉ số:' });
  blocks.push(valueTable(m.groups, m, true));
  if (m.trend.length >= 2) blocks.push({ type: 'chart' });
  if (m.previousAt)
    blocks.push({
      type: 'paragraph',
      text: `Qua phân tích dữ liệu, so sánh với kết quả ngày ${viDate(m.previousAt, m.timezone)}, nhận thấy:`,
    });
  const overdue = overdueSentence(m);
  blocks.push({ type: 'list', items: [...trendSentences(m), ...(overdue ? [overdue] : [])] });
  blocks.push({ type: 'heading', level: 2, text: '2. Kết quả Bộ chỉ số 766 tại các sở, ban, ngành' });
  blocks.push(
    ...(m.departments.length
      ? unitTable(m.departments, m, 'Đơn vị')
      : [{ type: 'paragraph' as const, text: 'Không có số liệu sở, ban, ngành trong lần thu thập này.' }]),
  );
  blocks.push({ type: 'heading', level: 2, text: '3. Kết quả Bộ chỉ số 766 tại các xã, phường, đặc khu' });
  blocks.push(
    ...(m.communes.length
      ? unitTable(m.communes, m, 'Địa phương')
      : [{ type: 'paragraph' as const, text: 'Không có số liệu xã, phường trong lần thu thập này.' }]),
  );
  blocks.push({
    type: 'heading',
    level: 2,
    text: '4. Về đồng bộ dữ liệu giữa Cổng dịch vụ công tỉnh và Cổng Dịch vụ công quốc gia',
  });
  blocks.push(...reconciliationBlocks(m));
  blocks.push({ type: 'heading', level: 1, text: 'II. NGUYÊN NHÂN, TỒN TẠI HẠN CHẾ' });
  blocks.push({ type: 'paragraph', emphasis: true, draft: true, text: DRAFT_NOTE });
  blocks.push({ type: 'list', draft: true, items: causesDraft(m) });
  blocks.push({ type: 'heading', level: 1, text: 'III. KIẾN NGHỊ GIẢI PHÁP' });
  blocks.push({ type: 'paragraph', emphasis: true, draft: true, text: DRAFT_NOTE });
  for (const text of proposalsDraft(m)) blocks.push({ type: 'paragraph', draft: true, text });
  blocks.push({
    type: 'paragraph',
    text: `Trên đây là nội dung Thông báo của ${m.frame.officeName} về kết quả Bộ chỉ số 766 trên địa bàn ${m.provinceTitle}./.`,
  });
  blocks.push({
    type: 'signature',
    recipients: m.frame.recipients,
    titles: m.frame.signerTitles,
    name: m.frame.signerName,
  });
  blocks.push(...annex(m));
  return blocks;
}

/** The open alerts are not part of the notice: an annex, with the figures of the week described. */
function annex(m: BulletinModel): Block[] {
  const unitAlerts = m.alerts
    .filter((a) => a.kind !== 'source')
    .sort(
      (a, b) =>
        compareUnitCodes(a.unitCode ?? '', b.unitCode ?? '') ||
        a.rule.localeCompare(b.rule) ||
        (a.metric ?? '').localeCompare(b.metric ?? ''),
    );
  const blocks: Block[] = [
    { type: 'pagebreak' },
    { type: 'heading', level: 1, text: 'PHỤ LỤC: CÁC CẢNH BÁO ĐANG MỞ' },
    {
      type: 'paragraph',
      emphasis: true,
      text: `(Kèm theo Thông báo; số liệu ngày ${viDate(m.currentAt, m.timezone)}, không phải nội dung trình ký)`,
    },
  ];
  if (unitAlerts.length === 0) return [...blocks, { type: 'paragraph', text: 'Không có cảnh báo đang mở.' }];
  blocks.push({
    type: 'table',
    headers: ['Đơn vị', 'Cảnh báo', 'Chỉ số', 'Mức độ', 'Hiện nay', 'Từ tuần'],
    numeric: [false, false, false, false, false, false],
    widths: [27, 17, 15, 12, 17, 12],
    rows: unitAlerts.map((a) => ({
      cells: [
        a.unitName,
        ruleLabel(a.rule),
        a.metric ? (metricDef(a.metric)?.short ?? '') : '',
        severityLabel(a.severity),
        a.now,
        a.sinceWeek ? weekLabel(a.sinceWeek) : '—',
      ],
    })),
  });
  return blocks;
}
