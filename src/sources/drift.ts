/**
 * Drift: a 2xx answer whose shape (or figures) is not what the parser knows. Named with the JSON
 * path that broke, stored with the raw answer, told to ops — never a crash, never silently zero.
 */

export class DriftError extends Error {
  constructor(
    readonly requestKey: string,
    /** JSON path that broke: `$.data.children[3].totalOnTime`. */
    readonly path: string,
    detail: string,
  ) {
    super(`${requestKey}: schema drift at ${path}: ${detail}`);
    this.name = 'DriftError';
  }
}

export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : `.${String(seg)}`;
  return out;
}

/** Unicode NFC on every string of a parsed JSON value (Vietnamese text compares reliably). */
export function normalizeText<T>(value: T): T {
  if (typeof value === 'string') return value.normalize('NFC') as T;
  if (Array.isArray(value)) return value.map((v) => normalizeText(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalizeText(v);
    return out as T;
  }
  return value;
}
