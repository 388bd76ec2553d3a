/**
 * What every command shares: config loading, the database, exit codes and error printing.
 * Exit codes: 0 ok, 1 failure, 2 bad input (config, arguments, files).
 */
import { ConfigError, loadConfig, type Config } from '../config/load.ts';
import { ExplainedError, InputError } from '../domain/errors.ts';
import { openDatabase, type Database } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { log, setLogLevel } from '../log.ts';

/** Bad command-line input: exit 2. */
export class UsageError extends InputError {}

/** A failure the user should read as one sentence (no stack), with the exit code the command chose. */
export class CommandError extends ExplainedError {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface Ctx {
  config: Config;
  database: Database;
}

export function getConfig(): Config {
  const config = loadConfig();
  setLogLevel(config.env.logLevel);
  return config;
}

/**
 * Open the database (migrating it first: a command never sees an old schema), run `fn`, close.
 */
export async function withDatabase<T>(config: Config, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const database = await openDatabase(config.env);
  try {
    await migrateToLatest(database.db);
    return await fn({ config, database });
  } finally {
    await database.close();
  }
}

/** The one place errors become exit codes: 2 bad input, 1 anything else (0 is success). */
function exitCodeOf(e: unknown): number {
  if (e instanceof CommandError) return e.exitCode;
  if (e instanceof InputError) return 2;
  return 1;
}

/** Wrap a command action: print errors for humans on stderr, set the exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? 0;
    } catch (e) {
      const code = exitCodeOf(e);
      if (e instanceof ConfigError) {
        process.stderr.write(`chiso766: invalid configuration — ${e.message}\n`);
      } else if (e instanceof ExplainedError) {
        // Our own errors say what to do in one sentence: no stack trace.
        process.stderr.write(`chiso766: ${e.message}\n`);
      } else if (e instanceof Error) {
        log().error({ err: e }, e.message);
        process.stderr.write(`chiso766: ${e.message}\n`);
      } else {
        process.stderr.write(`chiso766: ${String(e)}\n`);
      }
      process.exitCode = code;
    }
  };
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
