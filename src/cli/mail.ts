/** `mail list`, `mail resend`. */
import type { Command } from 'commander';
import { notYet } from './context.ts';

export function registerMail(program: Command): void {
  const mail = program.command('mail').description('the e-mail outbox');
  mail.command('list').description('outbox rows with delivery state').option('--json').action(notYet('mail list', 6));
  mail.command('resend').description('send an outbox row again (explicit, logged)').argument('<outboxId>').action(notYet('mail resend', 6));
}
