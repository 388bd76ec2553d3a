/** `units`, `units import-recipients`. */
import type { Command } from 'commander';
import { listUnits } from '../units/registry.ts';
import { action, getConfig, notYet, printJson, withDatabase } from './context.ts';
import { table } from './output.ts';

export function registerUnits(program: Command): void {
  const units = program
    .command('units')
    .description('unit registry with kinds, aliases and recipients')
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { json?: boolean }) => {
        const config = getConfig();
        const rows = await withDatabase(config, ({ database }) => listUnits(database.db, config.provinces.length ? config.provinces : undefined));
        if (opts.json) {
          printJson(rows);
          return;
        }
        if (rows.length === 0) {
          process.stdout.write('No units yet: run `chiso766 capture` or `chiso766 run-once` first.\n');
          return;
        }
        process.stdout.write(table(['code', 'kind', 'name', 'aliases'], rows.map((u) => [u.code, u.kind, u.name, u.aliases.map((a) => `${a.system}:${a.alias}`).join(' ')])));
      }),
    );
  units.command('import-recipients').description('load the responsibility directory from CSV (unit_code, to, cc, from, until); all-or-nothing').argument('<file>').action(notYet('units import-recipients', 6));
}
