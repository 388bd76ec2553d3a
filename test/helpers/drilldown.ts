/** What a correct drill-down derives from the recorded week (test/fixtures/drilldown/expected.json). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GroupCode } from '../../src/domain/metrics.ts';
import { FIXTURES } from './paths.ts';

export interface ExpectedUnit {
  departmentId: string;
  fallenGroups: GroupCode[];
  procedures: {
    group: string;
    metric: string;
    formalityCode: string;
    numerator: number;
    denominator: number;
    shortfall: number;
  }[];
  dossiers: Record<'overdue' | 'unsynced' | 'unpaid', string[]>;
}

export const EXPECTED_DRILLDOWN = JSON.parse(readFileSync(path.join(FIXTURES, 'drilldown/expected.json'), 'utf8')) as {
  units: Record<string, ExpectedUnit>;
};
