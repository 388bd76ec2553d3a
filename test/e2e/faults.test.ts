/**
 * Faults a provincial server meets every month, done for real by the test: Redis (with AOF) and
 * PostgreSQL restarted in the middle of a cycle, the mail server refusing connections for a while,
 * a fresh database under a Redis prefix that already ran the same week. Each ends with the cycle
 * complete on its own and every e-mail delivered exactly once.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startPostgres, startRedis, type LocalServer } from '../../src/offline/local.ts';
import { runCli } from '../helpers/cli.ts';
import { CAPTURE_16 } from '../helpers/paths.ts';
import { createBench, type Bench } from '../helpers/pipeline.ts';
import { startSmtpSink, type Sink } from '../helpers/smtp.ts';
import { startWorker, until } from '../helpers/processes.ts';

const YAML = `province: H19
ops: { emails: [ops@stp.dongnai.gov.vn] }
recipients:
  - { unit: "H19.1??", to: ["xa-{code}@dongnai.gov.vn"] }
  - { unit: "H19.??", to: ["so-{code}@dongnai.gov.vn"] }
rules: { floor: { metrics: [TOTAL], warnRatio: 0, criticalRatio: 50 } }
jobs: { attempts: 3, backoffMs: 50 }
`;
const AS_OF = '2026-11-16T04:12:00+07:00';
/** Week 47 of capture 2026-11-16 with this config: H19.12 and H19.112 below 50 → two unit e-mails. */
const UNIT_MAILS = ['so-h19.12@dongnai.gov.vn', 'xa-h19.112@dongnai.gov.vn'];

const stateDir = mkdtempSync(path.join(tmpdir(), 'faults-'));
// The PostgreSQL cluster runs as the postgres user when the tests run as root: it must reach its folder.
chmodSync(stateDir, 0o755);
const started: LocalServer[] = [];
let bench: Bench | null = null;
let sink: Sink | null = null;
afterEach(async () => {
  await bench?.close();
  await sink?.close();
  bench = null;
  sink = null;
});
afterAll(async () => {
  for (const s of started) await s.stop();
});

async function requests(b: Bench): Promise<number> {
  return Object.values(b.replay.stats.byEndpoint).reduce((n, v) => n + v, 0);
}

/** Every outbox row sent, the sink got each message once, the unit e-mails went where they should. */
async function expectEveryMailOnce(b: Bench, s: Sink): Promise<void> {
  const rows = await b.database.db.selectFrom('outbox').select(['state', 'to_addresses', 'kind']).execute();
  expect(rows.map((r) => r.state)).toEqual(rows.map(() => 'sent'));
  const ids = s.received.map((m) => m.parsed.messageId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(s.received).toHaveLength(rows.length);
  const unitRecipients = rows
    .filter((r) => r.kind === 'digest')
    .flatMap((r) => r.to_addresses)
    .sort();
  expect(unitRecipients).toEqual(UNIT_MAILS);
}

describe('Redis restarted in the middle of a cycle', () => {
  let redis: LocalServer;
  beforeAll(async () => {
    redis = await startRedis(path.join(stateDir, 'r1'), [], { aof: true });
    started.push(redis);
  });

  it('run-once finishes the cycle by itself: one cycle, complete, every e-mail once', async () => {
    sink = await startSmtpSink();
    bench = await createBench({
      captures: [CAPTURE_16],
      yaml: YAML,
      redisUrl: redis.url,
      faults: [{ endpoint: '*', kind: 'slow', arg: '700' }],
    });
    bench.env.SMTP_URL = sink.url;
    const run = runCli(['run-once', '--as-of', AS_OF, '--json'], bench.env, { timeoutMs: 150_000 });
    await until(async () => (await requests(bench!)) >= 2, 'the fetch to be under way');
    await redis.restart(3000);
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'complete', snapshots: 2, failedJobs: [] });
    expect(await bench.database.db.selectFrom('cycles').select('state').execute()).toEqual([{ state: 'complete' }]);
    await expectEveryMailOnce(bench, sink);
  }, 180_000);

  it('a worker comes back: /healthz 503 while Redis is away, 200 after, and it runs the next cycle', async () => {
    sink = await startSmtpSink();
    bench = await createBench({ captures: [CAPTURE_16], yaml: YAML, redisUrl: redis.url });
    bench.env.SMTP_URL = sink.url;
    const w = startWorker({ ...bench.env, CHISO766_OPS_TOKEN: 'ops-token-0123456789abcdef' });
    try {
      await until(async () => /worker ready/.test(w.output()), 'the worker to start');
      const url = /"url":"(http:\/\/[^"]+)"/.exec(w.output())![1]!;
      const restart = redis.restart(4000);
      await until(async () => (await fetch(`${url}/healthz`)).status === 503, 'healthz to say Redis is down', 10_000);
      await restart;
      await until(async () => (await fetch(`${url}/healthz`)).status === 200, 'healthz to recover', 30_000);
      expect(
        (await fetch(`${url}/ops/`, { headers: { authorization: 'Bearer ops-token-0123456789abcdef' } })).status,
      ).toBe(200);
      // One line when Redis went away and one when it came back, not a stack trace per retry.
      expect(w.output().match(/Redis unreachable/g)?.length ?? 0).toBeLessThanOrEqual(2);
      await until(async () => /Redis reachable again/.test(w.output()), 'the log line saying Redis is back', 15_000);
      expect(w.output()).not.toMatch(/^Error: connect|Unhandled error event/m);
      expect(w.child.exitCode).toBeNull();
      await runCycleOnWorker(bench);
      await expectEveryMailOnce(bench, sink);
    } finally {
      w.child.kill('SIGTERM');
      await w.exited;
    }
  }, 120_000);
});

