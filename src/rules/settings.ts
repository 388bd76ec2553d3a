/**
 * Effective rule settings of one unit: the base `rules:` config with every matching `overrides:`
 * entry (glob on the unit code) applied in order.
 */
import picomatch from 'picomatch';
import type { RulesConfig } from '../config/schema.ts';

export type UnitRules = Pick<RulesConfig, 'floor' | 'weeklyDrop' | 'consecutiveDeclines' | 'rankDrop'>;

export function rulesForUnit(rules: RulesConfig, unitCode: string): UnitRules {
  let out: UnitRules = {
    floor: rules.floor,
    weeklyDrop: rules.weeklyDrop,
    consecutiveDeclines: rules.consecutiveDeclines,
    rankDrop: rules.rankDrop,
  };
  for (const o of rules.overrides) {
    if (!picomatch.isMatch(unitCode, o.unit)) continue;
    out = {
      floor: { ...out.floor, ...(o.floor ?? {}) },
      weeklyDrop: { ...out.weeklyDrop, ...(o.weeklyDrop ?? {}) },
      consecutiveDeclines: { ...out.consecutiveDeclines, ...(o.consecutiveDeclines ?? {}) },
      rankDrop: { ...out.rankDrop, ...(o.rankDrop ?? {}) },
    };
  }
  return out;
}
