/** The pure pieces of self-healing: retry delays, which errors are our infrastructure's, plausibility. */
import { describe, expect, it } from 'vitest';
import { mailRetryCapMs, mailRetryDelay } from '../../src/queue/mail-retry.ts';
import { reconnectDelay } from '../../src/queue/connection.ts';
import { infraRetryDelay, isInfraOutage } from '../../src/queue/transient.ts';
import { checkPlausible } from '../../src/sources/dvcqg/plausible.ts';
import { parseCalendarDate } from '../../src/domain/periods.ts';
import { DriftError } from '../../src/sources/drift.ts';

describe('mail retry schedule', () => {
  it('doubles from jobs.backoffMs and is capped at 5 minutes in production, with ±20 % jitter', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((n) => mailRetryDelay(30_000, n, mid))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(mailRetryDelay(30_000, 5, mid)).toBe(300_000);
    expect(mailRetryDelay(30_000, 40, mid)).toBe(300_000);
    expect(mailRetryDelay(30_000, 1, () => 0)).toBe(24_000);
    expect(mailRetryDelay(30_000, 1, () => 1)).toBe(36_000);
    expect(mailRetryCapMs(50)).toBe(16_000);
  });

  it('an hour of outage is covered many times over by the default 240-minute window', () => {
    let t = 0;
    let n = 0;
    while (t < 60 * 60_000) t += mailRetryDelay(30_000, ++n, () => 0.5);
    expect(n).toBeLessThan(20);
  });
});

describe('reconnecting', () => {
  it('Redis: 0.25 s doubling to a 5 s cap, for ever', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 100].map(reconnectDelay)).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });
  it('jobs waiting for the database: 0.5 s doubling to 15 s', () => {
    expect([1, 2, 5, 6, 7, 50].map(infraRetryDelay)).toEqual([500, 1000, 8000, 15_000, 15_000, 15_000]);
  });
});

describe('which errors are our own infrastructure going away', () => {
  it.each([
    [Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }), true],
    [Object.assign(new Error('the database system is starting up'), { code: '57P03' }), true],
    [new Error('Connection terminated unexpectedly'), true],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), true],
    [new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'connect failed'), true],
    [Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }), false],
    [new Error('HTTP 500 from the portal'), false],
  ])('%s → %s', (err, expected) => {
    expect(isInfraOutage(err)).toBe(expected);
  });
});

describe('calendar dates are checked, never rolled over', () => {
  it.each([
    ['2026-02-28', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-13-45', false],
    ['2026-04-31', false],
    ['2026-00-10', false],
    ['26-01-01', false],
  ])('%s → %s', (text, ok) => {
    expect(parseCalendarDate(text) !== null).toBe(ok);
  });
});

describe('impossible figures', () => {
  const tree = (children: Record<string, unknown>[]) => ({
    parent: {
      departmentId: 'r',
      departmentName: 'p',
      departmentCode: 'H19',
      totalReceived: 10,
      totalOnTime: 9,
      ratio: 90,
      totalScore: 18,
      totalMaxScore: 20,
    },
    children,
  });
  const child = (over: Record<string, unknown> = {}) => ({
    departmentId: 'u',
    departmentName: 'x',
    departmentCode: 'H19.07',
    totalReceived: 10,
    totalOnTime: 9,
    totalOverdue: 1,
    ratio: 90,
    score: 18,
    maxScore: 20,
    ...over,
  });
  it.each([
    [{ score: 20.005 }, null],
    [{ score: 20.5 }, /score 20\.5 is above its maximum 20/],
    [{ score: -0.5 }, /score -0\.5 is below 0/],
    [{ ratio: 101 }, /ratio 101 is outside 0–100/],
    [{ totalOnTime: 11 }, /numerator 11 is above denominator 10/],
    [{ departmentCode: 'H21.07' }, /unit H21\.07 is not a unit of H19/],
  ])('%j', (over, problem) => {
    const run = () => checkPlausible('dvc-progress-tree.H19', 'dvc-progress-tree', 'H19', tree([child(over)]));
    if (problem === null) expect(run).not.toThrow();
    else {
      expect(run).toThrow(DriftError);
      expect(run).toThrow(problem);
    }
  });
  it('an empty unit list is no answer', () => {
    expect(() => checkPlausible('dvc-progress-tree.H19', 'dvc-progress-tree', 'H19', tree([]))).toThrow(
      /no unit in the list of H19/,
    );
  });
});
