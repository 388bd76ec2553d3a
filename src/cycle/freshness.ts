/**
 * "Never alert on stale data": when every province snapshot of a capture is identical to the one
 * before (the portal did not recalculate), the cycle looks again later — until the week's
 * deadline, after which ops are told. Pure: the decision from the snapshots and the clock.
 */

export type Freshness = { state: 'fresh' } | { state: 'recheck'; at: Date } | { state: 'stale' };

export function decideFreshness(
  provinceSnapshots: readonly { unchanged: boolean }[],
  c: { now: Date; deadline: Date; recheckEveryMs: number },
): Freshness {
  if (provinceSnapshots.length === 0 || !provinceSnapshots.every((s) => s.unchanged)) return { state: 'fresh' };
  const at = new Date(c.now.getTime() + c.recheckEveryMs);
  return at.getTime() <= c.deadline.getTime() ? { state: 'recheck', at } : { state: 'stale' };
}
