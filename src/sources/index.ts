/**
 * The sources chiso766 knows, registered here — one line each. A capture, a snapshot and a raw
 * answer name their source; everything else finds it through `sourceOf`.
 */
import { legacySource } from './dvcqg-legacy/source.ts';
import { dvcqgSource } from './dvcqg/source.ts';
import { provincialSource } from './provincial/source.ts';
import type { Source } from './source.ts';

const SOURCES: readonly Source[] = [dvcqgSource as Source, legacySource as Source, provincialSource as Source];

export function sourceOf(name: string): Source {
  const s = SOURCES.find((x) => x.name === name);
  if (!s) throw new Error(`unknown source "${name}" (known: ${SOURCES.map((x) => x.name).join(', ')})`);
  return s;
}

/** Whether captures of this source hold snapshots (the drill-down's captures hold evidence only). */
export function isSource(name: string): boolean {
  return SOURCES.some((x) => x.name === name);
}
