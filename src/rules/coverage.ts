/**
 * Source health from the data itself (ops only): units present in the previous snapshot and
 * missing now, or a metric recorded as missing for a unit (absent from its endpoint).
 */
import { HEADLINE_METRICS } from '../domain/metrics.ts';
import { provinceTitle } from '../domain/vocabulary.ts';
import { metricLabel } from '../domain/wording.ts';
import { evidence } from './evidence.ts';
import { type RuleInput } from './types.ts';
import { unitsOf } from '../domain/observations.ts';
import type { Finding } from '../domain/findings.ts';

export function coverageFindings(input: RuleInput): Finding[] {
  const now = new Set(unitsOf(input.current));
  const before = input.history[0] ? unitsOf(input.history[0]) : [];
  const vanished = before.filter((u) => !now.has(u)).sort();
  const missingMetrics: string[] = [];
  for (const o of input.current.observations.values())
    if (!o.present && HEADLINE_METRICS.includes(o.metric)) missingMetrics.push(`${o.unitCode} ${o.metric}`);
  missingMetrics.sort();
  if (vanished.length === 0 && missingMetrics.length === 0) return [];
  const parts: string[] = [];
  if (vanished.length)
    parts.push(
      `${vanished.length} đơn vị có trong lần thu thập trước nhưng không có trong lần này: ${vanished.join(', ')}`,
    );
  const named = missingMetrics.map((m) => `${m.split(' ')[0]} (${metricLabel(m.split(' ')[1]!)})`);
  if (named.length) parts.push(`Cổng không trả về số liệu: ${named.join(', ')}`);
  return [
    {
      rule: 'source.coverage',
      kind: 'source',
      unitCode: input.province,
      metric: null,
      periodKey: input.periodKey,
      week: null,
      severity: vanished.length ? 'critical' : 'warn',
      value: vanished.length + missingMetrics.length,
      previous: null,
      threshold: null,
      message: `Thiếu số liệu của ${provinceTitle(input.province)}: ${parts.join('; ')}.`,
      evidence: evidence(input, { vanishedUnits: vanished, missingMetrics }),
    },
  ];
}
