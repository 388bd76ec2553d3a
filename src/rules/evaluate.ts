/** All rules over one province's series: pure, findings out. */
import { coverageFindings } from './coverage.ts';
import { floorFindings, targetFindings } from './thresholds.ts';
import { consecutiveDeclinesFindings, rankDropFindings, weeklyDropFindings } from './trends.ts';
import type { Finding, RuleInput } from './types.ts';

/** The indicator rules (alerts for units); resolution sweeps only these. */
export const INDICATOR_RULES = ['floor', 'weeklyDrop', 'consecutiveDeclines', 'rankDrop', 'target'] as const;
export const SOURCE_DATA_RULES = ['source.coverage'] as const;

export function evaluateRules(input: RuleInput): Finding[] {
  return [
    ...floorFindings(input),
    ...weeklyDropFindings(input),
    ...consecutiveDeclinesFindings(input),
    ...rankDropFindings(input),
    ...targetFindings(input),
    ...coverageFindings(input),
  ];
}
