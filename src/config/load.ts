/**
 * Load chiso766.yaml and the environment into one typed, validated Config.
 * Every problem is collected (not just the first) and reported with the file and key path.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { PROVINCE_CODES } from '../domain/provinces.ts';
import { fileSchema, type FileConfig } from './schema.ts';
import { InputError } from '../domain/errors.ts';

export interface ConfigIssue {
  /** `rules.floor.warnRatio`, `recipients[1].to[0]`, or the variable name for the environment. */
  path: string;
  message: string;
}

export class ConfigError extends InputError {
  constructor(
    readonly source: string,
    readonly issues: ConfigIssue[],
  ) {
    // One problem: one line. Several: one line each.
    super(
      issues.length === 1
        ? `${source}: ${issues[0]!.path}: ${issues[0]!.message}`
        : `${source}: ${issues.length} problems\n` + issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export interface EnvConfig {
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string;
  smtpUrl: string | null;
  mailFrom: string;
  dvcqgBaseUrl: string;
  httpDelayMs: number;
  opsToken: string | null;
  port: number;
  logLevel: string;
  provincialClientId: string | null;
  provincialClientSecret: string | null;
  provincialUsername: string | null;
  provincialPassword: string | null;
  /** Redis key prefix of the queues and the politeness lock (CHISO766_QUEUE_PREFIX). */
  queuePrefix: string;
  /** How soon a dead worker's job is taken over (CHISO766_JOB_LOCK_MS). */
  jobLockMs: number;
  /** How long SIGTERM waits for active jobs (CHISO766_SHUTDOWN_GRACE_MS). */
  shutdownGraceMs: number;
}

export interface Config extends Omit<FileConfig, 'province'> {
  /** Path of the YAML file read, or null when none exists (defaults only). */
  file: string | null;
  /** Provinces watched; empty until `province` is set. More than one = national mode. */
  provinces: string[];
  /** `province: all` or a list: the national ranking plus every listed province each cycle. */
  nationalMode: boolean;
  env: EnvConfig;
}

const envSchema = z.object({
  CHISO766_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.tinh.gov.vn:587')
    .optional(),
  MAIL_FROM: z
    .string()
    .refine(isMailbox, {
      error:
        'must be an e-mail address, optionally with a name: "Văn phòng UBND tỉnh <kstthc@tinh.gov.vn>" or kstthc@tinh.gov.vn',
    })
    .default('chiso766 <noreply@localhost>'),
  DVCQG_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://dichvucong.gov.vn' })
    .default('https://dichvucong.gov.vn'),
  CHISO766_HTTP_DELAY_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .default(1000),
  CHISO766_OPS_TOKEN: z.string().min(16, 'must be at least 16 characters (use a random token)').optional(),
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int()
    .min(0)
    .max(65535, 'must be a port number (0-65535)')
    .default(8766),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be fatal, error, warn, info, debug, trace or silent',
    })
    .default('info'),
  CHISO766_PROVINCIAL_CLIENT_ID: z.string().optional(),
  CHISO766_PROVINCIAL_CLIENT_SECRET: z.string().optional(),
  CHISO766_PROVINCIAL_USERNAME: z.string().optional(),
  CHISO766_PROVINCIAL_PASSWORD: z.string().optional(),
  CHISO766_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only')
    .default('chiso766'),
  CHISO766_JOB_LOCK_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(1000, 'must be 1000 or more')
    .default(30000),
  CHISO766_SHUTDOWN_GRACE_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(0, 'must be 0 or more')
    .default(60000),
});

/** `addr@domain`, or `Name <addr@domain>` (localhost allowed: a dev sender). */
function isMailbox(v: string): boolean {
  const m = /^\s*(?:(?:"[^"]*"|[^<>"]*)\s*<([^<>\s]+)>|([^<>\s]+))\s*$/u.exec(v);
  const addr = m?.[1] ?? m?.[2];
  return !!addr && /^[^@\s]+@[^@\s.]+(\.[^@\s.]+)*$/u.test(addr);
}

function formatPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of p) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += (out ? '.' : '') + String(seg);
  }
  return out || '(top level)';
}

function issuesOf(error: z.ZodError, prefix: readonly PropertyKey[] = []): ConfigIssue[] {
  return error.issues.map((i) => {
    let message = i.message;
    if (i.code === 'unrecognized_keys')
      message = `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')} (check the spelling against chiso766.example.yaml)`;
    if (i.code === 'invalid_type' && /received undefined/.test(i.message)) message = 'is required';
    if (i.code === 'invalid_union')
      message = `must be one of the 34 province codes (${PROVINCE_CODES.slice(0, 4).join(', ')}, …), a list of them, or "all"`;
    return { path: formatPath([...prefix, ...i.path]), message };
  });
}

