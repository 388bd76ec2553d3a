/**
 * The e-mail templates, in one place, rendered by pure functions: a digest model in, subject +
 * HTML (inline CSS: tables that survive Outlook and webmail) + plain text out. Every value that
 * reaches the HTML goes through `esc`.
 */
import { GROUP_CODES, isGroupCode, metricDef, WHAT_TO_CHECK, type GroupCode } from '../domain/metrics.ts';
import { NO_ACTIVITY_LABEL, NO_GROUP_ACTIVITY_LABEL } from '../domain/activity.ts';
import { truncate, viDateTime, viInteger, viNumber, weekLabel } from '../domain/format.ts';
import { endpointLabel, ruleLabel } from '../domain/vocabulary.ts';
import { escapeHtml, figureWithUnit, metricLabel, scoreOf, viPoints } from '../domain/wording.ts';
import type { ReconciliationRow } from '../rules/reconciliation.ts';
import { shortfallWords } from '../drilldown/plan.ts';
import type { DigestDrill } from './drill.ts';

export type AlertEventKind = 'opened' | 'escalated' | 'resolved' | 'repeat';

export interface DigestAlert {
  id: number;
  event: AlertEventKind;
  rule: string;
  severity: string;
  metric: string | null;
  value: number | null;
  previous: number | null;
  threshold: number | null;
  maxScore: number | null;
  message: string;
  /** Rank alerts: what the rank is out of ("20 sở, ban, ngành"). */
  outOf?: string | null;
  /** Rank alerts: ranked among peers of the same kind, all units of the province, or the 34 provinces. */
  rankScope?: 'peer' | 'province' | 'national' | null;
  /** Discrepancy alerts: both figures, their capture times and the gap. */
  discrepancy?: DiscrepancyFigures | null;
}

/** Both figures of a discrepancy, their capture times, and what the unit checks. */
export type DiscrepancyFigures = Pick<
  ReconciliationRow,
  'label' | 'unit' | 'provincial' | 'national' | 'gap' | 'gapPoints'
> & {
  provincialAt: Date | null;
  nationalAt: Date | null;
  check: string | null;
};

export interface DigestRow {
  metric: string;
  current: number | null;
  previous: number | null;
  max: number | null;
  threshold: number | null;
  rank: number | null;
  previousRank: number | null;
  /** What the rank is out of: "20 sở, ban, ngành", "34 tỉnh, thành phố". */
  outOf?: string | null;
  /** Nothing happened in this group (or, for TOTAL, in the unit) this period: "không phát sinh". */
  noActivity?: boolean;
  previousNoActivity?: boolean;
}

export interface DigestUnit {
  code: string;
  name: string;
  alerts: DigestAlert[];
  rows: DigestRow[];
  /** The procedures and dossiers behind the unit's fall (drill-down), when it was drilled. */
  drill?: DigestDrill | null;
}

export interface DigestModel {
  provinceName: string;
  week: string;
  periodLabel: string;
  capturedAt: Date;
  previousCapturedAt: Date | null;
  timezone: string;
  portalUrl: string;
  /** The sending office, in a sentence: "Văn phòng UBND tỉnh Đồng Nai". */
  sender: string;
  /** Whom units contact about their figures. */
  contact: string | null;
  /** Report back by this date (dd/mm/yyyy), and where. */
  replyBy: string | null;
  reportTo: string | null;
  units: DigestUnit[];
  /** Lines for the reader, e.g. "Chưa có người nhận thư của …" in the ops copy. */
  notes: string[];
}

export interface OpsDigestModel {
  week: string;
  timezone: string;
  summaryLine: string | null;
  alerts: (DigestAlert & { kind: string; unitCode: string | null; unitName?: string | null; detail: string })[];
  notes: string[];
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/** `Sở Tư pháp - thành phố Đồng Nai` → `Sở Tư pháp` (the province is implied in the province's mail). */
export function shortUnitName(name: string): string {
  return name.replace(/\s+-\s+(tỉnh|thành phố|Tỉnh|Thành phố|TP\.?)\s+.+$/u, '').trim();
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);
}

/** A score cell: "Không phát sinh" where nothing happened (the portal's 0 is not a score). */
function cellOf(value: number | null, max: number | null, noActivity: boolean | undefined, metric: string): string {
  if (noActivity) return metric === 'TOTAL' ? NO_ACTIVITY_LABEL : NO_GROUP_ACTIVITY_LABEL;
  return scoreOf(value, max);
}

