/**
 * Redis connections, one per role (BullMQ's production guide): queues fail fast, workers retry
 * forever (`maxRetriesPerRequest: null`) so a Redis restart does not kill them.
 */
import { Redis } from 'ioredis';

export type RedisRole = 'queue' | 'worker' | 'admin';

export function redisConnection(url: string, role: RedisRole): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableReadyCheck: true,
    connectionName: `chiso766-${role}`,
    // Fail fast at start when Redis is not there, instead of retrying silently forever.
    retryStrategy: (times) => (role === 'worker' ? Math.min(times * 500, 5000) : times > 3 ? null : times * 200),
    lazyConnect: false,
  });
}

/** Ping with a clear message when Redis is not reachable. */
export async function assertRedis(redis: Redis, url: string): Promise<void> {
  try {
    await Promise.race([redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000))]);
  } catch (e) {
    const safe = url.replace(/\/\/[^@]*@/, '//***@');
    throw new RedisUnavailableError(`cannot reach Redis at ${safe} (${(e as Error).message}). Start redis-server or set REDIS_URL; \`npm run demo\` and \`npm test\` start a local one for you.`);
  }
}

export class RedisUnavailableError extends Error {
  readonly exitCode = 1;
}