describe('PostgreSQL restarted in the middle of a cycle', () => {
  let pg: LocalServer;
  beforeAll(async () => {
    const server = await startPostgres(path.join(stateDir, 'p1'), []);
    if (!server) throw new Error('this test needs PostgreSQL server binaries (CI installs them)');
    pg = server;
    started.push(pg);
  }, 60_000);

  it('run-once survives ("terminating connection due to administrator command") and finishes the cycle, every e-mail once', async () => {
    sink = await startSmtpSink();
    bench = await createBench({
      captures: [CAPTURE_16],
      yaml: YAML,
      postgresServerUrl: pg.url,
      faults: [{ endpoint: '*', kind: 'slow', arg: '700' }],
    });
    bench.env.SMTP_URL = sink.url;
    const run = runCli(['run-once', '--as-of', AS_OF, '--json'], bench.env, { timeoutMs: 150_000 });
    await until(async () => (await requests(bench!)) >= 2, 'the fetch to be under way');
    await pg.restart(3000);
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/Unhandled 'error' event/);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'complete', snapshots: 2, failedJobs: [] });
    expect(await bench.database.db.selectFrom('cycles').select('state').execute()).toEqual([{ state: 'complete' }]);
    await expectEveryMailOnce(bench, sink);
  }, 180_000);

  it('an idle worker does not die when PostgreSQL restarts, and runs the next cycle', async () => {
    sink = await startSmtpSink();
    bench = await createBench({ captures: [CAPTURE_16], yaml: YAML, postgresServerUrl: pg.url });
    bench.env.SMTP_URL = sink.url;
    const w = startWorker(bench.env);
    try {
      await until(async () => /worker ready/.test(w.output()), 'the worker to start');
      const url = /"url":"(http:\/\/[^"]+)"/.exec(w.output())![1]!;
      // Give the worker's pool idle connections to lose.
      await fetch(`${url}/metrics`);
      await pg.restart(3000);
      await until(async () => (await fetch(`${url}/healthz`)).status === 200, 'healthz to recover', 30_000);
      expect(w.child.exitCode).toBeNull();
      await runCycleOnWorker(bench);
      await expectEveryMailOnce(bench, sink);
    } finally {
      w.child.kill('SIGTERM');
      await w.exited;
    }
  }, 120_000);
});

describe('the mail server refusing connections for a while', () => {
  it('every e-mail is delivered once when it is back, without an operator; the cycle completes; ops are told', async () => {
    const port = await freePort();
    bench = await createBench({ captures: [CAPTURE_16], yaml: YAML });
    bench.env.SMTP_URL = `smtp://127.0.0.1:${port}?tls=off`;
    const run = runCli(['run-once', '--as-of', AS_OF, '--json'], bench.env, { timeoutMs: 150_000 });
    // Refused until the first send has failed and the outage alert is open, then for 20 s more.
    await until(
      async () =>
        (
          await bench!.database.db
            .selectFrom('alerts')
            .select('id')
            .where('rule', '=', 'mail.failed')
            .where('metric', '=', 'smtp')
            .where('state', '=', 'open')
            .execute()
        ).length === 1,
      'the mail outage alert',
      60_000,
    );
    await new Promise((r) => setTimeout(r, 20_000));
    sink = await startSmtpSink(port);
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'complete', emails: { waiting: 0, failed: 0 } });
    const outage = await bench.database.db.selectFrom('alerts').selectAll().where('rule', '=', 'mail.failed').execute();
    expect(outage).toEqual([expect.objectContaining({ metric: 'smtp', state: 'resolved' })]);
    expect(outage[0]!.message).toMatch(/Máy chủ thư tạm thời không nhận thư .* tự động gửi lại trong tối đa 240 phút/);
    // The outage note to ops goes out once mail flows (the cycle's own e-mails, once each).
    await until(
      async () => sink!.received.some((m) => /máy chủ thư đã hoạt động trở lại/.test(m.parsed.subject ?? '')),
      'the note to ops',
      30_000,
    );
    const note = sink.received.find((m) => /máy chủ thư đã hoạt động trở lại/.test(m.parsed.subject ?? ''))!;
    expect(note.envelope.to).toEqual(['ops@stp.dongnai.gov.vn']);
    const cycleMails = sink.received.filter((m) => m !== note);
    expect(new Set(cycleMails.map((m) => m.parsed.messageId)).size).toBe(cycleMails.length);
    const digests = await bench.database.db
      .selectFrom('outbox')
      .select(['to_addresses', 'state'])
      .where('kind', '=', 'digest')
      .execute();
    expect(digests.flatMap((d) => d.to_addresses).sort()).toEqual(UNIT_MAILS);
    expect(digests.every((d) => d.state === 'sent')).toBe(true);
  }, 180_000);
});

