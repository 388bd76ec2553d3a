/**
 * ingest: a synthetic national capture (34 provinces with their real unit counts, all six group
 * endpoints, every sub-metric) served by a local HTTP server with politeness 0 → fetch + parse +
 * store, measured in a child process; then the same rows loaded with PostgreSQL COPY.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { from as copyFrom } from 'pg-copy-streams';
import pg from 'pg';
import { PROVINCE_CODES } from '../src/domain/provinces.ts';
import { ReplayServer } from '../src/offline/replay.ts';
import { benchDatabase } from './db.ts';
import { syntheticCapture } from './synthetic.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

function runWorker(
  env: NodeJS.ProcessEnv,
  args: string[],
): Promise<{ observations: number; seconds: number; rss_mb: number; captureId: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'ingest-worker.ts'), ...args], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!))
        : reject(new Error(`ingest worker exited ${code}`)),
    );
  });
}

function csvValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  return String(v);
}

export async function benchIngest(serverUrl: string, opts: { provinces?: string[]; scale?: number } = {}) {
  const provinces = opts.provinces ?? [...PROVINCE_CODES];
  const { capture, units } = syntheticCapture(provinces, { scale: opts.scale ?? 1 });
  const replay = new ReplayServer([capture]);
  const base = await replay.listen();
  const { url, database, drop } = await benchDatabase(serverUrl);
  try {
    const r = await runWorker({ ...process.env, DATABASE_URL: url }, [base, provinces.join(',')]);
    if (process.env.BENCH_DEBUG) console.error(r);
    // The same rows, loaded by COPY into a table shaped like observations (same keys and index).
    const rows = await database.db
      .selectFrom('observations as o')
      .innerJoin('snapshots as s', 's.id', 'o.snapshot_id')
      .selectAll('o')
      .where('s.capture_id', '=', r.captureId)
      .execute();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('create table observations_copy (like observations including all)');
    const csv =
      rows
        .map((o) =>
          [
            o.snapshot_id,
            o.unit_code,
            o.metric,
            o.score,
            o.max_score,
            o.ratio,
            o.numerator,
            o.denominator,
            o.rank,
            o.peer_rank,
            o.present,
            o.quality,
          ]
            .map(csvValue)
            .join(','),
        )
        .join('\n') + '\n';
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const stream = client.query(
        copyFrom(
          'copy observations_copy (snapshot_id, unit_code, metric, score, max_score, ratio, numerator, denominator, rank, peer_rank, present, quality) from stdin with (format csv)',
        ),
      );
      stream.on('error', reject);
      stream.on('finish', () => resolve());
      stream.end(csv);
    });
    const copySeconds = (performance.now() - started) / 1000;
    await client.end();
    return {
      provinces: provinces.length,
      units,
      requests: capture.entries.length,
      observations: r.observations,
      seconds: round(r.seconds, 3),
      obs_per_s: Math.round(r.observations / r.seconds),
      rss_mb: r.rss_mb,
      copy_seconds: round(copySeconds, 3),
      ratio_vs_copy: round(r.seconds / copySeconds, 2),
    };
  } finally {
    await replay.close();
    await drop();
  }
}

export function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
