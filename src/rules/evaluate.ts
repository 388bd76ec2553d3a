/** All rules over one province's series: pure, findings out. */
import { coverageFindings } from './coverage.ts';
import { floorFindings, targetFindings } from './thresholds.ts';
import { noActivityFindings, NO_ACTIVITY_RULE } from './no-activity.ts';
import {
  consecutiveDeclinesFindings,
  nationalRankDropFindings,
  rankDropFindings,
  weeklyDropFindings,
} from './trends.ts';
import type { RuleInput } from './types.ts';
import type { Finding } from '../domain/findings.ts';

/** The indicator rules of one province's units (a province evaluation resolves only these). */
export const INDICATOR_RULES = [
  'floor',
  'weeklyDrop',
  'consecutiveDeclines',
  'rankDrop',
  'target',
  NO_ACTIVITY_RULE,
] as const;
/** Rules on the national ranking (the province's own rank among the 34). */
export const NATIONAL_RULES = ['nationalRankDrop'] as const;
export const SOURCE_DATA_RULES = ['source.coverage'] as const;

/** Every rule of one province, its national rank included (the pipeline runs the two parts in separate jobs). */
export function evaluateRules(input: RuleInput): Finding[] {
  return [...provinceFindings(input), ...nationalRankDropFindings(input)];
}

/** The rules on the province's own snapshot and history. */
export function provinceFindings(input: RuleInput): Finding[] {
  return [
    ...floorFindings(input),
    ...weeklyDropFindings(input),
    ...consecutiveDeclinesFindings(input),
    ...rankDropFindings(input),
    ...targetFindings(input),
    ...noActivityFindings(input),
    ...coverageFindings(input),
  ];
}
