import { readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { HostNotAllowedError, LocalPoliteness, PortalHttp } from '../../src/sources/http.ts';
import { captureRequests } from '../../src/sources/dvcqg/endpoints.ts';
import { runCapture } from '../../src/cycle/capture.ts';
import { createCapture } from '../../src/cycle/store.ts';
import { fetchRequest } from '../../src/snapshots/fetch.ts';
import { dvcqgSource } from '../../src/sources/dvcqg/source.ts';
import { testConfig } from '../helpers/config.ts';
import { ingestCapture } from '../../src/snapshots/ingest.ts';
import { rawBody } from '../../src/snapshots/archive.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { CAPTURE_16, CAPTURE_23, ERRORS } from '../helpers/paths.ts';
import { BASE, mockCapture } from '../helpers/portal.ts';

const log = createLogger('silent');
const period = { type: 'year' as const, year: 2026 };
const WAF = readFileSync(path.join(ERRORS, 'waf-request-rejected.html'));
const HTTP500 = readFileSync(path.join(ERRORS, 'http-500.json'));

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase();
  nock.disableNetConnect();
});
afterAll(async () => {
  nock.enableNetConnect();
  await t.close();
});
afterEach(() => nock.cleanAll());

function http(delayMs = 0, timeoutMs = 5000): PortalHttp {
  return new PortalHttp({ allowedOrigins: [BASE], politeness: new LocalPoliteness(delayMs), timeoutMs });
}

function opts(h = http(), attempts = 3) {
  return {
    db: t.db,
    http: h,
    config: testConfig(`province: H19\njobs: { attempts: ${attempts}, backoffMs: 5 }\n`, { DVCQG_BASE_URL: BASE }),
    log,
  };
}

function fetchDvcqg(h: PortalHttp, captureId: number, spec: Parameters<typeof fetchRequest>[2], attempt: number) {
  return fetchRequest(
    { db: t.db, source: dvcqgSource, transport: h, config: testConfig('province: H19\n', { DVCQG_BASE_URL: BASE }) },
    captureId,
    spec,
    attempt,
  );
}

describe('capture against a mocked DVCQG (nock 15.0.0 + undici.request)', () => {
  it('500 then 201 → retried, accepted once, evidence of the 500 kept', async () => {
    const m = mockCapture(CAPTURE_16, {
      times: 2,
      override: {
        transparency: (n) =>
          n === 1
            ? [500, HTTP500, { 'content-type': 'application/json' }]
            : [201, readFileSync(path.join(CAPTURE_16, 'transparency.H19.year-2026.json'))],
      },
    });
    const r = await runCapture(opts(), {
      period,
      provinces: ['H19'],
      capturedAt: new Date('2026-11-16T04:12:00+07:00'),
    });
    expect(r.failure).toBeNull();
    expect(m.calls.transparency).toBe(2);
    const rows = await t.db
      .selectFrom('raw_payloads')
      .select(['outcome', 'status', 'attempt'])
      .where('capture_id', '=', r.captureId)
      .where('request_key', '=', 'transparency.H19')
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { outcome: 'retryable', status: 500, attempt: 1 },
      { outcome: 'ok', status: 201, attempt: 2 },
    ]);
    expect(r.ingest!.snapshots.map((s) => s.scope)).toEqual(['national', 'H19']);
    const ckmb = await t.db
      .selectFrom('observations')
      .select('score')
      .where('snapshot_id', '=', r.ingest!.snapshots[1]!.snapshotId)
      .where('unit_code', '=', 'H19.08')
      .where('metric', '=', 'CKMB')
      .executeTakeFirstOrThrow();
    expect(ckmb.score).toBe(14.56);
  });

  it('a WAF page → blocked at once: one request to that endpoint, none after it', async () => {
    const m = mockCapture(CAPTURE_23, {
      override: { 'dvc-progress-tree': () => [200, WAF, { 'content-type': 'text/html' }] },
    });
    const r = await runCapture(opts(), {
      period,
      provinces: ['H19'],
      capturedAt: new Date('2026-11-23T04:12:00+07:00'),
    });
    expect(r.failure).toMatchObject({ endpoint: 'dvc-progress-tree', outcome: 'blocked', attempts: 1 });
    expect(r.failure!.detail).toMatch(/Request Rejected/);
    expect(m.calls['dvc-progress-tree']).toBe(1);
    expect(m.calls['provide-online-tree']).toBeUndefined();
    // The national ranking was complete before the block: it is stored; the province is not.
    expect(r.ingest!.snapshots.map((s) => s.scope)).toEqual(['national']);
    const capture = await t.db
      .selectFrom('captures')
      .select('state')
      .where('id', '=', r.captureId)
      .executeTakeFirstOrThrow();
    expect(capture.state).toBe('failed');
    const waf = await t.db
      .selectFrom('raw_payloads')
      .select(['outcome', 'body', 'body_encoding'])
      .where('capture_id', '=', r.captureId)
      .where('request_key', '=', 'dvc-progress-tree.H19')
      .executeTakeFirstOrThrow();
    expect(waf.outcome).toBe('blocked');
    expect(rawBody(waf).toString()).toContain('Request Rejected');
  });

  it('a timeout is retryable (and retried)', async () => {
    nock(BASE).post('/api/v1/reporting/evaluation/service-results').delay(800).reply(201, '{}');
    const res = await http(0, 200).fetch({
      method: 'POST',
      url: `${BASE}/api/v1/reporting/evaluation/service-results`,
      body: '{}',
    });
    expect(res.outcome).toBe('retryable');
    expect(res.detail).toMatch(/no answer within 200 ms/);
  });

  it('refuses a host that is not configured, before any I/O', async () => {
    const scope = nock('https://evil.example.test').get('/').reply(200, 'x');
    await expect(http().fetch({ method: 'GET', url: 'https://evil.example.test/' })).rejects.toBeInstanceOf(
      HostNotAllowedError,
    );
    expect(scope.isDone()).toBe(false);
  });

  it('honours the politeness delay between requests to one host', async () => {
    const m = mockCapture(CAPTURE_16);
    const r = await runCapture(opts(http(150)), {
      period,
      provinces: ['H19'],
      capturedAt: new Date('2026-11-16T05:00:00+07:00'),
    });
    expect(r.failure).toBeNull();
    const starts = Object.values(m.times)
      .flat()
      .sort((a, b) => a - b);
    expect(starts).toHaveLength(8);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(140);
  });

  it('sends an honest User-Agent', async () => {
    const scope = nock(BASE)
      .post('/x')
      .matchHeader('user-agent', /^chiso766\/\d+\.\d+\.\d+ \(\+.+\)$/)
      .reply(201, '{}');
    const res = await http().fetch({ method: 'POST', url: `${BASE}/x`, body: '{}' });
    expect(res.outcome).toBe('ok');
    expect(scope.isDone()).toBe(true);
  });
});

