/**
 * A pipeline test bench: a fresh PostgreSQL database, a private queue prefix on the test Redis,
 * a replay of recorded captures on loopback, a config file — and the environment to give the CLI.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/config/load.ts';
import { openPostgres, type Database } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { loadReplayCapture, ReplayServer, type Fault } from '../../src/offline/replay.ts';
import { createTestDatabase } from './db.ts';
import { createScratchDatabase } from '../../src/offline/local.ts';
import { CAPTURE_16, CAPTURE_23 } from './paths.ts';

export function requireRedis(): string {
  const url = process.env.REDIS_URL;
  if (!url)
    throw new Error(
      'this test needs Redis: run it through `npm test` (which starts one) or set REDIS_URL=redis://127.0.0.1:6379',
    );
  return url;
}

export interface Bench {
  env: Record<string, string>;
  replay: ReplayServer;
  database: Database;
  dir: string;
  configFile: string;
  prefix: string;
  /** Config as the CLI would load it (for in-process runtimes). */
  config(): Config;
  writeConfig(yaml: string): void;
  close(): Promise<void>;
}

export async function createBench(
  opts: {
    captures?: string[];
    yaml?: string;
    faults?: Fault[];
    redisUrl?: string;
    postgresServerUrl?: string;
    prefix?: string;
  } = {},
): Promise<Bench> {
  const redisUrl = opts.redisUrl ?? requireRedis();
  const { url, drop } = opts.postgresServerUrl
    ? await createScratchDatabase(opts.postgresServerUrl, 't')
    : await createTestDatabase();
  const database = openPostgres(url, 5);
  await migrateToLatest(database.db);
  const replay = new ReplayServer(
    (opts.captures ?? [CAPTURE_16, CAPTURE_23]).map(loadReplayCapture),
    opts.faults ?? [],
  );
  const base = await replay.listen();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-'));
  const configFile = path.join(dir, 'chiso766.yaml');
  const prefix = opts.prefix ?? `t${randomBytes(4).toString('hex')}`;
  const writeConfig = (yaml: string) => writeFileSync(configFile, yaml);
  writeConfig(opts.yaml ?? 'province: H19\njobs: { attempts: 3, backoffMs: 50 }\n');
  const env: Record<string, string> = {
    CHISO766_CONFIG: configFile,
    CHISO766_DATA_DIR: dir,
    DATABASE_URL: url,
    REDIS_URL: redisUrl,
    DVCQG_BASE_URL: base,
    CHISO766_HTTP_DELAY_MS: '0',
    CHISO766_QUEUE_PREFIX: prefix,
    CHISO766_JOB_LOCK_MS: '2000',
    PORT: '0',
  };
  return {
    env,
    replay,
    database,
    dir,
    configFile,
    prefix,
    config: () => loadConfig({ ...process.env, ...env }),
    writeConfig,
    close: async () => {
      await replay.close();
      await database.close();
      await drop().catch(() => undefined);
      const r = new Redis(redisUrl);
      const keys = await r.keys(`${prefix}:*`);
      if (keys.length) await r.del(...keys);
      r.disconnect();
    },
  };
}
