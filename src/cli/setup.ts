/** `migrate`, `config check`. */
import type { Command } from 'commander';
import { effectiveConfig } from '../config/mask.ts';
import { loadConfig, requireProvinces } from '../config/load.ts';
import { openDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { action, getConfig, printJson } from './context.ts';

export function registerSetup(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (idempotent)')
    .option('--json', 'print a JSON summary')
    .action(
      action(async (opts: { json?: boolean }) => {
        const config = getConfig();
        const database = await openDatabase(config.env);
        try {
          const report = await migrateToLatest(database.db);
          if (opts.json) printJson({ database: database.kind, location: database.location, ...report });
          else if (report.applied.length === 0)
            process.stdout.write(`Database is up to date (${database.kind}: ${database.location}).\n`);
          else
            process.stdout.write(
              `Applied ${report.applied.length} migration(s) to ${database.kind} (${database.location}): ${report.applied.join(', ')}\n`,
            );
        } finally {
          await database.close();
        }
      }),
    );

  const config = program.command('config').description('configuration');
  config
    .command('check')
    .description('validate the config file and environment; print the effective config (secrets masked)')
    .option('--json', 'print JSON only')
    .action(
      action(async (opts: { json?: boolean }) => {
        const cfg = loadConfig();
        requireProvinces(cfg);
        const effective = effectiveConfig(cfg);
        if (opts.json) printJson(effective);
        else {
          process.stdout.write(`Configuration OK (${cfg.file ?? 'no file, defaults'}).\n`);
          printJson(effective);
        }
      }),
    );
}
