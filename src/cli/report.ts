/** `report`, `reconcile`. */
import type { Command } from 'commander';
import { notYet } from './context.ts';

export function registerReport(program: Command): void {
  program.command('report').description('the weekly bulletin (Vietnamese)').option('--cycle <id>', 'latest | ID', 'latest').option('--compare-to <id>').option('--baseline <year>').option('--format <fmt>', 'md | html | docx', 'md').option('--out <file>').action(notYet('report', 7));
  program.command('reconcile').description('provincial vs national figures per unit and metric').option('--cycle <id>', 'latest | ID', 'latest').option('--json').action(notYet('reconcile', 8));
}
