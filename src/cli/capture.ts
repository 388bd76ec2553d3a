/** `capture`, `export`, `reingest`, `backfill`. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { requireProvinces } from '../config/load.ts';
import { currentPeriod, type Period } from '../domain/periods.ts';
import { viInteger } from '../domain/format.ts';
import { log } from '../log.ts';
import { createPortalHttp } from '../sources/client.ts';
import { LEGACY_SOURCE } from '../sources/dvcqg-legacy/legacy.ts';
import { runCapture, type CaptureReport } from '../cycle/capture.ts';
import { commandPoliteness } from '../queue/politeness.ts';
import { toCsv } from '../snapshots/csv.ts';
import { buildReport } from '../report/bulletin.ts';
import { buildLongWorkbook } from '../report/xlsx.ts';
import { reingestCapture } from '../snapshots/ingest.ts';
import { markCaptureReingested } from '../cycle/store.ts';
import { EXPORT_COLUMNS, exportRows, latestDataSnapshots } from '../snapshots/export.ts';
import { parseAsOf, parseChoice, parseId } from './args.ts';
import { action, CommandError, getConfig, printJson, UsageError, withDatabase } from './context.ts';

function captureSummary(r: CaptureReport) {
  const httpRequests = r.results.reduce((n, x) => n + (x.reused ? 0 : x.pages + x.attempts - 1), 0);
  return {
    capture: r.captureId,
    captures: 1,
    source: r.source,
    period: r.period,
    capturedAt: r.capturedAt,
    requests: r.requests,
    httpRequests,
    snapshots: r.ingest?.snapshots.length ?? 0,
    unchanged: r.ingest?.snapshots.filter((s) => s.unchanged).length ?? 0,
    observations: r.ingest?.observations ?? 0,
    units: r.ingest?.units ?? 0,
    /** Per snapshot: the national ranking (34 provinces) and each province (its units + itself). */
    scopes: (r.ingest?.snapshots ?? []).map((s) => ({
      scope: s.scope,
      unchanged: s.unchanged,
      units: s.units,
      observations: s.observations,
    })),
    outcomes: r.results.map((x) => ({
      request: x.requestKey,
      endpoint: x.endpoint,
      outcome: x.outcome,
      attempts: x.attempts,
      pages: x.pages,
      detail: x.detail,
    })),
    failure: r.failure && {
      request: r.failure.requestKey,
      endpoint: r.failure.endpoint,
      outcome: r.failure.outcome,
      status: r.failure.status,
      detail: r.failure.detail,
    },
    notes: r.ingest?.notes ?? [],
  };
}

function printCaptureHuman(s: ReturnType<typeof captureSummary>): void {
  const out = process.stdout;
  out.write(
    `Capture ${s.capture} (${s.source}, ${s.period}, ${s.capturedAt}): ${s.outcomes.length}/${s.requests} requests done.\n`,
  );
  if (s.failure) {
    out.write(`FAILED: ${s.failure.endpoint} ${s.failure.outcome} — ${s.failure.detail}\n`);
    if (s.failure.outcome === 'blocked')
      out.write(
        'The portal is blocking this client: no further request was made. Check access from this server before trying again.\n',
      );
    return;
  }
  out.write(
    `${s.snapshots} snapshot(s), ${s.unchanged} unchanged, ${s.observations} observations, ${s.units} units.\n`,
  );
  for (const n of s.notes) out.write(`note: ${n}\n`);
}

