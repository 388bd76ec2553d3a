/** `units`, `units import-recipients`. */
import type { Command } from 'commander';
import { localParts } from '../domain/periods.ts';
import { addresseesFor, importRecipients, loadDirectory } from '../mail/directory.ts';
import { listUnits } from '../units/registry.ts';
import { action, getConfig, printJson, withDatabase } from './context.ts';
import { table } from './output.ts';

export function registerUnits(program: Command): void {
  const units = program
    .command('units')
    .description('unit registry with kinds, aliases and recipients')
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { json?: boolean }) => {
        const config = getConfig();
        const rows = await withDatabase(config, async ({ database }) => {
          const list = await listUnits(database.db, config.provinces.length ? config.provinces : undefined);
          const directory = await loadDirectory(database.db, config);
          const p = localParts(new Date(), config.schedule.timezone);
          const today = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
          return list.map((u) => {
            const who = addresseesFor(u.code, directory, today);
            return { ...u, recipients: who ?? { to: config.ops.emails, cc: [], fallback: 'no recipient: ops.emails' } };
          });
        });
        if (opts.json) return printJson(rows);
        if (rows.length === 0)
          return void process.stdout.write('No units yet: run `chiso766 capture` or `chiso766 run-once` first.\n');
        process.stdout.write(
          table(
            ['code', 'kind', 'name', 'to', 'cc', 'aliases'],
            rows.map((u) => [
              u.code,
              u.kind,
              u.name,
              'fallback' in u.recipients
                ? `(no recipient → ops: ${u.recipients.to.join(', ') || 'none'})`
                : u.recipients.to.join(', '),
              u.recipients.cc.join(', '),
              u.aliases.map((a) => `${a.system}:${a.alias}`).join(' '),
            ]),
          ),
        );
      }),
    );
  units
    .command('import-recipients')
    .description(
      'load the responsibility directory from CSV (unit_code, to, cc, from, until); all-or-nothing, replaces the previous import',
    )
    .argument('<file>', 'CSV file, UTF-8 (with or without BOM); several addresses in a cell separated by ;')
    .action(
      action(async (file: string) => {
        const config = getConfig();
        const n = await withDatabase(config, ({ database }) => importRecipients(database.db, file, config.provinces));
        process.stdout.write(`Imported ${n} recipient row(s) from ${file} (the previous import was replaced).\n`);
      }),
    );
}
