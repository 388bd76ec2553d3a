/**
 * The measured part of the ingest benchmark, in its own process so its peak RSS is its own:
 * fetch every request of a national capture from the local server (politeness 0), parse, store.
 * Prints one JSON line: observations, seconds, rss_mb.
 */
import { openPostgres } from '../src/db/connect.ts';
import { createLogger } from '../src/log.ts';
import { LocalPoliteness, PortalHttp } from '../src/sources/http.ts';
import { runCapture } from '../src/cycle/capture.ts';
import { benchConfig } from './history.ts';

const [baseUrl, provincesArg] = process.argv.slice(2) as [string, string];
const database = openPostgres(process.env.DATABASE_URL!, 4);
const http = new PortalHttp({ allowedOrigins: [baseUrl], politeness: new LocalPoliteness(0), timeoutMs: 60_000 });
const started = performance.now();
const config = benchConfig('jobs: { attempts: 1, backoffMs: 0 }\n');
config.env.dvcqgBaseUrl = baseUrl;
const report = await runCapture(
  { db: database.db, http, config, log: createLogger('warn') },
  {
    period: { type: 'year', year: 2026 },
    provinces: provincesArg.split(','),
    capturedAt: new Date('2026-11-30T04:12:00+07:00'),
  },
);
const seconds = (performance.now() - started) / 1000;
await database.close();
if (report.failure) {
  console.error(JSON.stringify(report.failure));
  process.exit(1);
}
const cpu = process.cpuUsage();
console.log(
  JSON.stringify({
    captureId: report.captureId,
    observations: report.ingest!.observations,
    seconds,
    rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    cpu_s: (cpu.user + cpu.system) / 1e6,
  }),
);