describe('a fresh database under a Redis prefix that already ran the same week', () => {
  it('fetches again and sends every e-mail: job ids carry the database id', async () => {
    sink = await startSmtpSink();
    const first = await createBench({ captures: [CAPTURE_16], yaml: YAML });
    first.env.SMTP_URL = sink.url;
    try {
      expect((await runCli(['run-once', '--as-of', AS_OF], first.env)).code).toBe(0);
    } finally {
      await first.database.close();
    }
    const mailsBefore = sink.received.length;
    bench = await createBench({ captures: [CAPTURE_16], yaml: YAML, prefix: first.prefix });
    bench.env.SMTP_URL = sink.url;
    const r = await runCli(['run-once', '--as-of', AS_OF, '--json'], bench.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'complete', snapshots: 2 });
    expect(await requests(bench)).toBeGreaterThanOrEqual(8);
    expect(sink.received.length - mailsBefore).toBe(mailsBefore);
    const rows = await bench.database.db.selectFrom('outbox').select('state').execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((x) => x.state === 'sent')).toBe(true);
  }, 120_000);
});

describe('impossible figures are drift, not facts', () => {
  it.each([
    ['dvc-progress-tree', 'negative', /\$\.data\.children\[0\]\.score: impossible figure: score -12 is below 0/],
    [
      'handling-satisfaction',
      'over',
      /\$\.data\.evaluation\[0\]\.totalScore: impossible figure: score 150 is above its maximum 18/,
    ],
    [
      'dossier-digitized',
      'foreign',
      /\$\.data\.evaluation\[0\]\.departmentCode: impossible figure: unit H21\.\d+ is not a unit of H19/,
    ],
    ['transparency', 'empty', /\$\.data\.evaluation: impossible figure: no unit in the list of H19/],
  ])(
    '%s answering %s: kept as evidence, nothing stored, ops told, no unit e-mailed',
    async (endpoint, how, detail) => {
      bench = await createBench({
        captures: [CAPTURE_16],
        yaml: YAML,
        faults: [{ endpoint, kind: 'impossible', arg: how }],
      });
      const r = await runCli(['run-once', '--as-of', AS_OF, '--json'], bench.env);
      expect(r.code).toBe(1);
      const drift = await bench.database.db
        .selectFrom('alerts')
        .selectAll()
        .where('rule', '=', 'source.drift')
        .execute();
      expect(drift).toEqual([
        expect.objectContaining({ kind: 'source', unit_code: 'H19', metric: endpoint, state: 'open' }),
      ]);
      // The technical detail is evidence (alerts --json, the ops UI); the message is Vietnamese.
      expect(String(drift[0]!.evidence.detail)).toMatch(detail);
      expect(drift[0]!.message).toMatch(/trả về có cấu trúc hoặc giá trị bất thường; dữ liệu gốc đã được lưu/);
      const raw = await bench.database.db
        .selectFrom('raw_payloads')
        .select(['outcome'])
        .where('endpoint', '=', endpoint)
        .execute();
      expect(raw).toEqual([{ outcome: 'drift' }]);
      const province = await bench.database.db
        .selectFrom('snapshots')
        .select('id')
        .where('scope', '=', 'H19')
        .execute();
      expect(province).toEqual([]);
      expect(await bench.database.db.selectFrom('outbox').select('id').where('kind', '=', 'digest').execute()).toEqual(
        [],
      );
    },
    60_000,
  );
});

/** Queue this week's cycle from the test process (no worker here) and wait for the worker process to run it. */
async function runCycleOnWorker(b: Bench): Promise<void> {
  const { createRuntime } = await import('../../src/queue/runtime.ts');
  const { enqueueCycle } = await import('../../src/queue/enqueue.ts');
  const { waitForCycle } = await import('../../src/queue/wait.ts');
  const rt = await createRuntime(b.config(), b.database.db, { prefix: b.prefix });
  try {
    const { cycle } = await enqueueCycle(rt, { asOf: new Date(AS_OF) });
    const outcome = await waitForCycle(rt, cycle, { timeoutMs: 60_000, mailWaitMs: 30_000 });
    expect(outcome.state).toBe('complete');
    expect(
      (await b.database.db.selectFrom('cycles').select('state').where('id', '=', cycle.id).executeTakeFirstOrThrow())
        .state,
    ).toBe('complete');
  } finally {
    await rt.close();
  }
}
