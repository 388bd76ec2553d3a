/**
 * `demo` (`npm run demo`): the whole product offline on embedded defaults. A local replay of the
 * bundled captures stands in for the portal; Redis is REDIS_URL (with a private key prefix, removed
 * afterwards) or a redis-server started here; the database is PGlite in ./demo-data. Three weekly
 * cycles run through the real queues; e-mails become .eml files; the notice is written in four
 * formats. Running it again resets ./demo-data and nothing else.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { openDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { listAlerts } from '../alerts/query.ts';
import { createLogger } from '../log.ts';
import { closeTransports } from '../mail/transport.ts';
import { loadReplayCapture, ReplayServer } from '../offline/replay.ts';
import { IgateStandIn, TOKEN_PATH } from '../offline/igate.ts';
import { enqueueCycle } from '../queue/enqueue.ts';
import { createRuntime } from '../queue/runtime.ts';
import { waitForCycle } from '../queue/wait.ts';
import { cycleSummary } from '../cycle/summary.ts';
import { startWorkers } from '../queue/workers.ts';
import { buildReport } from '../report/bulletin.ts';
import { drilldownOfCycle } from '../drilldown/store.ts';
import { shortfallWords } from '../drilldown/plan.ts';
import { truncate } from '../domain/format.ts';
import { DOSSIER_PROBLEMS } from '../sources/provincial/dossiers.ts';
import { startLocalServices } from '../offline/local.ts';
import { action, CommandError } from './context.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CAPTURES = [
  { dir: 'capture-2026-11-16', asOf: '2026-11-16T04:12:00+07:00' },
  { dir: 'capture-2026-11-23', asOf: '2026-11-23T04:12:00+07:00' },
  { dir: 'capture-2026-11-30', asOf: '2026-11-30T04:12:00+07:00' },
];

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'the whole product offline on embedded defaults, from bundled captures (three weekly cycles, alerts, e-mails, bulletin)',
    )
    .option('--dir <folder>', 'demo data folder (reset at start)', 'demo-data')
    .action(
      action(async (opts: { dir: string }) => {
        const started = Date.now();
        const out = process.stdout;
        const dir = path.resolve(opts.dir);
        if (existsSync(dir) && !existsSync(path.join(dir, '.chiso766-demo')) && readdirSync(dir).length > 0) {
          throw new CommandError(
            `${dir} exists and is not a chiso766 demo folder: refusing to reset it (choose another with --dir)`,
            2,
          );
        }
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, '.chiso766-demo'), 'created by `chiso766 demo`; reset on every run\n');
        out.write(`chiso766 demo — Đồng Nai (H19), three weekly captures replayed offline\n  demo folder: ${dir}\n`);

        const services = await startLocalServices({
          stateDir: path.join(tmpdir(), `chiso766-demo-${process.pid}`),
          env: { ...process.env, DATABASE_URL: '' },
        });
        for (const n of services.notes.filter((x) => !x.startsWith('database:'))) out.write(`  ${n}\n`);
        const replay = new ReplayServer(CAPTURES.map((c) => loadReplayCapture(path.join(ROOT, 'demo/dvcqg', c.dir))));
        const baseUrl = await replay.listen();
        out.write(`  stand-in portal: ${baseUrl} replaying demo/dvcqg/ (no internet needed)\n`);
        // A stand-in provincial iGate, so the bulletin can compare provincial and national figures.
        const demoSecret = randomBytes(12).toString('hex');
        const igate = new IgateStandIn({
          dir: path.join(ROOT, 'demo/igate/H19'),
          clientId: 'chiso766-demo',
          clientSecret: demoSecret,
        });
        const igateUrl = await igate.listen();
        out.write(`  stand-in provincial system (VNPT iGate): ${igateUrl} serving demo/igate/H19/\n`);
        const config = loadConfig({
          ...process.env,
          CHISO766_CONFIG: path.join(ROOT, 'demo/chiso766.demo.yaml'),
          CHISO766_DATA_DIR: dir,
          DATABASE_URL: '',
          SMTP_URL: '',
          REDIS_URL: services.redisUrl,
          DVCQG_BASE_URL: baseUrl,
          CHISO766_HTTP_DELAY_MS: '0',
          MAIL_FROM: 'Chỉ số 766 (demo) <chiso766@demo.dongnai.gov.vn>',
          CHISO766_PROVINCIAL_CLIENT_ID: 'chiso766-demo',
          CHISO766_PROVINCIAL_CLIENT_SECRET: demoSecret,
          CHISO766_PROVINCIAL_USERNAME: '',
          CHISO766_PROVINCIAL_PASSWORD: '',
          LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
        });
        config.provincial = {
          vendor: 'igate',
          baseUrl: igateUrl,
          tokenUrl: `${igateUrl}${TOKEN_PATH}`,
          agencyId: 'H19',
        };
        const log = createLogger(config.env.logLevel);
        const database = await openDatabase(config.env);
        const prefix = `chiso766demo${randomBytes(3).toString('hex')}`;
        try {
          const m = await migrateToLatest(database.db);
          out.write(`  database: PGlite in ${database.location} (${m.applied.length} migration applied)\n\n`);
          const rt = await createRuntime(config, database.db, { prefix, log });
          const workers = await startWorkers(rt);
          try {
            for (const c of CAPTURES) {
              replay.use(c.dir);
              const { cycle } = await enqueueCycle(rt, { asOf: new Date(c.asOf) });
              const outcome = await waitForCycle(rt, cycle);
              const s = await cycleSummary(rt.db, cycle.id, outcome.failedJobs);
              if (outcome.state !== 'complete')
                throw new CommandError(
                  `cycle ${s.cycle} ended ${outcome.state}: ${s.failedJobs.map((f) => f.failedReason).join('; ')}`,
                );
              const fetched = await database.db
                .selectFrom('raw_payloads as r')
                .innerJoin('captures as k', 'k.id', 'r.capture_id')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .where('k.cycle_id', '=', cycle.id)
                .where('r.outcome', '=', 'ok')
                .executeTakeFirstOrThrow();
              out.write(
                `Week ${s.week} (capture of ${c.asOf}): fetched ${Number(fetched.n)} portal answers → ${s.snapshots} snapshots, ${s.observations} observations; ` +
                  `alerts opened ${s.alerts.opened}, resolved ${s.alerts.resolved}; e-mails written ${s.emails.sent}\n`,
              );
            }
          } finally {
            await workers.close(5000);
            const keys = await rt.redis.keys(`${prefix}:*`);
            if (keys.length) await rt.redis.del(...keys);
            await rt.close();
            closeTransports();
          }

          const open = await listAlerts(database.db, { state: 'open' });
          out.write(`\nOpen alerts now (${open.length}) — \`chiso766 alerts\` lists them:\n`);
          for (const a of open) out.write(`  - ${a.unitCode ?? ''} ${a.unitName ?? ''}: ${a.message}\n`);

          const outbox = path.join(dir, 'outbox');
          const emls = existsSync(outbox)
            ? readdirSync(outbox)
                .filter((f) => f.endsWith('.eml'))
                .sort((a, b) => parseInt(a) - parseInt(b))
            : [];
          out.write(`\nE-mails written (${emls.length}), open them in any mail client:\n`);
          const subjects = await database.db.selectFrom('outbox').select(['id', 'subject']).orderBy('id').execute();
          for (const f of emls)
            out.write(
              `  ${path.join(outbox, f)}\n      ${subjects.find((s) => s.id === parseInt(f))?.subject ?? ''}\n`,
            );

          const runs = await database.db
            .selectFrom('drilldown_runs as r')
            .innerJoin('cycles as c', 'c.id', 'r.cycle_id')
            .select(['r.cycle_id', 'c.week', 'r.requests', 'r.budget'])
            .where('r.requests', '>', 0)
            .orderBy('r.cycle_id')
            .execute();
          if (runs.length)
            out.write('\nDrill-down — which procedures and dossiers (`chiso766 drilldown --unit CODE`):\n');
          for (const run of runs) {
            const found = await drilldownOfCycle(database.db, run.cycle_id);
            out.write(`  ${run.week}: ${run.requests} per-procedure requests (budget ${run.budget})\n`);
            for (const [code, d] of found) {
              const top = d.procedures[0];
              const counts = DOSSIER_PROBLEMS.map((p) => `${d.dossiers.filter((x) => x.problem === p).length} ${p}`);
              out.write(
                `    ${code}: ${d.procedures.length} procedure(s)${top ? `, first ${top.formalityCode} "${truncate(top.formalityName, 60)}" (${top.shortfall} ${shortfallWords(top.metric)})` : ''}` +
                  `${d.dossiers.length ? `; dossiers ${counts.join(', ')} — attached to its e-mail` : ''}\n`,
              );
            }
          }

          const bulletinDir = path.join(dir, 'bulletin');
          mkdirSync(bulletinDir, { recursive: true });
          out.write('\nThe notice of the last week (thông báo, to edit and sign; its tables as a workbook):\n');
          for (const format of ['md', 'html', 'docx', 'xlsx'] as const) {
            const { content } = await buildReport(
              database.db,
              config,
              { cycle: 'latest', compareTo: 'previous', now: new Date() },
              format,
            );
            const file = path.join(bulletinDir, `thong-bao-766.${format}`);
            writeFileSync(file, content);
            out.write(`  ${file}\n`);
          }
          const brief = await buildReport(
            database.db,
            config,
            { cycle: 'latest', compareTo: 'previous', now: new Date() },
            'text',
          );
          out.write(
            `\nFor the chat group (report --format text):\n${String(brief.content).trimEnd().replace(/^/gm, '  ')}\n`,
          );
        } finally {
          await database.close();
          await replay.close();
          await igate.close();
          await services.stop();
        }
        out.write(
          [
            '',
            `Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
            '',
            'Against the real portal:',
            '  cp chiso766.example.yaml chiso766.yaml      # set `province:` (H19 = Đồng Nai; the 34 codes are in docs/dvcqg-api.md §9) and recipients',
            '  npx chiso766 config check',
            '  npx chiso766 run-once                       # one weekly cycle now (needs Redis: REDIS_URL, default redis://127.0.0.1:6379)',
            'As a service:',
            '  npx chiso766 worker                         # cron (Monday 04:00 Asia/Ho_Chi_Minh), queues, /healthz, /metrics, /ops',
            '  docker compose up -d                        # worker + Redis + PostgreSQL + Mailpit (see README)',
            '',
          ].join('\n'),
        );
      }),
    );
}
