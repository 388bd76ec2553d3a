/**
 * `npm run bench -- [--json] [--only ingest,history,scale] [--size full|tiny]`
 * Runs the benchmarks and prints their figures with the machine they ran on. Uses DATABASE_URL /
 * REDIS_URL when set, otherwise starts a private PostgreSQL and Redis (like `npm test`).
 * Figures are measured, never asserted: the README's Performance table comes from this output.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalServices } from '../src/offline/local.ts';
import { benchHistory } from './history.ts';
import { benchIngest } from './ingest.ts';
import { benchScale } from './scale.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const only = (
  args.find((a) => a.startsWith('--only='))?.slice(7) ??
  (args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined)
)?.split(',');
const sizeArg =
  args.find((a) => a.startsWith('--size='))?.slice(7) ??
  (args.includes('--size') ? args[args.indexOf('--size') + 1] : 'full');
const tiny = sizeArg === 'tiny';
const want = (name: string) => !only || only.includes(name);
const say = (s: string) => {
  if (!json) process.stderr.write(`${s}\n`);
};

const services = await startLocalServices({
  stateDir: mkdtempSync(path.join(os.tmpdir(), 'chiso766-bench-')),
  postgres: true,
});
for (const n of services.notes) say(`[services] ${n}`);
if (!services.databaseUrl) {
  console.error(
    'the benchmarks need a PostgreSQL server (set DATABASE_URL, or install PostgreSQL so one can be started)',
  );
  process.exit(1);
}
const out: Record<string, unknown> = {
  machine: {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    size: tiny ? 'tiny' : 'full',
  },
};
try {
  if (want('ingest')) {
    say('ingest: synthetic national capture → fetch + parse + store, then COPY of the same rows …');
    out.ingest = await benchIngest(services.databaseUrl, tiny ? { provinces: ['H19', 'H01'], scale: 0.1 } : {});
  }
  if (want('history')) {
    say('history: 3 years of weekly cycles for the largest province → evaluate, bulletin, one unit series …');
    out.history = await benchHistory(services.databaseUrl, tiny ? { weeks: 6, scale: 0.1 } : {});
  }
  if (want('scale')) {
    say('scale: the national cycle on BullMQ with 1 worker process, then 2 …');
    out.scale = await benchScale(
      services.databaseUrl,
      services.redisUrl,
      tiny ? { provinces: ['H19', 'H01', 'H05'], scale: 0.1 } : {},
    );
  }
} finally {
  await services.stop();
}
if (json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
else process.stdout.write(JSON.stringify(out, null, 2) + '\n');
