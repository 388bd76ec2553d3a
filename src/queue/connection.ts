/**
 * Redis connections, one per role (BullMQ's production guide). Every connection reconnects for as
 * long as the process lives (capped backoff) and lets commands wait for it (`maxRetriesPerRequest:
 * null`), so a Redis restart delays work instead of killing it; callers that must not wait (health
 * checks, run-once's polling) bound their own calls. An outage is logged once when it starts and
 * once when it ends — not once per reconnect attempt.
 */
import { Redis } from 'ioredis';
import { log as rootLog, type Logger } from '../log.ts';
import { ExplainedError } from '../domain/errors.ts';

export type RedisRole = 'queue' | 'worker' | 'admin';

/** 0.25 s, 0.5 s, 1 s … capped at 5 s: quick to come back, gentle while Redis is away. */
export function reconnectDelay(times: number): number {
  return Math.min(250 * 2 ** Math.max(0, Math.min(times - 1, 5)), 5000);
}

/** Shared outage state of every connection of this process: one line per change. */
const outage = { down: false, since: 0 };

function watch(redis: Redis, safeUrl: string, log: Logger): void {
  redis.on('error', (err: Error) => {
    if (outage.down) return;
    outage.down = true;
    outage.since = Date.now();
    log.warn(
      { redis: safeUrl, err: err.message },
      `Redis unreachable at ${safeUrl} (${err.message}): jobs wait, reconnecting every ≤ 5 s`,
    );
  });
  redis.on('ready', () => {
    if (!outage.down) return;
    outage.down = false;
    const s = Math.round((Date.now() - outage.since) / 1000);
    log.info({ redis: safeUrl, downSeconds: s }, `Redis reachable again at ${safeUrl} after ${s} s`);
  });
}

/** Is this error one of a connection going away or coming back (logged by the watcher already)? */
export function isConnectionError(err: unknown): boolean {
  const m = err instanceof Error ? `${err.message} ${(err as { code?: string }).code ?? ''}` : String(err);
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|Connection is closed|Stream isn't writeable|LOADING|connect ETIMEDOUT|Socket closed/i.test(
    m,
  );
}

export function safeRedisUrl(url: string): string {
  return url.replace(/\/\/[^@]*@/, '//***@');
}

export function redisConnection(url: string, role: RedisRole, log: Logger = rootLog()): Redis {
  const name = `chiso766-${role}`;
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: name,
    retryStrategy: reconnectDelay,
    lazyConnect: false,
  });
  watch(redis, safeRedisUrl(url), log);
  return redis;
}

/** `p`, or a rejection after `ms` (for calls that must not wait on a missing server). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Ping with a clear message when Redis is not reachable (commands check this at start). */
export async function assertRedis(redis: Redis, url: string): Promise<void> {
  try {
    await withTimeout(redis.ping(), 5000, 'PING');
  } catch (e) {
    throw new RedisUnavailableError(
      `cannot reach Redis at ${safeRedisUrl(url)} (${(e as Error).message}). Start redis-server or set REDIS_URL; \`npm run demo\` and \`npm test\` start a local one for you.`,
    );
  }
}

export class RedisUnavailableError extends ExplainedError {}
