import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextRuns } from '../../src/queue/trigger.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('cron trigger schedule', () => {
  it('default Monday 04:00 Asia/Ho_Chi_Minh: next runs from a Saturday evening', () => {
    vi.useFakeTimers({ now: new Date('2026-11-28T23:35:00Z') }); // Sunday 06:35 in Vietnam
    const runs = nextRuns('0 4 * * 1', 'Asia/Ho_Chi_Minh', 3).map((d) => d.toISOString());
    expect(runs).toEqual(['2026-11-29T21:00:00.000Z', '2026-12-06T21:00:00.000Z', '2026-12-13T21:00:00.000Z']);
  });

  it('on Monday 04:00:30 local the next run is a week later; the zone matters', () => {
    vi.useFakeTimers({ now: new Date('2026-11-29T21:00:30Z') });
    expect(nextRuns('0 4 * * 1', 'Asia/Ho_Chi_Minh', 1)[0]!.toISOString()).toBe('2026-12-06T21:00:00.000Z');
    expect(nextRuns('0 4 * * 1', 'UTC', 1)[0]!.toISOString()).toBe('2026-11-30T04:00:00.000Z');
  });
});