/** `45,10 → 41,25/100` — the figure before and after (just after when there is no before). */
function beforeAfter(a: DigestAlert): string {
  if (a.previous === null || a.value === null) return scoreOf(a.value, a.maxScore);
  return `${viNumber(a.previous)} → ${scoreOf(a.value, a.maxScore)}`;
}

/** `Tỷ lệ số hóa hồ sơ: Cổng tỉnh 99,91%, Cổng quốc gia 57,01% — chênh lệch 42,90 điểm %` */
export function discrepancyClause(d: DiscrepancyFigures): string {
  const gap =
    d.unit === '%' ? `${viNumber(d.gapPoints)} điểm %` : `${viInteger(d.gap === null ? null : Math.abs(d.gap))} hồ sơ`;
  return `${d.label}: Cổng tỉnh ${figureWithUnit(d.provincial, d.unit)}, Cổng quốc gia ${figureWithUnit(d.national, d.unit)} — chênh lệch ${gap}`;
}

/** One short clause for subjects and lists: `tổng điểm 50,10 → 48,15/100 — dưới ngưỡng 50`. */
export function headline(a: DigestAlert): string {
  const label = lowerFirst(metricLabel(a.metric) || ruleLabel(a.rule));
  if (a.event === 'resolved') {
    if (a.rule === 'reconciliation')
      return `${lowerFirst(a.discrepancy?.label ?? label)} — số liệu Cổng tỉnh và Cổng quốc gia đã khớp trong ngưỡng cho phép`;
    return a.rule === 'floor' || a.rule === 'target'
      ? `${label} ${scoreOf(a.value, a.maxScore)} — đã trở lại trên ngưỡng`
      : `${label} — đã hết cảnh báo`;
  }
  switch (a.rule) {
    case 'floor':
      // Held by the resolve margin: above the floor again, not yet by enough to close the alert.
      if (a.value !== null && a.threshold !== null && a.value >= a.threshold)
        return `${label} ${beforeAfter(a)} — đã trên ngưỡng ${viPoints(a.threshold)} nhưng chưa vượt đủ biên an toàn`;
      return `${label} ${beforeAfter(a)} — dưới ngưỡng ${viPoints(a.threshold)}`;
    case 'weeklyDrop':
      return `${label} ${beforeAfter(a)} — giảm ${viNumber(a.previous !== null && a.value !== null ? a.previous - a.value : null)} điểm so với tuần trước`;
    case 'consecutiveDeclines':
      return `${label} ${beforeAfter(a)} — giảm nhiều tuần liên tiếp`;
    case 'rankDrop':
      return `xếp hạng giảm từ ${a.previous} xuống ${a.value}${a.outOf ? `/${a.outOf}` : ''}`;
    case 'nationalRankDrop':
      return `xếp hạng toàn quốc giảm từ ${a.previous} xuống ${a.value}/34 tỉnh, thành phố`;
    case 'target':
      return `${label} ${beforeAfter(a)} — chưa đạt chỉ tiêu ${viPoints(a.threshold)}`;
    case 'reconciliation':
      return a.discrepancy
        ? lowerFirst(discrepancyClause(a.discrepancy))
        : `${label}: số liệu Cổng tỉnh và Cổng quốc gia chênh lệch`;
    case 'noActivity':
      return `${NO_ACTIVITY_LABEL.toLocaleLowerCase('vi')} trong kỳ — điểm không được đánh giá`;
    default:
      return a.message;
  }
}

const SEVERITY_ORDER: Record<string, number> = { critical: 0, warn: 1, info: 2 };
const EVENT_LABEL: Record<AlertEventKind, string> = {
  opened: 'Cảnh báo mới',
  escalated: 'Nghiêm trọng hơn',
  repeat: 'Nhắc lại (vẫn chưa khắc phục)',
  resolved: 'Đã cải thiện',
};

function eventLabel(a: DigestAlert): string {
  // Information (e.g. "không phát sinh hồ sơ" with rules.noActivity: note) is not a warning.
  if (a.severity === 'info' && a.event !== 'resolved') return 'Thông tin';
  return EVENT_LABEL[a.event];
}

