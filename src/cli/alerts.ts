/** `alerts`, `silence add|list|remove`. */
import type { Command } from 'commander';
import { notYet } from './context.ts';

export function registerAlerts(program: Command): void {
  program.command('alerts').description('alerts with unit, rule, metric, figures').option('--state <state>', 'open | resolved | all', 'open').option('--json', 'JSON output').action(notYet('alerts', 5));
  const silence = program.command('silence').description('mute alerts for a unit (and rule / metric) until a date');
  silence.command('add').description('add a silence').requiredOption('--unit <code>', 'unit code or pattern (H19.1*)').option('--rule <name>').option('--metric <code>').requiredOption('--until <date>').requiredOption('--reason <text>').action(notYet('silence add', 5));
  silence.command('list').description('list silences').option('--json').action(notYet('silence list', 5));
  silence.command('remove').description('remove a silence').argument('<id>').action(notYet('silence remove', 5));
}
