/** `demo`: the whole product offline on embedded defaults. */
import type { Command } from 'commander';
import { notYet } from './context.ts';

export function registerDemo(program: Command): void {
  program.command('demo').description('the whole product offline on embedded defaults, from bundled captures').action(notYet('demo', 9));
}
