/**
 * The e-mail templates, in one place, rendered by pure functions: a digest model in, subject +
 * HTML (inline CSS: tables that survive Outlook and webmail) + plain text out. Every value that
 * reaches the HTML goes through `esc`.
 */
import { GROUP_CODES, isGroupCode, metricDef, WHAT_TO_CHECK, type GroupCode } from '../domain/metrics.ts';
import { NO_ACTIVITY_LABEL, NO_GROUP_ACTIVITY_LABEL } from '../domain/activity.ts';
import { viDateTime, viNumber, weekLabel } from '../domain/format.ts';
import { escapeHtml, metricLabel, scoreOf, viPoints } from '../domain/wording.ts';

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
}

export interface DigestRow {
  metric: string;
  current: number | null;
  previous: number | null;
  max: number | null;
  threshold: number | null;
  rank: number | null;
  previousRank: number | null;
  /** Nothing happened in this group (or, for TOTAL, in the unit) this period: "không phát sinh". */
  noActivity?: boolean;
  previousNoActivity?: boolean;
}

export interface DigestUnit {
  code: string;
  name: string;
  alerts: DigestAlert[];
  rows: DigestRow[];
}

export interface DigestModel {
  provinceName: string;
  week: string;
  periodLabel: string;
  capturedAt: Date;
  previousCapturedAt: Date | null;
  timezone: string;
  portalUrl: string;
  units: DigestUnit[];
  /** Lines for the reader, e.g. "no recipient for H19.12 …" in the ops copy. */
  notes: string[];
}

