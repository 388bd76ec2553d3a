/**
 * Vietnamese wording of figures, in one place: a metric's label, a score out of its maximum
 * ("48,15/100"), a threshold ("50", not "50,00"), and HTML escaping for every value that reaches
 * an e-mail or a document.
 */
import { viInteger, viNumber } from './format.ts';
import { metricDef } from './metrics.ts';

/** The short Vietnamese label of a metric (the code itself for an unknown one). */
export function metricLabel(code: string | null): string {
  if (!code) return '';
  return metricDef(code)?.short ?? code;
}

/** `50` for 50,00; `48,15` otherwise; `—` for null (thresholds and maxima are mostly whole). */
export function viPoints(n: number | null | undefined): string {
  return viNumber(n).replace(/,00$/, '');
}

/** `48,15/100`; the value alone without a maximum; `—` for null. */
export function scoreOf(value: number | null | undefined, max: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return max ? `${viNumber(value)}/${viPoints(max)}` : viNumber(value);
}

/** A share or a count with its unit: `99,91%`, `4.219 hồ sơ`; `—` for null. */
export function figureWithUnit(value: number | null | undefined, unit: '%' | 'hồ sơ'): string {
  if (value === null || value === undefined) return '—';
  return unit === '%' ? `${viNumber(value)}%` : `${viInteger(value)} hồ sơ`;
}

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