function primaryAlert(units: readonly DigestUnit[]): { unit: DigestUnit; alert: DigestAlert } | null {
  const all = units.flatMap((u) => u.alerts.map((a) => ({ unit: u, alert: a })));
  const bad = all.filter((x) => x.alert.event !== 'resolved');
  const pool = bad.length ? bad : all;
  pool.sort(
    (x, y) =>
      (SEVERITY_ORDER[x.alert.severity] ?? 3) - (SEVERITY_ORDER[y.alert.severity] ?? 3) ||
      (x.alert.metric === 'TOTAL' ? -1 : 1),
  );
  return pool[0] ?? null;
}

export function digestSubject(m: DigestModel): string {
  const wk = weekLabel(m.week);
  const primary = primaryAlert(m.units);
  if (!primary) return `[Chỉ số 766] ${m.provinceName} (${wk})`;
  if (m.units.length === 1)
    return `[Chỉ số 766] ${shortUnitName(primary.unit.name)}: ${headline(primary.alert)} (${wk})`;
  const open = m.units.flatMap((u) => u.alerts).filter((a) => a.event !== 'resolved').length;
  return `[Chỉ số 766] ${m.units.length} đơn vị: ${open ? `${open} cảnh báo, ` : ''}${shortUnitName(primary.unit.name)} ${headline(primary.alert)} (${wk})`;
}

const CELL = 'border:1px solid #c8ccd2;padding:4px 8px;font-size:13px;';
const HEAD = `${CELL}background:#eef1f5;font-weight:bold;text-align:left;`;
const NUM = `${CELL}text-align:right;white-space:nowrap;`;

function changeHtml(cur: number | null, prev: number | null): string {
  if (cur === null || prev === null) return '—';
  const d = cur - prev;
  if (Math.abs(d) < 0.005) return '<span style="color:#555555;">0,00</span>';
  return d > 0
    ? `<span style="color:#1a7f37;">▲ ${escapeHtml(viNumber(d))}</span>`
    : `<span style="color:#c62828;">▼ ${escapeHtml(viNumber(-d))}</span>`;
}

function changeText(cur: number | null, prev: number | null): string {
  if (cur === null || prev === null) return '—';
  const d = cur - prev;
  if (Math.abs(d) < 0.005) return '0,00';
  return `${d > 0 ? '▲' : '▼'} ${viNumber(Math.abs(d))}`;
}

function rankText(r: DigestRow): string {
  if (r.rank === null) return '—';
  const now = r.outOf ? `${r.rank}/${r.outOf}` : String(r.rank);
  if (r.previousRank === null || r.previousRank === r.rank) return now;
  return `${now} (trước: ${r.previousRank})`;
}

function groupName(g: GroupCode): string {
  return metricDef(g)!.short;
}

/**
 * What to look at: the groups alerted or fallen this week. For the total, name the groups that
 * carried its fall — or, when none fell, the groups with the lowest share of their maximum (among
 * groups with activity: "không phát sinh" is nothing to fix).
 */
function checks(u: DigestUnit, tz: string): string[] {
  const groups = new Set<string>();
  for (const a of u.alerts)
    if (a.event !== 'resolved' && a.severity !== 'info' && a.metric)
      groups.add(isGroupCode(a.metric) ? a.metric : (metricDef(a.metric)?.group ?? 'TOTAL'));
  const fallen = u.rows.filter(
    (r) =>
      isGroupCode(r.metric) &&
      !r.noActivity &&
      !r.previousNoActivity &&
      r.current !== null &&
      r.previous !== null &&
      r.current < r.previous - 0.005,
  );
  for (const r of fallen) groups.add(r.metric);
  const out: string[] = [];
  if (groups.has('TOTAL')) {
    if (fallen.length) {
      const by = [...fallen].sort((a, b) => a.current! - a.previous! - (b.current! - b.previous!));
      out.push(
        `Tổng điểm: giảm ở ${by.map((r) => `${metricDef(r.metric)!.short} (${viNumber(r.current! - r.previous!)})`).join(', ')} — xem các mục kiểm tra dưới đây`,
      );
    } else {
      const low = u.rows
        .filter((r) => isGroupCode(r.metric) && !r.noActivity && r.current !== null && r.max)
        .sort((a, b) => a.current! / a.max! - b.current! / b.max!)
        .slice(0, 2);
      if (low.length)
        out.push(
          `Tổng điểm: không nhóm nào giảm so với lần trước; các nhóm đạt tỷ lệ điểm thấp nhất là ${low.map((r) => `${metricDef(r.metric)!.short} (${scoreOf(r.current, r.max)})`).join(', ')}`,
        );
    }
  }
  for (const g of GROUP_CODES) if (groups.has(g)) out.push(`${groupName(g)}: kiểm tra ${WHAT_TO_CHECK[g]}`);
  for (const a of u.alerts) {
    const d = a.discrepancy;
    if (a.event === 'resolved' || !d) continue;
    const at = (x: Date | null) => (x ? ` (thu thập lúc ${viDateTime(x, tz)})` : '');
    out.push(
      `${d.label}: Cổng tỉnh ${figureWithUnit(d.provincial, d.unit)}${at(d.provincialAt)}, Cổng quốc gia ${figureWithUnit(d.national, d.unit)}${at(d.nationalAt)}${d.check ? ` — ${d.check}` : ''}`,
    );
  }
  return out;
}

