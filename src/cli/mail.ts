/** `mail list`, `mail resend`. */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { viDateTime } from '../domain/format.ts';
import { log } from '../log.ts';
import { closeTransports } from '../mail/transport.ts';
import { listOutbox, resendOutboxRow } from '../mail/send.ts';
import { parseId } from './args.ts';
import { action, getConfig, printJson, withDatabase } from './context.ts';
import { table } from './output.ts';

export function registerMail(program: Command): void {
  const mail = program.command('mail').description('the e-mail outbox');
  mail
    .command('list')
    .description('outbox rows with delivery state')
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { json?: boolean }) => {
        const config = getConfig();
        const rows = await withDatabase(config, ({ database }) => listOutbox(database.db));
        if (opts.json) return printJson(rows);
        if (rows.length === 0) return void process.stdout.write('The outbox is empty.\n');
        process.stdout.write(
          table(
            ['id', 'cycle', 'state', 'sent', 'to', 'subject'],
            rows.map((r) => [
              r.id,
              r.cycleId,
              r.state + (r.lastError && r.state !== 'sent' ? ` (${r.lastError.slice(0, 40)})` : ''),
              r.sentAt ? viDateTime(new Date(r.sentAt), config.schedule.timezone) : '',
              r.to.join(', '),
              r.subject,
            ]),
          ),
        );
      }),
    );
  mail
    .command('resend')
    .description('send an outbox row again (explicit, logged as a resend)')
    .argument('<outboxId>', 'outbox id (see mail list)')
    .option('--json', 'JSON output')
    .action(
      action(async (idText: string, opts: { json?: boolean }) => {
        const id = parseId(idText, 'outbox id');
        const config = getConfig();
        const r = await withDatabase(config, ({ database }) =>
          resendOutboxRow(database.db, config, id, { log: log(), by: userInfo().username }),
        );
        closeTransports();
        if (opts.json) printJson(r);
        else process.stdout.write(`Outbox ${id}: ${r.outcome}${r.response ? ` — ${r.response}` : ''}\n`);
        return r.outcome === 'sent' ? 0 : 1;
      }),
    );
}
