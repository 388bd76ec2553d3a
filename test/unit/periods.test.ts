import { describe, expect, it } from 'vitest';
import {
  currentPeriod,
  deadlineInWeek,
  isoWeekKey,
  mondayOfWeek,
  parseWeekKey,
  periodDateRange,
  periodKey,
  periodLabel,
} from '../../src/domain/periods.ts';
import { viDelta, viNumber, viDateTime, compareUnitCodes } from '../../src/domain/format.ts';
import { competitionRanks } from '../../src/domain/ranking.ts';

describe('period math (Asia/Ho_Chi_Minh)', () => {
  it.each([
    ['2026-11-16T04:12:00+07:00', '2026-W47'],
    ['2026-11-23T04:12:00+07:00', '2026-W48'],
    // Sunday 23:30 UTC is already Monday in Vietnam.
    ['2026-11-22T17:30:00Z', '2026-W48'],
    ['2026-01-01T00:00:00+07:00', '2026-W01'],
    ['2027-01-01T08:00:00+07:00', '2026-W53'],
  ])('%s is in %s', (iso, week) => {
    expect(isoWeekKey(new Date(iso))).toBe(week);
  });

  it('parses week keys and finds the Monday', () => {
    expect(parseWeekKey('2026-W47')).toEqual({ year: 2026, week: 47 });
    expect(parseWeekKey('2026-W54')).toBeNull();
    expect(parseWeekKey('2026-47')).toBeNull();
    expect(mondayOfWeek(2026, 47).toISOString()).toBe('2026-11-15T17:00:00.000Z');
  });

  it('builds the current period; a month is the last finished one', () => {
    const asOf = new Date('2026-11-16T04:12:00+07:00');
    expect(periodKey(currentPeriod('year', asOf))).toBe('year-2026');
    expect(periodKey(currentPeriod('quarter', asOf))).toBe('quarter-2026-Q4');
    expect(periodKey(currentPeriod('month', asOf))).toBe('month-2026-10');
    expect(periodKey(currentPeriod('month', new Date('2027-01-05T04:00:00+07:00')))).toBe('month-2026-12');
  });

  it('gives inclusive date ranges for handling-satisfaction', () => {
    expect(periodDateRange({ type: 'year', year: 2026 })).toEqual({ fromDate: '2026-01-01', toDate: '2026-12-31' });
    expect(periodDateRange({ type: 'quarter', year: 2026, quarter: 3 })).toEqual({
      fromDate: '2026-07-01',
      toDate: '2026-09-30',
    });
    expect(periodDateRange({ type: 'month', year: 2028, month: 2 })).toEqual({
      fromDate: '2028-02-01',
      toDate: '2028-02-29',
    });
  });

  it('labels periods in Vietnamese', () => {
    expect(periodLabel({ type: 'quarter', year: 2026, quarter: 3 })).toBe('quý III/2026');
  });

  it('finds the freshness deadline of a week', () => {
    expect(deadlineInWeek('Tue 04:00', 2026, 48).toISOString()).toBe('2026-11-23T21:00:00.000Z');
  });
});

describe('Vietnamese formatting', () => {
  it('formats numbers vi-VN', () => {
    expect(viNumber(48.15)).toBe('48,15');
    expect(viNumber(1234.5)).toBe('1.234,50');
    expect(viNumber(null)).toBe('—');
    expect(viDelta(-5.75)).toBe('-5,75');
    expect(viDelta(0.45)).toBe('+0,45');
    expect(viDelta(0.0000001)).toBe('0,00');
    expect(viDateTime(new Date('2026-11-15T21:12:00Z'))).toBe('16/11/2026 04:12');
  });

  it('orders unit codes naturally', () => {
    expect(['H19.101', 'H19.15', 'H19.08', 'H19', 'H19.10'].sort(compareUnitCodes)).toEqual([
      'H19',
      'H19.08',
      'H19.10',
      'H19.15',
      'H19.101',
    ]);
  });
});

describe('competition ranking', () => {
  it('gives ties the same rank and skips the next, ignoring nulls', () => {
    const r = competitionRanks([
      { key: 'a', value: 70 },
      { key: 'b', value: 80 },
      { key: 'c', value: 70 },
      { key: 'd', value: null },
      { key: 'e', value: 60 },
    ]);
    expect(Object.fromEntries(r)).toEqual({ b: 1, a: 2, c: 2, e: 4 });
  });
});