function alertLine(a: DigestAlert): string {
  return `${eventLabel(a)}${a.severity === 'critical' && a.event !== 'resolved' ? ' (nghiêm trọng)' : ''}: ${headline(a)}`;
}

/** The drill-down in lines: a heading, one line per group (its top procedures), the dossier counts. */
function drillLines(d: DigestDrill | null | undefined): { heading: string; items: string[] }[] {
  if (!d) return [];
  const out: { heading: string; items: string[] }[] = [];
  const groups = d.groups.map((g) =>
    g.rows.length
      ? `${groupName(g.group)}: ${g.rows
          .map(
            (r) =>
              `thủ tục ${r.code} "${truncate(r.name, 90)}" — ${viInteger(r.shortfall)} ${shortfallWords(r.metric)} (đạt ${viInteger(r.numerator)}/${viInteger(r.denominator)})`,
          )
          .join('; ')}`
      : `${groupName(g.group)}: ${g.note}`,
  );
  if (groups.length)
    out.push({ heading: 'Thủ tục làm giảm điểm (số liệu theo thủ tục trên Cổng DVCQG)', items: groups });
  if (d.dossiers) {
    const c = d.dossiers.counts;
    const parts = [
      c.overdue ? `${viInteger(c.overdue)} hồ sơ quá hạn chưa giải quyết xong` : null,
      c.unsynced ? `${viInteger(c.unsynced)} hồ sơ chưa đồng bộ lên Cổng DVCQG` : null,
      c.unpaid ? `${viInteger(c.unpaid)} hồ sơ có phí, lệ phí chưa thanh toán trực tuyến` : null,
    ].filter((x): x is string => x !== null);
    out.push({
      heading: 'Hồ sơ cần xử lý trên Hệ thống giải quyết TTHC của tỉnh',
      items: [`${parts.join('; ')} — danh sách chi tiết trong tệp đính kèm ${d.dossiers.file}`],
    });
  }
  if (d.partial && out.length)
    out[out.length - 1]!.items.push(
      'Lưu ý: lần này chưa lấy được đầy đủ số liệu theo thủ tục; danh sách trên có thể chưa đủ.',
    );
  return out;
}

function unitHtml(u: DigestUnit, tz: string): string {
  const alerts = u.alerts
    .map(
      (a) =>
        `<li style="margin:2px 0;color:${a.event === 'resolved' ? '#1a7f37' : a.severity === 'critical' ? '#c62828' : '#8a5a00'};">${escapeHtml(alertLine(a))}</li>`,
    )
    .join('');
  const rows = u.rows
    .map(
      (r) =>
        `<tr><td style="${CELL}">${escapeHtml(metricLabel(r.metric))}</td>` +
        `<td style="${NUM}">${escapeHtml(cellOf(r.current, r.max, r.noActivity, r.metric))}</td><td style="${NUM}">${escapeHtml(cellOf(r.previous, r.max, r.previousNoActivity, r.metric))}</td>` +
        `<td style="${NUM}">${r.noActivity || r.previousNoActivity ? '—' : changeHtml(r.current, r.previous)}</td><td style="${NUM}">${escapeHtml(r.threshold === null ? '—' : viPoints(r.threshold))}</td><td style="${NUM}">${escapeHtml(rankText(r))}</td></tr>`,
    )
    .join('');
  const todo = checks(u, tz)
    .map((c) => `<li style="margin:2px 0;">${escapeHtml(c)}</li>`)
    .join('');
  const drill = drillLines(u.drill)
    .map(
      (b) =>
        `<p style="margin:8px 0 2px 0;font-weight:bold;">${escapeHtml(b.heading)}</p><ul style="margin:0 0 8px 18px;padding:0;">${b.items.map((i) => `<li style="margin:2px 0;">${escapeHtml(i)}</li>`).join('')}</ul>`,
    )
    .join('');
  return (
    `<h2 style="font-size:16px;margin:20px 0 6px 0;">${escapeHtml(u.name)} <span style="color:#777777;font-weight:normal;">(${escapeHtml(u.code)})</span></h2>` +
    `<ul style="margin:0 0 8px 18px;padding:0;">${alerts}</ul>` +
    `<table cellpadding="0" cellspacing="0" style="border-collapse:collapse;"><tr><th style="${HEAD}">Chỉ số</th><th style="${HEAD}">Tuần này</th><th style="${HEAD}">Tuần trước</th><th style="${HEAD}">Thay đổi</th><th style="${HEAD}">Ngưỡng</th><th style="${HEAD}">Xếp hạng</th></tr>${rows}</table>` +
    (todo
      ? `<p style="margin:8px 0 2px 0;font-weight:bold;">Cần kiểm tra</p><ul style="margin:0 0 8px 18px;padding:0;">${todo}</ul>`
      : '') +
    drill
  );
}

