/** `report`, `reconcile`. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { buildReport } from '../report/bulletin.ts';
import { parseChoice, parseId } from './args.ts';
import { action, getConfig, notYet, UsageError, withDatabase } from './context.ts';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('the weekly bulletin (Vietnamese): rank, group table, sentences, units ranked, alerts, provincial comparison, trend')
    .option('--cycle <id>', 'latest | cycle ID', 'latest')
    .option('--compare-to <id>', 'previous | cycle ID', 'previous')
    .option('--baseline <year>', 'year of the baseline column (default: the year before the period)')
    .option('--province <code>', 'province (default: the first configured)')
    .option('--format <fmt>', 'md | html | docx', 'md')
    .option('--out <file>', 'write to a file (required for docx)')
    .action(
      action(async (opts: { cycle: string; compareTo: string; baseline?: string; province?: string; format: string; out?: string }) => {
        const format = parseChoice(opts.format, ['md', 'html', 'docx'] as const, '--format');
        if (format === 'docx' && !opts.out) throw new UsageError('--format docx needs --out FILE.docx');
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
          process.stderr.write(`Wrote the bulletin (${format}) to ${opts.out}\n`);
        } else process.stdout.write(content);
      }),
    );
  program.command('reconcile').description('provincial vs national figures per unit and metric').option('--cycle <id>', 'latest | ID', 'latest').option('--json').action(notYet('reconcile', 8));
}
