/**
 * The small trend chart: the province TOTAL and the six groups (as % of their maximum) over the
 * stored cycles. SVG for HTML; the same SVG rasterised to PNG (resvg) for DOCX.
 */
import { escapeHtml } from '../domain/wording.ts';
import { GROUP_CODES, metricDef } from '../domain/metrics.ts';
import { viDate } from '../domain/format.ts';
import type { BulletinModel } from './model.ts';

const COLORS: Record<string, string> = {
  TOTAL: '#111111',
  CKMB: '#1f77b4',
  TDGQ: '#d62728',
  CLGQ: '#2ca02c',
  TTTT: '#9467bd',
  MDHL: '#ff7f0e',
  MDSH: '#8c564b',
};

export function trendSvg(m: BulletinModel, width = 640, height = 260): string {
  const pad = { left: 40, right: 175, top: 16, bottom: 36 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const points = m.trend;
  const x = (i: number) => pad.left + (points.length <= 1 ? w / 2 : (i * w) / (points.length - 1));
  const y = (pct: number) => pad.top + h - (Math.max(0, Math.min(100, pct)) / 100) * h;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  for (const g of [0, 25, 50, 75, 100]) {
    parts.push(
      `<line x1="${pad.left}" y1="${y(g)}" x2="${pad.left + w}" y2="${y(g)}" stroke="#e3e6ea"/>`,
      `<text x="${pad.left - 6}" y="${y(g) + 4}" text-anchor="end" fill="#555555">${g}</text>`,
    );
  }
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  points.forEach((p, i) => {
    if (i % labelEvery === 0 || i === points.length - 1)
      parts.push(
        `<text x="${x(i)}" y="${height - 14}" text-anchor="middle" fill="#555555">${escapeHtml(viDate(p.capturedAt, m.timezone).slice(0, 5))}</text>`,
      );
  });
  ['TOTAL', ...GROUP_CODES].forEach((code, li) => {
    const max = metricDef(code)!.max!;
    const series = points
      .map((p, i) => ({ i, v: p.values[code] ?? null }))
      .filter((s): s is { i: number; v: number } => s.v !== null);
    if (series.length === 0) return;
    const path = series
      .map((s, k) => `${k === 0 ? 'M' : 'L'}${x(s.i).toFixed(1)},${y((s.v / max) * 100).toFixed(1)}`)
      .join(' ');
    const width2 = code === 'TOTAL' ? 2.5 : 1.5;
    parts.push(`<path d="${path}" fill="none" stroke="${COLORS[code]}" stroke-width="${width2}"/>`);
    for (const s of series)
      parts.push(
        `<circle cx="${x(s.i).toFixed(1)}" cy="${y((s.v / max) * 100).toFixed(1)}" r="${code === 'TOTAL' ? 3 : 2}" fill="${COLORS[code]}"/>`,
      );
    const ly = pad.top + 12 + li * 16;
    parts.push(
      `<line x1="${pad.left + w + 12}" y1="${ly - 4}" x2="${pad.left + w + 30}" y2="${ly - 4}" stroke="${COLORS[code]}" stroke-width="${width2}"/>`,
      `<text x="${pad.left + w + 36}" y="${ly}" fill="#222222">${escapeHtml(code === 'TOTAL' ? 'Tổng điểm' : metricDef(code)!.short)}</text>`,
    );
  });
  parts.push(`<text x="${pad.left}" y="${height - 2}" fill="#555555">% điểm tối đa</text>`, '</svg>');
  return parts.join('');
}

export async function trendPng(m: BulletinModel): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  return Buffer.from(new Resvg(trendSvg(m, 640, 260), { fitTo: { mode: 'width', value: 1280 } }).render().asPng());
}