function unitText(u: DigestUnit, tz: string): string {
  const lines = [
    `${u.name} (${u.code})`,
    ...u.alerts.map((a) => `  - ${alertLine(a)}`),
    '',
    '  Chỉ số | Tuần này | Tuần trước | Thay đổi | Ngưỡng | Xếp hạng',
  ];
  for (const r of u.rows)
    lines.push(
      `  ${metricLabel(r.metric)} | ${cellOf(r.current, r.max, r.noActivity, r.metric)} | ${cellOf(r.previous, r.max, r.previousNoActivity, r.metric)} | ${r.noActivity || r.previousNoActivity ? '—' : changeText(r.current, r.previous)} | ${r.threshold === null ? '—' : viPoints(r.threshold)} | ${rankText(r)}`,
    );
  const todo = checks(u, tz);
  if (todo.length) lines.push('', '  Cần kiểm tra:', ...todo.map((c) => `  - ${c}`));
  for (const b of drillLines(u.drill)) lines.push('', `  ${b.heading}:`, ...b.items.map((c) => `  - ${c}`));
  return lines.join('\n');
}

function frame(title: string, body: string): string {
  return (
    `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;color:#222222;background:#ffffff;">${body}</body></html>`
  );
}

/** "Kính gửi: Sở Tư pháp." — the units of this e-mail by name (a long list: "các đơn vị dưới đây"). */
function addressees(m: DigestModel): string {
  const names = m.units.map((u) => u.name);
  return names.length <= 4 ? `${names.join('; ')}.` : 'Các đơn vị có tên dưới đây.';
}

/** The closing: what the unit is asked to do, by when, whom to contact, who sent it. */
function closingLines(m: DigestModel): string[] {
  const hasWork = m.units.some((u) => u.alerts.some((a) => a.event !== 'resolved' && a.severity !== 'info'));
  const lines: string[] = [];
  if (hasWork)
    lines.push(
      `Đề nghị ${m.units.length === 1 ? 'đơn vị' : 'các đơn vị'} rà soát, khắc phục các nội dung nêu trên${m.replyBy ? ` và báo cáo kết quả trước ngày ${m.replyBy}` : ''}${m.reportTo ? ` về ${m.reportTo}` : ''}.`,
    );
  if (m.contact) lines.push(`Đầu mối liên hệ về số liệu: ${m.contact}.`);
  return lines;
}

