/**
 * Politeness shared by every worker process and machine through Redis: requests to one portal
 * host are strictly sequential and spaced by `delayMs`, whatever the BullMQ concurrency. The
 * clock is Redis's (TIME), so machines with skewed clocks still agree.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Config } from '../config/load.ts';
import type { Logger } from '../log.ts';
import { LocalPoliteness, sleep, type Politeness } from '../sources/http.ts';
import { safeRedisUrl, withTimeout } from './connection.ts';

// KEYS[1] lock, KEYS[2] last end (ms); ARGV token, delay ms, lock ttl ms.
// Returns 0 when the lock is taken, else how long to wait (ms).
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('EXISTS', KEYS[1]) == 1 then
  -- Another worker's request is in flight: requests are short, look again soon.
  return 3
end
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
local wait = last + tonumber(ARGV[2]) - now
if wait > 0 then return wait end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 0
`;

// KEYS[1] lock; ARGV token, ttl. Keeps the lock alive while its holder's request is in flight.
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

// KEYS[1] lock, KEYS[2] last end; ARGV token.
const RELEASE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[2], now, 'PX', 86400000)
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

export class RedisPoliteness implements Politeness {
  constructor(
    private readonly redis: Redis,
    private readonly delayMs: number,
    private readonly prefix: string,
    /** A holder that crashed frees the host after this long (the lock is renewed while alive). */
    private readonly lockTtlMs = 10_000,
  ) {}

  async acquire(host: string): Promise<() => Promise<void>> {
    const token = randomUUID();
    const lock = `${this.prefix}:polite:${host}:lock`;
    const last = `${this.prefix}:polite:${host}:last`;
    for (;;) {
      const wait = Number(
        await this.redis.eval(ACQUIRE, 2, lock, last, token, String(this.delayMs), String(this.lockTtlMs)),
      );
      if (wait === 0) break;
      await sleep(Math.max(2, Math.min(wait, 1000)));
    }
    const renew = setInterval(
      () => void this.redis.eval(RENEW, 1, lock, token, String(this.lockTtlMs)).catch(() => undefined),
      Math.floor(this.lockTtlMs / 3),
    );
    renew.unref();
    return async () => {
      clearInterval(renew);
      await this.redis.eval(RELEASE, 2, lock, last, token);
    };
  }
}

/**
 * The politeness of a command outside the workers (`capture`, `backfill`): the workers' own — the
 * Redis lock per host — whenever Redis answers, so a manual capture beside a worker's cycle never
 * doubles the request rate toward the portal; process-local only when Redis is not there.
 */
export async function commandPoliteness(
  config: Config,
  log: Logger,
): Promise<{ politeness: Politeness; shared: boolean; close(): void }> {
  const redis = new Redis(config.env.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    retryStrategy: (n) => (n > 3 ? null : 200 * n),
  });
  redis.on('error', () => undefined);
  try {
    await withTimeout(redis.connect(), 2500, 'Redis');
    return {
      politeness: new RedisPoliteness(redis, config.env.httpDelayMs, config.env.queuePrefix),
      shared: true,
      close: () => redis.disconnect(),
    };
  } catch (e) {
    redis.disconnect();
    log.warn(
      { redis: safeRedisUrl(config.env.redisUrl), err: (e as Error).message },
      `Redis not reachable (${(e as Error).message}): requests are spaced within this process only — do not run a capture while a worker fetches`,
    );
    return { politeness: new LocalPoliteness(config.env.httpDelayMs), shared: false, close: () => undefined };
  }
}
