/** `drilldown`, `dossiers`: what a cycle's drill-down found for one unit. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { truncate, viInteger } from '../domain/format.ts';
import { drilldownOfCycle, type UnitDrilldown } from '../drilldown/store.ts';
import { shortfallWords } from '../drilldown/plan.ts';
import { displayUnitName } from '../domain/names.ts';
import { dossierCsv, dossierWorkbook } from '../report/dossiers.ts';
import { DOSSIER_PROBLEMS } from '../sources/provincial/dossiers.ts';
import { NO_BREAKDOWN } from '../sources/dvcqg-drilldown/source.ts';
import { parseChoice, parseId } from './args.ts';
import { action, getConfig, printJson, UsageError, withDatabase } from './context.ts';
import { table } from './output.ts';

/** The unit (must be known) and the cycle: the one given, or the latest that drilled this unit. */
async function find(
  db: Kysely<DB>,
  unit: string,
  cycle: string,
): Promise<{ name: string; cycleId: number | null; d: UnitDrilldown | null }> {
  const u = await db.selectFrom('units').select(['code', 'name']).where('code', '=', unit).executeTakeFirst();
  if (!u) throw new UsageError(`--unit ${unit}: no such unit in the registry (see \`chiso766 units\`)`);
  const runs =
    cycle === 'latest'
      ? await db.selectFrom('drilldown_runs').select(['cycle_id', 'units']).orderBy('cycle_id', 'desc').execute()
      : await db
          .selectFrom('drilldown_runs')
          .select(['cycle_id', 'units'])
          .where('cycle_id', '=', parseId(cycle, '--cycle'))
          .execute();
  if (cycle !== 'latest' && runs.length === 0)
    throw new UsageError(`--cycle ${cycle}: that cycle has no drill-down (none ran, or the cycle does not exist)`);
  const run = runs.find((r) => r.units.some((x) => x.code === unit)) ?? (cycle === 'latest' ? null : runs[0]!);
  if (!run) return { name: displayUnitName(u.name), cycleId: null, d: null };
  return {
    name: displayUnitName(u.name),
    cycleId: run.cycle_id,
    d: (await drilldownOfCycle(db, run.cycle_id)).get(unit) ?? null,
  };
}

export function registerDrilldown(program: Command): void {
  program
    .command('drilldown')
    .description(
      "the procedures behind a unit's fall (per-procedure figures from DVCQG) and its dossiers needing action",
    )
    .requiredOption('--unit <code>', 'unit code, e.g. H19.106')
    .option('--cycle <id>', 'latest | cycle ID', 'latest')
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { unit: string; cycle: string; json?: boolean }) => {
        const config = getConfig();
        const r = await withDatabase(config, ({ database }) => find(database.db, opts.unit, opts.cycle));
        const out = {
          unit: { code: opts.unit, name: r.name },
          cycle: r.cycleId,
          groups: r.d?.groups ?? [],
          partial: r.d?.partial ?? false,
          procedures: r.d?.procedures ?? [],
          noBreakdown: (r.d?.groups ?? [])
            .filter((g) => NO_BREAKDOWN[g])
            .map((g) => ({ group: g, why: NO_BREAKDOWN[g] })),
          dossiers: (r.d?.dossiers ?? []).map((x) => ({
            code: x.code,
            nationCode: x.nationCode,
            formalityCode: x.formalityCode,
            problem: x.problem,
            receivedAt: x.receivedAt?.toISOString() ?? null,
            dueAt: x.dueAt?.toISOString() ?? null,
          })),
        };
        if (opts.json) return printJson(out);
        if (!r.d)
          return void process.stdout.write(
            `No drill-down for ${opts.unit} (${r.name}) yet: it runs for units with a new or escalated alert whose groups fell.\n`,
          );
        process.stdout.write(
          `${r.name} (${opts.unit}) — cycle ${r.cycleId}, groups ${out.groups.join(', ')}${out.partial ? ' (partial: see the cycle log)' : ''}\n`,
        );
        process.stdout.write(
          table(
            ['group', 'metric', 'procedure', 'name', 'done', 'of', 'shortfall'],
            out.procedures.map((p) => [
              p.group,
              p.metric,
              p.formalityCode,
              truncate(p.formalityName, 60),
              viInteger(p.numerator),
              viInteger(p.denominator),
              `${viInteger(p.shortfall)} ${shortfallWords(p.metric)}`,
            ]),
          ),
        );
        for (const n of out.noBreakdown) process.stdout.write(`${n.group}: ${n.why}\n`);
        const counts = DOSSIER_PROBLEMS.map((p) => `${p} ${out.dossiers.filter((x) => x.problem === p).length}`);
        process.stdout.write(
          `Dossiers needing action: ${out.dossiers.length ? counts.join(', ') : 'none listed'} (chiso766 dossiers --unit ${opts.unit} --format xlsx --out FILE)\n`,
        );
      }),
    );

  program
    .command('dossiers')
    .description('the dossiers a unit must fix (provincial iGate), from the latest drill-down, as CSV or XLSX')
    .requiredOption('--unit <code>', 'unit code, e.g. H19.106')
    .option('--cycle <id>', 'latest | cycle ID', 'latest')
    .option('--problem <problem>', 'overdue | unsynced | unpaid (default: all)')
    .option('--format <fmt>', 'csv | xlsx', 'csv')
    .option('--out <file>', 'write to a file (required for xlsx)')
    .action(
      action(async (opts: { unit: string; cycle: string; problem?: string; format: string; out?: string }) => {
        const format = parseChoice(opts.format, ['csv', 'xlsx'] as const, '--format');
        const problem = opts.problem ? parseChoice(opts.problem, DOSSIER_PROBLEMS, '--problem') : null;
        if (format === 'xlsx' && !opts.out) throw new UsageError('--format xlsx needs --out FILE.xlsx');
        const config = getConfig();
        if (config.provincial && config.provincial.vendor !== 'igate')
          process.stderr.write(
            `The provincial system (${config.provincial.vendor}) gives no dossier list: only VNPT iGate does.\n`,
          );
        const r = await withDatabase(config, ({ database }) => find(database.db, opts.unit, opts.cycle));
        const rows = (r.d?.dossiers ?? []).filter((d) => !problem || d.problem === problem);
        const content =
          format === 'xlsx' ? await dossierWorkbook(r.name, rows, config.schedule.timezone) : dossierCsv(rows);
        if (opts.out) {
          await writeFile(opts.out, content);
          process.stderr.write(`Đã ghi ${viInteger(rows.length)} hồ sơ vào ${opts.out}\n`);
        } else process.stdout.write(content);
      }),
    );
}
