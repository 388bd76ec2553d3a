/**
 * Alerts over three replayed weekly captures (11-16, 11-23, 11-30) with the acceptance config:
 * after each run-once, the open alerts are exactly those the data implies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { CAPTURE_16, CAPTURE_23, DEMO_DVCQG } from '../helpers/paths.ts';
import { createBench, type Bench } from '../helpers/pipeline.ts';

const CAPTURE_30 = `${DEMO_DVCQG}/capture-2026-11-30`;
const YAML = `province: H19
rules:
  floor: { metrics: [TOTAL], warnRatio: 0, criticalRatio: 50 }
  weeklyDrop: { points: 5 }
  consecutiveDeclines: { steps: 2, minPoints: 0.5 }
  rankDrop: { places: 10, scope: province }
jobs: { attempts: 2, backoffMs: 50 }
`;

let bench: Bench;
beforeAll(async () => {
  bench = await createBench({ captures: [CAPTURE_16, CAPTURE_23, CAPTURE_30], yaml: YAML });
});
afterAll(async () => bench.close());

async function openAlerts(): Promise<string[]> {
  const r = await runCli(['alerts', '--state', 'open', '--json'], bench.env);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { rule: string; unitCode: string; metric: string | null; week: string | null }[])
    .map((a) => [a.rule, a.unitCode, a.metric, a.week].filter(Boolean).join(' '))
    .sort();
}

async function runWeek(capture: string, asOf: string) {
  bench.replay.use(capture);
  const r = await runCli(['run-once', '--as-of', asOf, '--json'], bench.env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('alerts over three weeks', () => {
  it('week 47: the two units below 50 % of the maximum', async () => {
    const s = await runWeek('2026-11-16', '2026-11-16T04:12:00+07:00');
    expect(s.alerts).toEqual({ opened: 2, kept: 0, resolved: 0 });
    expect(await openAlerts()).toEqual(['floor H19.112 TOTAL', 'floor H19.12 TOTAL']);
  });

  it('week 48: Sở Tư pháp fell 5,75 points; the commune missing from one endpoint is a coverage alert for ops', async () => {
    await runWeek('2026-11-23', '2026-11-23T04:12:00+07:00');
    expect(await openAlerts()).toEqual([
      'floor H19.112 TOTAL',
      'floor H19.12 TOTAL',
      'source.coverage H19',
      'weeklyDrop H19.08 TOTAL 2026-W48',
    ]);
  });

  it('re-running week 48 adds nothing', async () => {
    const before = await runCli(['alerts', '--state', 'all', '--json'], bench.env);
    const s = await runWeek('2026-11-23', '2026-11-23T10:00:00+07:00');
    expect(s.alerts).toEqual({ opened: 2, kept: 2, resolved: 0 });
    const after = await runCli(['alerts', '--state', 'all', '--json'], bench.env);
    expect(after.stdout).toBe(before.stdout);
  });

  it('week 49: three in a row falling, two weekly drops, one floor resolved (above by more than the margin), one kept (inside the margin)', async () => {
    await runWeek('2026-11-30', '2026-11-30T04:12:00+07:00');
    expect(await openAlerts()).toEqual([
      'consecutiveDeclines H19.05 TOTAL',
      'consecutiveDeclines H19.106 TOTAL',
      'consecutiveDeclines H19.111 TOTAL',
      'floor H19.111 TOTAL',
      'floor H19.112 TOTAL',
      'weeklyDrop H19.106 TOTAL 2026-W49',
      'weeklyDrop H19.111 TOTAL 2026-W49',
    ]);
    const resolved = JSON.parse((await runCli(['alerts', '--state', 'resolved', '--json'], bench.env)).stdout) as {
      rule: string;
      unitCode: string;
      resolution: string;
    }[];
    expect(resolved.map((a) => `${a.rule} ${a.unitCode} ${a.resolution}`).sort()).toEqual([
      'floor H19.12 cleared',
      'source.coverage H19 cleared',
      'weeklyDrop H19.08 expired',
    ]);
    const human = await runCli(['alerts'], bench.env);
    expect(human.stdout).toContain('UBND xã Bù Gia Mập');
    expect(human.stdout).toContain('49,20');
  });
});
