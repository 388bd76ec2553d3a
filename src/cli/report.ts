/** `report`, `reconcile`. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { viNumber } from '../domain/format.ts';
import { buildReport, REPORT_FORMATS } from '../report/bulletin.ts';
import { reportCycle } from '../report/load.ts';
import { reconciliationTable } from '../report/reconciliation.ts';
import { parseChoice, parseId } from './args.ts';
import { action, getConfig, printJson, UsageError, withDatabase } from './context.ts';
import { table } from './output.ts';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'the weekly bulletin (Vietnamese): rank, group table, sentences, units ranked, alerts, provincial comparison, trend',
    )
    .option('--cycle <id>', 'latest | cycle ID', 'latest')
    .option('--compare-to <id>', 'previous | cycle ID', 'previous')
    .option('--baseline <year>', 'year of the baseline column (default: the year before the period)')
    .option('--province <code>', 'province (default: the first configured)')
    .option('--format <fmt>', 'md | html | docx | xlsx (the notice as a workbook) | text (chat brief)', 'md')
    .option('--out <file>', 'write to a file (required for docx and xlsx)')
    .action(
      action(
        async (opts: {
          cycle: string;
          compareTo: string;
          baseline?: string;
          province?: string;
          format: string;
          out?: string;
        }) => {
          const format = parseChoice(opts.format, REPORT_FORMATS, '--format');
          if ((format === 'docx' || format === 'xlsx') && !opts.out)
            throw new UsageError(`--format ${format} needs --out FILE.${format}`);
          const config = getConfig();
          const { content } = await withDatabase(config, ({ database }) =>
            buildReport(
              database.db,
              config,
              {
                cycle: opts.cycle === 'latest' ? 'latest' : parseId(opts.cycle, '--cycle'),
                compareTo: opts.compareTo === 'previous' ? 'previous' : parseId(opts.compareTo, '--compare-to'),
                baseline: opts.baseline ? parseId(opts.baseline, '--baseline') : undefined,
                province: opts.province,
                now: new Date(),
              },
              format,
            ),
          );
          if (opts.out) {
            await writeFile(opts.out, content);
            process.stderr.write(
              `Đã ghi ${format === 'xlsx' ? 'các bảng của thông báo' : 'thông báo'} (${format}) vào ${opts.out}\n`,
            );
          } else process.stdout.write(content);
        },
      ),
    );

  program
    .command('reconcile')
    .description('provincial vs national figures per unit and metric, with the gap')
    .option('--cycle <id>', 'latest | cycle ID', 'latest')
    .option('--province <code>', 'province (default: the first configured)')
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { cycle: string; province?: string; json?: boolean }) => {
        const config = getConfig();
        const t = await withDatabase(config, async ({ database }) => {
          const { cycle, snapshot, province } = await reportCycle(
            database.db,
            config,
            opts.cycle === 'latest' ? 'latest' : parseId(opts.cycle, '--cycle'),
            opts.province,
          );
          return reconciliationTable(database.db, config, { cycleId: cycle.id, province, nationalSnapshot: snapshot });
        });
        if (opts.json) return printJson(t);
        if (!t.configured)
          return void process.stdout.write(
            'No provincial source is configured (set `provincial:` in chiso766.yaml): nothing to reconcile.\n',
          );
        if (t.rows.length === 0)
          return void process.stdout.write(
            `Cycle ${t.cycleId}: no provincial figures stored for ${t.province} (did the provincial capture fail? see jobs failed).\n`,
          );
        process.stdout.write(
          `Cycle ${t.cycleId} — provincial capture ${t.provincialCapturedAt}, national ${t.nationalCapturedAt}; tolerance ${t.tolerancePoints} points\n`,
        );
        process.stdout.write(
          table(
            ['unit', 'name', 'metric', 'provincial', 'national', 'gap', 'status'],
            t.rows.map((r) => [
              r.unitCode,
              r.unitName ?? '',
              r.label,
              viNumber(r.provincial),
              viNumber(r.national),
              viNumber(r.gap),
              r.status,
            ]),
          ),
        );
      }),
    );
}
