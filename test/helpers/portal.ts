/** nock interceptors that answer like DVCQG from a recorded capture folder. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';

export const BASE = 'https://dichvucong.example.test';

interface Entry {
  file: string;
  endpoint: string;
  payload: Record<string, unknown>;
}

export function manifestEntries(dir: string): (Entry & { body: Buffer })[] {
  const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { entries: Entry[] };
  return m.entries.map((e) => ({ ...e, body: readFileSync(path.join(dir, e.file)) }));
}

function isNational(b: Record<string, unknown>): boolean {
  return b.departmentType === 'ADMINISTRATIVE_UNIT';
}

/**
 * Intercept every request of a capture once (or `times`); `override` replaces the answer of one
 * endpoint (a function gets the call number, starting at 1).
 */
export function mockCapture(
  dir: string,
  opts: {
    base?: string;
    times?: number;
    override?: Record<string, (call: number) => [number, string | Buffer, Record<string, string>?]>;
  } = {},
): { scope: nock.Scope; calls: Record<string, number>; times: Record<string, number[]> } {
  const base = opts.base ?? BASE;
  const scope = nock(base);
  const calls: Record<string, number> = {};
  const times: Record<string, number[]> = {};
  for (const e of manifestEntries(dir)) {
    const key = e.endpoint === 'service-results' && isNational(e.payload) ? 'service-results.national' : e.endpoint;
    scope
      .post(`/api/v1/reporting/evaluation/${e.endpoint}`, (b: Record<string, unknown>) =>
        e.endpoint !== 'service-results' ? true : isNational(b) === isNational(e.payload),
      )
      .times(opts.times ?? 1)
      .reply(() => {
        calls[key] = (calls[key] ?? 0) + 1;
        (times[key] ??= []).push(Date.now());
        const o = opts.override?.[key];
        if (o) {
          const [status, body, headers] = o(calls[key]!);
          return [status, body, headers ?? { 'content-type': 'application/json; charset=utf-8' }];
        }
        return [201, e.body, { 'content-type': 'application/json; charset=utf-8' }];
      });
  }
  return { scope, calls, times };
}
