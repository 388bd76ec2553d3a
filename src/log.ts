/**
 * One pino logger for the process: JSON lines on stderr in production, pretty when stderr is a TTY.
 * stdout is kept for command output (`--json` documents). Secret-looking keys are redacted.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { logSettings } from './config/load.ts';

const REDACT = [
  'password',
  'secret',
  'token',
  'accessToken',
  'access_token',
  'clientSecret',
  'client_secret',
  'authorization',
  'Authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.clientSecret',
  '*.client_secret',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'headers.Authorization',
];

let root: Logger | null = null;

export function createLogger(level: string = logSettings().level): Logger {
  const opts = {
    level,
    base: { app: 'chiso766' },
    redact: { paths: REDACT, censor: '***' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (process.stderr.isTTY && !logSettings().json) {
    return pino(
      opts,
      pretty({ destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app', sync: true }),
    );
  }
  return pino(opts, pino.destination({ dest: 2, sync: true }));
}

/** The process-wide logger (created on first use). */
export function log(): Logger {
  root ??= createLogger();
  return root;
}

export function setLogLevel(level: string): void {
  log().level = level;
}

export type { Logger };
