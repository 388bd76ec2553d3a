/**
 * Standard competition ranking ("1224"): equal values share a rank, the next rank skips. The 2026
 * API publishes no rank, only lists sorted by score, so chiso766 computes ranks itself and ties
 * are explicit instead of depending on the portal's order. Nulls are not ranked.
 */
export function competitionRanks<K>(items: readonly { key: K; value: number | null }[]): Map<K, number> {
  const ranked = items.filter((i): i is { key: K; value: number } => i.value !== null && !Number.isNaN(i.value));
  ranked.sort((a, b) => b.value - a.value);
  const out = new Map<K, number>();
  let rank = 0;
  let previous: number | null = null;
  ranked.forEach((item, index) => {
    if (previous === null || item.value !== previous) rank = index + 1;
    previous = item.value;
    out.set(item.key, rank);
  });
  return out;
}
