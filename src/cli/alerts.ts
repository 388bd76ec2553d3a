/** `alerts`, `silence add|list|remove`. */
import type { Command } from 'commander';
import { viDateTime, viNumber } from '../domain/format.ts';
import { listAlerts } from '../alerts/query.ts';
import { addSilence, listSilences, removeSilence } from '../alerts/silences.ts';
import { parseChoice, parseId } from './args.ts';
import { action, CommandError, getConfig, printJson, withDatabase } from './context.ts';
import { table } from './output.ts';

export function registerAlerts(program: Command): void {
  program
    .command('alerts')
    .description('alerts with unit, rule, metric, figures')
    .option('--state <state>', 'open | resolved | all', 'open')
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { state: string; json?: boolean }) => {
        const state = parseChoice(opts.state, ['open', 'resolved', 'all'] as const, '--state');
        const config = getConfig();
        const rows = await withDatabase(config, ({ database }) => listAlerts(database.db, { state }));
        if (opts.json) return printJson(rows);
        if (rows.length === 0) return void process.stdout.write(`No ${state === 'all' ? '' : `${state} `}alerts.\n`);
        process.stdout.write(
          table(
            [
              'id',
              'state',
              'severity',
              'unit',
              'name',
              'rule',
              'metric',
              'value',
              'previous',
              'threshold',
              'opened',
              'resolved',
            ],
            rows.map((a) => [
              a.id,
              a.state + (a.silenced ? ' (silenced)' : ''),
              a.severity,
              a.unitCode ?? '-',
              a.unitName ?? '',
              a.rule,
              a.metric ?? '',
              a.kind === 'source' ? '' : viNumber(a.value, ''),
              a.kind === 'source' ? '' : viNumber(a.previous, ''),
              a.kind === 'source' ? '' : viNumber(a.threshold, ''),
              viDateTime(new Date(a.openedAt), config.schedule.timezone),
              a.resolvedAt ? viDateTime(new Date(a.resolvedAt), config.schedule.timezone) : '',
            ]),
          ),
        );
      }),
    );

  const silence = program.command('silence').description('mute alerts for a unit (and rule / metric) until a date');
  silence
    .command('add')
    .description('add a silence: matching findings are recorded but not e-mailed')
    .requiredOption('--unit <code>', 'unit code or pattern (H19.07, H19.1*)')
    .option('--rule <name>', 'only this rule (floor, weeklyDrop, consecutiveDeclines, rankDrop, target, …)')
    .option('--metric <code>', 'only this metric (TOTAL, CKMB, …)')
    .requiredOption('--until <date>', 'last day, YYYY-MM-DD (end of day, local time) or an ISO date-time')
    .requiredOption('--reason <text>', 'why (shown to ops)')
    .option('--json', 'JSON output')
    .action(
      action(
        async (opts: {
          unit: string;
          rule?: string;
          metric?: string;
          until: string;
          reason: string;
          json?: boolean;
        }) => {
          const config = getConfig();
          const id = await withDatabase(config, ({ database }) =>
            addSilence(database.db, {
              ...opts,
              tz: config.schedule.timezone,
              now: new Date(),
              watched: config.provinces,
            }),
          );
          if (opts.json) printJson({ id });
          else
            process.stdout.write(
              `Silence ${id} added for ${opts.unit}${opts.rule ? ` / ${opts.rule}` : ''}${opts.metric ? ` / ${opts.metric}` : ''} until ${opts.until}.\n`,
            );
        },
      ),
    );
  silence
    .command('list')
    .description('active silences (--all: also expired and removed)')
    .option('--all', 'include expired and removed silences')
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { all?: boolean; json?: boolean }) => {
        const config = getConfig();
        const rows = await withDatabase(config, ({ database }) =>
          listSilences(database.db, { all: opts.all, now: new Date() }),
        );
        if (opts.json) return printJson(rows);
        if (rows.length === 0) return void process.stdout.write('No active silences.\n');
        process.stdout.write(
          table(
            ['id', 'unit', 'rule', 'metric', 'until', 'reason'],
            rows.map((s) => [s.id, s.unit, s.rule ?? '*', s.metric ?? '*', s.until, s.reason]),
          ),
        );
      }),
    );
  silence
    .command('remove')
    .description('remove a silence')
    .argument('<id>', 'silence id (see silence list)')
    .action(
      action(async (idText: string) => {
        const id = parseId(idText, 'silence id');
        const config = getConfig();
        const ok = await withDatabase(config, ({ database }) => removeSilence(database.db, id, new Date()));
        if (!ok) throw new CommandError(`no active silence with id ${id}`, 2);
        process.stdout.write(`Silence ${id} removed.\n`);
      }),
    );
}