/** Treat empty strings in the environment as unset (a common shell habit). */
function cleanEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

export function loadEnv(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const parsed = envSchema.safeParse(cleanEnv(env));
  if (!parsed.success) throw new ConfigError('environment', issuesOf(parsed.error));
  const e = parsed.data;
  return {
    dataDir: path.resolve(e.CHISO766_DATA_DIR),
    databaseUrl: e.DATABASE_URL ?? null,
    redisUrl: e.REDIS_URL,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM,
    dvcqgBaseUrl: e.DVCQG_BASE_URL.replace(/\/+$/, ''),
    httpDelayMs: e.CHISO766_HTTP_DELAY_MS,
    opsToken: e.CHISO766_OPS_TOKEN ?? null,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    provincialClientId: e.CHISO766_PROVINCIAL_CLIENT_ID ?? null,
    provincialClientSecret: e.CHISO766_PROVINCIAL_CLIENT_SECRET ?? null,
    provincialUsername: e.CHISO766_PROVINCIAL_USERNAME ?? null,
    provincialPassword: e.CHISO766_PROVINCIAL_PASSWORD ?? null,
    queuePrefix: e.CHISO766_QUEUE_PREFIX,
    jobLockMs: e.CHISO766_JOB_LOCK_MS,
    shutdownGraceMs: e.CHISO766_SHUTDOWN_GRACE_MS,
  };
}

/**
 * The log settings, read before any config file (a command logs while it loads one): `LOG_LEVEL`,
 * and `CHISO766_LOG_JSON` (JSON lines even on a terminal; tests and log shippers).
 */
export function logSettings(env: NodeJS.ProcessEnv = process.env): { level: string; json: boolean } {
  return { level: env.LOG_LEVEL || 'info', json: Boolean(env.CHISO766_LOG_JSON) };
}

/** Which file to read: `CHISO766_CONFIG`, else `./chiso766.yaml` when it exists, else none. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env.CHISO766_CONFIG;
  if (explicit) return path.resolve(explicit);
  const local = path.resolve('chiso766.yaml');
  return existsSync(local) ? local : null;
}

/** Parse and validate YAML text. Throws ConfigError naming `source` with every problem. */
export function parseConfigText(text: string, source: string): FileConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}` : '(yaml)',
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  let raw: unknown;
  try {
    // Aliases are expanded with a bound: a "billion laughs" file is bad input, not a hang or a crash.
    raw = doc.toJS({ maxAliasCount: 50 }) ?? {};
  } catch (e) {
    throw new ConfigError(source, [
      {
        path: '(yaml)',
        message: `${(e as Error).message.split('\n')[0]} (too many or nested aliases: write the values out)`,
      },
    ]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(source, [
      { path: '(top level)', message: 'expected a mapping of keys (province:, schedule:, …)' },
    ]);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(source, issuesOf(parsed.error));
  return parsed.data;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const file = configPath(env);
  // File and environment problems are reported together, so one run shows everything.
  const problems: ConfigError[] = [];
  let fileConfig: FileConfig | null = null;
  let envConfig: EnvConfig | null = null;
  try {
    if (file && !existsSync(file))
      throw new ConfigError(file, [
        { path: '(file)', message: 'file not found (set CHISO766_CONFIG to an existing chiso766.yaml)' },
      ]);
    fileConfig = file ? parseConfigText(readFileSync(file, 'utf8'), file) : parseConfigText('{}', '(defaults)');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(e);
  }
  try {
    envConfig = loadEnv(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(e);
  }
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) {
    throw new ConfigError(
      problems.map((p) => p.source).join(' and '),
      problems.flatMap((p) =>
        p.issues.map((i) => ({ ...i, path: p.source === 'environment' ? `(environment) ${i.path}` : i.path })),
      ),
    );
  }
  const { province, ...rest } = fileConfig!;
  const provinces =
    province === undefined
      ? []
      : province === 'all'
        ? [...PROVINCE_CODES]
        : Array.isArray(province)
          ? [...new Set(province)]
          : [province];
  return {
    ...rest,
    file,
    provinces,
    nationalMode: province === 'all' || (Array.isArray(province) && provinces.length > 1),
    env: envConfig!,
  };
}

/** For commands that talk to the portal: a province must be configured. */
export function requireProvinces(config: Config): string[] {
  if (config.provinces.length === 0) {
    throw new ConfigError(config.file ?? 'chiso766.yaml', [
      {
        path: 'province',
        message: `is required to capture: set it to one of the 34 codes (e.g. "province: H19" for Đồng Nai) or "all"${config.file ? '' : ' in a chiso766.yaml (copy chiso766.example.yaml) or point CHISO766_CONFIG at one'}`,
      },
    ]);
  }
  return config.provinces;
}