export function registerCapture(program: Command): void {
  program
    .command('capture')
    .description('fetch and store one capture now, without alerts or mail (ops "try the portal")')
    .option('--as-of <iso>', 'capture time stamp, ISO-8601 with zone (default: now)')
    .option('--json', 'JSON summary on stdout')
    .action(
      action(async (opts: { asOf?: string; json?: boolean }) => {
        const config = getConfig();
        const provinces = requireProvinces(config);
        const asOf = parseAsOf(opts.asOf);
        const period = currentPeriod(config.period, asOf, config.schedule.timezone);
        const polite = await commandPoliteness(config, log());
        const http = createPortalHttp(config, polite.politeness);
        const report = await withDatabase(config, ({ database }) =>
          runCapture({ db: database.db, http, config, log: log() }, { period, provinces, capturedAt: asOf }),
        ).finally(() => polite.close());
        const summary = captureSummary(report);
        if (opts.json) printJson(summary);
        else printCaptureHuman(summary);
        return report.failure ? 1 : 0;
      }),
    );

  program
    .command('export')
    .description('observations as CSV / JSON / XLSX (default: every snapshot of the latest capture with data)')
    .option('--snapshot <id>', 'latest | all | snapshot ID', 'latest')
    .option('--unit <code>', 'only this unit (with --snapshot all: its whole series)')
    .option('--format <fmt>', 'csv | json | xlsx', 'csv')
    .option('--layout <layout>', 'xlsx: long (one row per unit and metric) | notice (the notice tables)', 'long')
    .option('--excel-vi', 'csv: ";" between cells and "," as decimal mark (Excel set to Vietnamese)')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(
      action(
        async (opts: {
          snapshot: string;
          unit?: string;
          format: string;
          layout: string;
          excelVi?: boolean;
          out?: string;
        }) => {
          const format = parseChoice(opts.format, ['csv', 'json', 'xlsx'] as const, '--format');
          const layout = parseChoice(opts.layout, ['long', 'notice'] as const, '--layout');
          if (format === 'xlsx' && !opts.out) throw new UsageError('--format xlsx needs --out FILE.xlsx');
          if (layout === 'notice' && format !== 'xlsx') throw new UsageError('--layout notice is for --format xlsx');
          if (layout === 'notice' && (opts.snapshot !== 'latest' || opts.unit))
            throw new UsageError(
              '--layout notice shows the latest cycle of the province (use report --cycle ID for another)',
            );
          if (opts.excelVi && format !== 'csv') throw new UsageError('--excel-vi is for --format csv');
          const config = getConfig();
          await withDatabase(config, async ({ database }) => {
            if (layout === 'notice') {
              const { content } = await buildReport(
                database.db,
                config,
                { cycle: 'latest', compareTo: 'previous', now: new Date() },
                'xlsx',
              );
              await writeFile(opts.out!, content);
              process.stderr.write(`Đã ghi các bảng của thông báo (xlsx) vào ${opts.out}\n`);
              return;
            }
            let snapshotIds: number[] | undefined;
            if (opts.snapshot === 'latest')
              snapshotIds = (await latestDataSnapshots(database.db, 'dvcqg')).map((s) => s.id);
            else if (opts.snapshot !== 'all') snapshotIds = [parseId(opts.snapshot, '--snapshot')];
            const rows = await exportRows(database.db, { snapshotIds, unit: opts.unit });
            if (format === 'xlsx') {
              await writeFile(opts.out!, await buildLongWorkbook(rows, config.schedule.timezone));
              process.stderr.write(`Đã ghi ${viInteger(rows.length)} dòng số liệu vào ${opts.out}\n`);
              return;
            }
            const text =
              format === 'json'
                ? JSON.stringify(rows, null, 2) + '\n'
                : toCsv(EXPORT_COLUMNS, rows, { excelVi: opts.excelVi });
            if (opts.out) {
              await writeFile(opts.out, text, 'utf8');
              process.stderr.write(`Đã ghi ${viInteger(rows.length)} dòng số liệu vào ${opts.out}\n`);
            } else process.stdout.write(text);
          });
        },
      ),
    );

  program
    .command('reingest')
    .description('re-parse the stored raw payloads of a capture (after a parser fix), without touching the portal')
    .requiredOption('--capture <id>', 'capture ID')
    .option('--json', 'JSON summary')
    .action(
      action(async (opts: { capture: string; json?: boolean }) => {
        const id = parseId(opts.capture, '--capture');
        const config = getConfig();
        const report = await withDatabase(config, async ({ database }) => {
          const r = await reingestCapture(database.db, id, config);
          await markCaptureReingested(database.db, id);
          return r;
        });
        if (opts.json) printJson(report);
        else
          process.stdout.write(
            `Re-ingested capture ${id}: ${report.snapshots.length} snapshot(s), ${report.observations} observations.\n`,
          );
      }),
    );

  program
    .command('backfill')
    .description('import history from the legacy rest.jsp API (source dvcqg-legacy, never compared with 2026 scores)')
    .requiredOption('--legacy', 'use the legacy API (the only backfill source)')
    .requiredOption('--from <year>', 'first year, e.g. 2022')
    .requiredOption('--to <year>', 'last year, e.g. 2025')
    .option('--json', 'JSON summary')
    .action(
      action(async (opts: { from: string; to: string; json?: boolean }) => {
        const from = parseId(opts.from, '--from');
        const to = parseId(opts.to, '--to');
        if (from > to || from < 2022 || to > 2025)
          throw new UsageError("--from/--to must be years between 2022 and 2025 (the legacy API's range), from ≤ to");
        const config = getConfig();
        const provinces = requireProvinces(config);
        const polite = await commandPoliteness(config, log());
        const http = createPortalHttp(config, polite.politeness);
        const reports = await withDatabase(config, async ({ database }) => {
          const out: ReturnType<typeof captureSummary>[] = [];
          for (let year = from; year <= to; year++) {
            const period: Period = { type: 'year', year };
            // A closed year is stamped at its last day, so it sorts before the 2026 captures.
            const capturedAt = new Date(Date.UTC(year, 11, 31, 16, 59, 59));
            const r = await runCapture(
              { db: database.db, http, config, log: log() },
              { source: LEGACY_SOURCE, period, provinces, capturedAt },
            );
            out.push(captureSummary(r));
            if (r.failure) break;
          }
          return out;
        }).finally(() => polite.close());
        if (opts.json) printJson({ years: reports });
        else for (const r of reports) printCaptureHuman(r);
        if (reports.some((r) => r.failure)) throw new CommandError('backfill stopped: see the failure above', 1);
      }),
    );
}
