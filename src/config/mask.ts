/** Secret masking for anything printed or logged: URLs with passwords, tokens, client secrets. */
import type { Config } from './load.ts';

const MASK = '***';

/** `smtp://user:pass@host:587` → `smtp://user:***@host:587`; non-URLs are returned as they are. */
export function maskUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const u = new URL(url);
    if (u.password) u.password = MASK;
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@/]+@/, `//$1:${MASK}@`);
  }
}

/** The effective configuration with every secret masked — what `config check` prints. */
export function effectiveConfig(config: Config): Record<string, unknown> {
  const { env, ...rest } = config;
  return {
    ...rest,
    env: {
      CHISO766_DATA_DIR: env.dataDir,
      DATABASE_URL: env.databaseUrl === null ? null : maskUrl(env.databaseUrl),
      database: env.databaseUrl === null ? `embedded PGlite in ${env.dataDir}/pglite` : 'PostgreSQL',
      REDIS_URL: maskUrl(env.redisUrl),
      SMTP_URL: maskUrl(env.smtpUrl),
      mailTransport: env.smtpUrl === null ? `.eml files in ${env.dataDir}/outbox` : 'SMTP',
      MAIL_FROM: env.mailFrom,
      DVCQG_BASE_URL: env.dvcqgBaseUrl,
      CHISO766_HTTP_DELAY_MS: env.httpDelayMs,
      CHISO766_OPS_TOKEN: env.opsToken === null ? null : MASK,
      PORT: env.port,
      LOG_LEVEL: env.logLevel,
      CHISO766_PROVINCIAL_CLIENT_ID: env.provincialClientId,
      CHISO766_PROVINCIAL_CLIENT_SECRET: env.provincialClientSecret === null ? null : MASK,
      CHISO766_PROVINCIAL_USERNAME: env.provincialUsername,
      CHISO766_PROVINCIAL_PASSWORD: env.provincialPassword === null ? null : MASK,
    },
  };
}
