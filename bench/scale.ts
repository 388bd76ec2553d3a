/**
 * scale: the national cycle (34 provinces, 239 requests) through BullMQ with one `chiso766 worker`
 * process, then two, sharing Redis and PostgreSQL, politeness 0 (the per-host limiter stays
 * global through Redis). Throughput ratio = time with 1 / time with 2.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/load.ts';
import { PROVINCE_CODES } from '../src/domain/provinces.ts';
import { createLogger } from '../src/log.ts';
import { ReplayServer } from '../src/offline/replay.ts';
import { enqueueCycle } from '../src/queue/enqueue.ts';
import { createRuntime } from '../src/queue/runtime.ts';
import { benchDatabase } from './db.ts';
import { round } from './ingest.ts';
import { syntheticCapture } from './synthetic.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/chiso766.js');

function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'worker', '--no-cron'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (/worker ready/.test(err)) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited ${code}: ${err.slice(-500)}`)));
  });
}

async function runCycle(
  serverUrl: string,
  redisUrl: string,
  baseUrl: string,
  provinces: string[],
  workers: number,
): Promise<number> {
  const { url, database, drop } = await benchDatabase(serverUrl);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chiso766-scale-'));
  const configFile = path.join(dir, 'chiso766.yaml');
  writeFileSync(
    configFile,
    `province: [${provinces.join(', ')}]\njobs: { attempts: 2, backoffMs: 100, fetchConcurrency: 1 }\n`,
  );
  const prefix = `bench${randomBytes(3).toString('hex')}`;
  const env = {
    ...process.env,
    CHISO766_CONFIG: configFile,
    CHISO766_DATA_DIR: dir,
    DATABASE_URL: url,
    REDIS_URL: redisUrl,
    DVCQG_BASE_URL: baseUrl,
    CHISO766_HTTP_DELAY_MS: '0',
    CHISO766_QUEUE_PREFIX: prefix,
    PORT: '0',
    LOG_LEVEL: 'info',
    CHISO766_LOG_JSON: '1',
  };
  const children = await Promise.all(Array.from({ length: workers }, () => startWorker(env)));
  const rt = await createRuntime(loadConfig(env), database.db, { prefix, log: createLogger('warn') });
  try {
    const started = performance.now();
    const { cycle } = await enqueueCycle(rt, { asOf: new Date('2026-11-30T04:12:00+07:00') });
    for (;;) {
      const row = await database.db
        .selectFrom('cycles')
        .select('state')
        .where('id', '=', cycle.id)
        .executeTakeFirstOrThrow();
      if (row.state === 'complete') break;
      if (row.state === 'failed') throw new Error('the national cycle failed: see the workers');
      await new Promise((r) => setTimeout(r, 50));
    }
    const elapsed = (performance.now() - started) / 1000;
    if (process.env.BENCH_DEBUG) {
      for (const q of ['fetch', 'ingest', 'evaluate', 'notify'] as const) {
        const jobs = await rt.queues[q].getCompleted(0, 1000);
        const first = Math.min(...jobs.map((j) => j.processedOn ?? 0));
        const last = Math.max(...jobs.map((j) => j.finishedOn ?? 0));
        const busy = jobs.reduce((n, j) => n + ((j.finishedOn ?? 0) - (j.processedOn ?? 0)), 0);
        console.error(
          `${workers} workers ${q}: ${jobs.length} jobs, span ${((last - first) / 1000).toFixed(2)} s, busy ${(busy / 1000).toFixed(2)} s, ends at +${((last - started - performance.timeOrigin) / 1000).toFixed(2)} s`,
        );
      }
    }
    return elapsed;
  } finally {
    await rt.close();
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('exit', r)))));
    const r = new Redis(redisUrl);
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
    await drop();
  }
}

export async function benchScale(
  serverUrl: string,
  redisUrl: string,
  opts: { provinces?: string[]; scale?: number } = {},
) {
  const provinces = opts.provinces ?? [...PROVINCE_CODES];
  const { capture } = syntheticCapture(provinces, { scale: opts.scale ?? 1 });
  const replay = new ReplayServer([capture]);
  const baseUrl = await replay.listen();
  try {
    const workers1_s = await runCycle(serverUrl, redisUrl, baseUrl, provinces, 1);
    const workers2_s = await runCycle(serverUrl, redisUrl, baseUrl, provinces, 2);
    return {
      provinces: provinces.length,
      requests: capture.entries.length,
      workers1_s: round(workers1_s, 2),
      workers2_s: round(workers2_s, 2),
      speedup: round(workers1_s / workers2_s, 2),
    };
  } finally {
    await replay.close();
  }
}