export function renderDigest(m: DigestModel): RenderedMail {
  const subject = digestSubject(m);
  const captured = viDateTime(m.capturedAt, m.timezone);
  const previous = m.previousCapturedAt ? viDateTime(m.previousCapturedAt, m.timezone) : null;
  const greeting = `Kính gửi: ${addressees(m)}`;
  const intro = `${m.sender} thông báo kết quả Bộ chỉ số 766 (${m.periodLabel}) của ${m.units.length === 1 ? 'đơn vị' : 'các đơn vị'} trên Cổng Dịch vụ công quốc gia, số liệu thu thập lúc ${captured}${previous ? `, so với lần thu thập lúc ${previous}` : ''}, như sau:`;
  const closing = closingLines(m);
  const auto = `Thư được gửi tự động từ hệ thống theo dõi Bộ chỉ số 766 của ${m.sender}; vui lòng không trả lời vào địa chỉ gửi thư này.`;
  const footer = `Số liệu lấy từ ${m.portalUrl} (thời gian theo giờ Việt Nam). ${auto}`;
  const P = 'margin:0 0 8px 0;';
  const html = frame(
    subject,
    `<p style="${P}font-weight:bold;">${escapeHtml(greeting)}</p>` +
      `<p style="${P}">${escapeHtml(intro)}</p>` +
      m.notes.map((n) => `<p style="margin:4px 0;color:#8a5a00;">${escapeHtml(n)}</p>`).join('') +
      m.units.map((u) => unitHtml(u, m.timezone)).join('') +
      closing.map((l) => `<p style="margin:12px 0 0 0;">${escapeHtml(l)}</p>`).join('') +
      `<p style="margin:12px 0 0 0;font-weight:bold;">${escapeHtml(m.sender)}</p>` +
      `<p style="margin:16px 0 0 0;font-size:12px;color:#555555;">Số liệu lấy từ <a href="${escapeHtml(m.portalUrl)}" style="color:#0b57d0;">${escapeHtml(m.portalUrl)}</a> (thời gian theo giờ Việt Nam). ${escapeHtml(auto)}</p>`,
  );
  const text = [
    greeting,
    '',
    intro,
    ...m.notes,
    '',
    ...m.units
      .map((u) => unitText(u, m.timezone))
      .join('\n\n')
      .split('\n'),
    '',
    ...closing,
    '',
    m.sender,
    '',
    footer,
  ].join('\n');
  return { subject, html, text: text + '\n' };
}

export function renderOpsDigest(m: OpsDigestModel): RenderedMail {
  const faults = m.alerts.filter((a) => a.event !== 'resolved' && a.kind === 'source').length;
  const gaps = m.alerts.filter((a) => a.event !== 'resolved' && a.kind === 'discrepancy').length;
  const parts = [
    ...(faults ? [`${faults} sự cố nguồn dữ liệu`] : []),
    ...(gaps ? [`${gaps} chênh lệch số liệu Cổng tỉnh và Cổng quốc gia`] : []),
    ...(m.notes.length ? [`${m.notes.length} ghi chú`] : []),
  ];
  const subject = `[Chỉ số 766] Vận hành: ${parts.length ? parts.join(', ') : 'các sự cố đã khắc phục'} (${weekLabel(m.week)})`;
  const items = m.alerts.map((a) => {
    const where = [a.unitName ?? a.unitCode, a.kind === 'source' ? endpointLabel(a.metric) : null]
      .filter(Boolean)
      .join(', ');
    const what = `${ruleLabel(a.rule)}${where ? ` (${where})` : ''}`;
    // A fault that is over: say so first; its message is what it was.
    return a.event === 'resolved'
      ? `Đã khắc phục — ${what}; trước đó: ${a.detail}`
      : `${EVENT_LABEL[a.event]} — ${what}: ${a.detail}`;
  });
  const footer =
    'Xem chi tiết và chạy lại các việc lỗi trên trang vận hành (/ops) của hệ thống. Thời gian theo giờ Việt Nam.';
  const html = frame(
    subject,
    (m.summaryLine ? `<p style="margin:0 0 8px 0;font-weight:bold;">${escapeHtml(m.summaryLine)}</p>` : '') +
      (items.length
        ? `<ul style="margin:0 0 8px 18px;padding:0;">${items.map((i) => `<li style="margin:2px 0;">${escapeHtml(i)}</li>`).join('')}</ul>`
        : '') +
      (m.notes.length
        ? `<p style="margin:8px 0 2px 0;font-weight:bold;">Ghi chú</p><ul style="margin:0 0 8px 18px;padding:0;">${m.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`
        : '') +
      `<p style="margin:16px 0 0 0;font-size:12px;color:#555555;">${escapeHtml(footer)}</p>`,
  );
  const text = [
    ...(m.summaryLine ? [m.summaryLine, ''] : []),
    ...items.map((i) => `- ${i}`),
    ...(m.notes.length ? ['', 'Ghi chú:', ...m.notes.map((n) => `- ${n}`)] : []),
    '',
    footer,
    '',
  ].join('\n');
  return { subject, html, text };
}

/** A short plain notice (ops): a subject and a few lines, as HTML and text. */
export function renderPlainNotice(m: { subject: string; lines: readonly string[] }): RenderedMail {
  const html = frame(m.subject, m.lines.map((l) => `<p style="margin:0 0 8px 0;">${escapeHtml(l)}</p>`).join(''));
  return { subject: m.subject, html, text: m.lines.join('\n') + '\n' };
}
