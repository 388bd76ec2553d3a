/**
 * chiso766 command line. One file per command group registers its commands here; each command is
 * thin: parse arguments, call src/, print.
 */
import { VERSION } from '../config/version.ts';
import { Command, CommanderError } from 'commander';
import { registerAlerts } from './alerts.ts';
import { registerCapture } from './capture.ts';
import { registerCycle } from './cycle.ts';
import { registerDemo } from './demo.ts';
import { registerDrilldown } from './drilldown.ts';
import { registerMail } from './mail.ts';
import { registerReplay } from './replay.ts';
import { registerReport } from './report.ts';
import { registerSetup } from './setup.ts';
import { registerUnits } from './units.ts';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('chiso766')
    .description(
      'Weekly sync of the Decision 766 service-quality index (DVCQG + provincial portals): snapshots, alerts, e-mails, bulletin.',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run chiso766 --help for the list of commands)')
    .exitOverride();
  registerSetup(program);
  registerCycle(program);
  registerCapture(program);
  registerAlerts(program);
  registerReport(program);
  registerDrilldown(program);
  registerUnits(program);
  registerMail(program);
  registerDemo(program);
  registerReplay(program);
  program.addHelpText(
    'after',
    () => `\nAll commands (chiso766 <command> --help for options):\n${commandList(program)}`,
  );
  return program;
}

// `chiso766 export | head`: a closed pipe is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

/** Every command with its sub-commands (`config check`, `jobs retry` …), one per line. */
function commandList(program: Command): string {
  const lines: [string, string][] = [];
  const walk = (cmd: Command, prefix: string) => {
    for (const sub of cmd.commands) {
      const name = `${prefix}${sub.name()}`;
      if (sub.commands.length === 0 || sub.registeredArguments.length > 0 || name === 'units')
        lines.push([name, sub.description()]);
      walk(sub, `${name} `);
    }
  };
  walk(program, '');
  const width = Math.max(...lines.map(([n]) => n.length));
  return lines.map(([n, d]) => `  ${n.padEnd(width)}  ${d}`).join('\n');
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help / --version exit 0; unknown commands or bad options are bad input (2).
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else {
    throw e;
  }
}
// The command is done (long-running ones return only after SIGTERM). Nothing it started may keep
// the process alive — a connection still reconnecting to a server that went away, a timer — so
// it ends with the command's status shortly after, whatever is left.
setTimeout(() => process.exit(process.exitCode ?? 0), 3000).unref();