export interface OpsDigestModel {
  week: string;
  timezone: string;
  summaryLine: string | null;
  alerts: (DigestAlert & { unitCode: string | null; detail: string })[];
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

/** One short clause for subjects and lists: `tổng điểm 48,15/100 — dưới ngưỡng 50`. */
export function headline(a: DigestAlert): string {
  const label = lowerFirst(metricLabel(a.metric) || a.rule);
  if (a.event === 'resolved') {
    return a.rule === 'floor' || a.rule === 'target'
      ? `${label} ${scoreOf(a.value, a.maxScore)} — đã trở lại trên ngưỡng`
      : `${label} — đã hết cảnh báo`;
  }
  switch (a.rule) {
    case 'floor':
      return `${label} ${scoreOf(a.value, a.maxScore)} — dưới ngưỡng ${viPoints(a.threshold)}`;
    case 'weeklyDrop':
      return `${label} ${scoreOf(a.value, a.maxScore)} — giảm ${viNumber(a.previous !== null && a.value !== null ? a.previous - a.value : null)} điểm so với tuần trước`;
    case 'consecutiveDeclines':
      return `${label} ${scoreOf(a.value, a.maxScore)} — giảm nhiều tuần liên tiếp`;
    case 'rankDrop':
      return `xếp hạng giảm từ ${a.previous} xuống ${a.value}`;
    case 'nationalRankDrop':
      return `xếp hạng toàn quốc giảm từ ${a.previous} xuống ${a.value}/34`;
    case 'target':
      return `${label} ${scoreOf(a.value, a.maxScore)} — chưa đạt chỉ tiêu ${viPoints(a.threshold)}`;
    case 'reconciliation':
      return `${label}: số liệu Cổng tỉnh và Cổng quốc gia chênh lệch`;
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
  if (r.previousRank === null || r.previousRank === r.rank) return String(r.rank);
  return `${r.rank} (trước: ${r.previousRank})`;
}

/** `Thanh toán trực tuyến (TTTT)` */
function groupName(g: GroupCode): string {
  return `${metricDef(g)!.short} (${g})`;
}

/**
 * What to look at: the groups alerted or fallen this week. For the total, name the groups that
 * carried its fall — or, when none fell, the groups with the lowest share of their maximum (among
 * groups with activity: "không phát sinh" is nothing to fix).
 */
function checks(u: DigestUnit): string[] {
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
        `Tổng điểm: giảm ở ${by.map((r) => `${metricDef(r.metric)!.short} (${viNumber(r.current! - r.previous!)})`).join(', ')} — xem các mục dưới`,
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
  return out;
}

function alertLine(a: DigestAlert): string {
  return `${eventLabel(a)}${a.severity === 'critical' && a.event !== 'resolved' ? ' (nghiêm trọng)' : ''}: ${headline(a)}`;
}

function unitHtml(u: DigestUnit): string {
  const alerts = u.alerts
    .map(
      (a) =>
        `<li style="margin:2px 0;color:${a.event === 'resolved' ? '#1a7f37' : a.severity === 'critical' ? '#c62828' : '#8a5a00'};">${escapeHtml(alertLine(a))}</li>`,
    )
    .join('');
  const rows = u.rows
    .map(
      (r) =>
        `<tr><td style="${CELL}">${escapeHtml(metricLabel(r.metric))}${r.metric === 'TOTAL' ? '' : ` <span style="color:#777777;">(${escapeHtml(r.metric)})</span>`}</td>` +
        `<td style="${NUM}">${escapeHtml(cellOf(r.current, r.max, r.noActivity, r.metric))}</td><td style="${NUM}">${escapeHtml(cellOf(r.previous, r.max, r.previousNoActivity, r.metric))}</td>` +
        `<td style="${NUM}">${r.noActivity || r.previousNoActivity ? '—' : changeHtml(r.current, r.previous)}</td><td style="${NUM}">${escapeHtml(r.threshold === null ? '—' : viPoints(r.threshold))}</td><td style="${NUM}">${escapeHtml(rankText(r))}</td></tr>`,
    )
    .join('');
  const todo = checks(u)
    .map((c) => `<li style="margin:2px 0;">${escapeHtml(c)}</li>`)
    .join('');
  return (
    `<h2 style="font-size:16px;margin:20px 0 6px 0;">${escapeHtml(u.name)} <span style="color:#777777;font-weight:normal;">(${escapeHtml(u.code)})</span></h2>` +
    `<ul style="margin:0 0 8px 18px;padding:0;">${alerts}</ul>` +
    `<table cellpadding="0" cellspacing="0" style="border-collapse:collapse;"><tr><th style="${HEAD}">Chỉ số</th><th style="${HEAD}">Tuần này</th><th style="${HEAD}">Tuần trước</th><th style="${HEAD}">Thay đổi</th><th style="${HEAD}">Ngưỡng</th><th style="${HEAD}">Xếp hạng</th></tr>${rows}</table>` +
    (todo
      ? `<p style="margin:8px 0 2px 0;font-weight:bold;">Cần kiểm tra</p><ul style="margin:0 0 8px 18px;padding:0;">${todo}</ul>`
      : '')
  );
}

function unitText(u: DigestUnit): string {
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
  const todo = checks(u);
  if (todo.length) lines.push('', '  Cần kiểm tra:', ...todo.map((c) => `  - ${c}`));
  return lines.join('\n');
}

function frame(title: string, body: string): string {
  return (
    `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;color:#222222;background:#ffffff;">${body}</body></html>`
  );
}

export function renderDigest(m: DigestModel): RenderedMail {
  const subject = digestSubject(m);
  const captured = viDateTime(m.capturedAt, m.timezone);
  const previous = m.previousCapturedAt ? viDateTime(m.previousCapturedAt, m.timezone) : null;
  const intro = `Kết quả Bộ chỉ số 766 (${m.periodLabel}) của ${m.provinceName} trên Cổng Dịch vụ công quốc gia, thu thập lúc ${captured}${previous ? `, so với lần thu thập ${previous}` : ''}.`;
  const notes = m.notes.map((n) => `<p style="margin:4px 0;color:#8a5a00;">${escapeHtml(n)}</p>`).join('');
  const footer = `Số liệu lấy từ <a href="${escapeHtml(m.portalUrl)}" style="color:#0b57d0;">${escapeHtml(m.portalUrl)}</a> (thời gian theo giờ Việt Nam). Thư gửi tự động bởi chiso766; vui lòng không trả lời thư này.`;
  const html = frame(
    subject,
    `<p style="margin:0 0 8px 0;">${escapeHtml(intro)}</p>${notes}${m.units.map(unitHtml).join('')}<p style="margin:16px 0 0 0;font-size:12px;color:#555555;">${footer}</p>`,
  );
  const text = [
    intro,
    ...m.notes,
    '',
    ...m.units.map(unitText).join('\n\n').split('\n'),
    '',
    `Số liệu lấy từ ${m.portalUrl} (giờ Việt Nam). Thư gửi tự động bởi chiso766; vui lòng không trả lời thư này.`,
  ].join('\n');
  return { subject, html, text: text + '\n' };
}

export function renderOpsDigest(m: OpsDigestModel): RenderedMail {
  const opened = m.alerts.filter((a) => a.event !== 'resolved').length;
  const subject = `[Chỉ số 766] Vận hành: ${opened ? `${opened} sự cố nguồn dữ liệu` : 'đã khắc phục'}${m.notes.length ? `, ${m.notes.length} ghi chú` : ''} (${weekLabel(m.week)})`;
  const items = m.alerts.map(
    (a) =>
      `${EVENT_LABEL[a.event]} — ${a.rule}${a.unitCode ? ` ${a.unitCode}` : ''}${a.metric ? ` ${a.metric}` : ''}: ${a.detail}`,
  );
  const html = frame(
    subject,
    (m.summaryLine ? `<p style="margin:0 0 8px 0;font-weight:bold;">${escapeHtml(m.summaryLine)}</p>` : '') +
      (items.length
        ? `<ul style="margin:0 0 8px 18px;padding:0;">${items.map((i) => `<li style="margin:2px 0;">${escapeHtml(i)}</li>`).join('')}</ul>`
        : '') +
      (m.notes.length
        ? `<p style="margin:8px 0 2px 0;font-weight:bold;">Ghi chú</p><ul style="margin:0 0 8px 18px;padding:0;">${m.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`
        : '') +
      `<p style="margin:16px 0 0 0;font-size:12px;color:#555555;">chiso766 — xem thêm: <code>chiso766 alerts --state open</code>, <code>chiso766 jobs failed</code>.</p>`,
  );
  const text = [
    ...(m.summaryLine ? [m.summaryLine, ''] : []),
    ...items.map((i) => `- ${i}`),
    ...(m.notes.length ? ['', 'Ghi chú:', ...m.notes.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n');
  return { subject, html, text };
}

/** A short plain notice (ops): a subject and a few lines, as HTML and text. */
export function renderPlainNotice(m: { subject: string; lines: readonly string[] }): RenderedMail {
  const html = frame(m.subject, m.lines.map((l) => `<p style="margin:0 0 8px 0;">${escapeHtml(l)}</p>`).join(''));
  return { subject: m.subject, html, text: m.lines.join('\n') + '\n' };
}