describe('snapshot writer on PostgreSQL', () => {
  it('the same content twice → one snapshot with observations + one unchanged, no duplicate rows', async () => {
    mockCapture(CAPTURE_23, { times: 2 });
    const at = new Date('2026-11-23T04:12:00+07:00');
    const first = await runCapture(opts(), { period, provinces: ['H19'], capturedAt: at });
    const second = await runCapture(opts(), { period, provinces: ['H19'], capturedAt: at });
    expect(first.ingest!.unchanged).toBe(false);
    expect(second.ingest!.unchanged).toBe(true);
    expect(second.ingest!.observations).toBe(0);
    expect(second.ingest!.snapshots.every((s) => s.sameAsSnapshotId !== null)).toBe(true);
    const counts = await t.db
      .selectFrom('observations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(
        'snapshot_id',
        'in',
        second.ingest!.snapshots.map((s) => s.snapshotId),
      )
      .executeTakeFirstOrThrow();
    expect(counts.n).toBe(0);
    const capture = await t.db
      .selectFrom('captures')
      .select('state')
      .where('id', '=', second.captureId)
      .executeTakeFirstOrThrow();
    expect(capture.state).toBe('unchanged');
  });

  it('a crash between the raw archive and the snapshot keeps the raw payloads and no half snapshot', async () => {
    mockCapture(CAPTURE_16);
    const capturedAt = new Date('2026-11-16T06:00:00+07:00');
    const specs = captureRequests(['H19'], { type: 'quarter', year: 2026, quarter: 4 });
    const captureId = await createCapture(t.db, {
      cycleId: null,
      source: 'dvcqg',
      period: { type: 'quarter', year: 2026, quarter: 4 },
      provinces: ['H19'],
      capturedAt,
      planned: specs.length,
    });
    for (const spec of specs) {
      const r = await fetchDvcqg(http(), captureId, spec, 1);
      expect(r.outcome).toBe('ok');
      await r.archived;
    }
    await expect(
      ingestCapture(t.db, captureId, {
        afterSnapshotRow: () => {
          throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    const raw = await t.db
      .selectFrom('raw_payloads')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('capture_id', '=', captureId)
      .where('outcome', '=', 'ok')
      .executeTakeFirstOrThrow();
    expect(raw.n).toBe(8);
    const snaps = await t.db
      .selectFrom('snapshots')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('capture_id', '=', captureId)
      .executeTakeFirstOrThrow();
    expect(snaps.n).toBe(0);
    // Ingest again after the "crash": the stored payloads are enough, and a re-fetch asks nothing.
    expect((await fetchDvcqg(http(), captureId, specs[2]!, 2)).reused).toBe(true);
    const again = await ingestCapture(t.db, captureId);
    expect(again.snapshots).toHaveLength(2);
    expect(again.observations).toBeGreaterThan(800);
  });
});
