/**
 * What jobs and queue helpers share in one process: config, database, portal client (with the
 * Redis-backed politeness), queues, a logger and a clock. One Redis connection per role.
 */
import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB } from '../db/types.ts';
import { log as rootLog, type Logger } from '../log.ts';
import { createPortalHttp } from '../sources/client.ts';
import type { PortalHttp } from '../sources/http.ts';
import { assertRedis, isConnectionError, redisConnection, withTimeout } from './connection.ts';
import { QUEUE_NAMES, type QueueName } from './names.ts';
import { RedisPoliteness } from './politeness.ts';
import type { Source, Transport } from '../sources/source.ts';

export interface Runtime {
  config: Config;
  db: Kysely<DB>;
  prefix: string;
  /** This database's own id (migrations/0004): part of every job id. */
  instance: string;
  http: PortalHttp;
  log: Logger;
  queues: Record<QueueName, Queue>;
  flow: FlowProducer;
  /** The queue-role connection (also used for the politeness limiter and admin commands). */
  redis: Redis;
  now: () => Date;
  /** How a source's requests travel (built once per process: a provincial token is cached). */
  transport(source: Source): Transport;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  now?: () => Date;
  log?: Logger;
  http?: PortalHttp;
  /** Queue key prefix (default: the configured CHISO766_QUEUE_PREFIX). */
  prefix?: string;
}

export async function createRuntime(config: Config, db: Kysely<DB>, opts: RuntimeOptions = {}): Promise<Runtime> {
  const prefix = opts.prefix ?? config.env.queuePrefix;
  const logger = opts.log ?? rootLog();
  const instance = (await db.selectFrom('installation').select('id').executeTakeFirstOrThrow()).id;
  const redis = redisConnection(config.env.redisUrl, 'queue', logger);
  try {
    await assertRedis(redis, config.env.redisUrl);
  } catch (e) {
    redis.disconnect();
    throw e;
  }
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection: redis, prefix })]),
  ) as Record<QueueName, Queue>;
  const flow = new FlowProducer({ connection: redis, prefix });
  // BullMQ re-emits connection errors on every queue; unheard, each would print a stack trace per
  // reconnect attempt. The connection watcher already logs the outage once.
  const onError = (err: Error) => {
    if (!isConnectionError(err)) logger.error({ err }, `queue error: ${err.message}`);
  };
  for (const q of Object.values(queues)) q.on('error', onError);
  flow.on('error', onError);
  const http = opts.http ?? createPortalHttp(config, new RedisPoliteness(redis, config.env.httpDelayMs, prefix));
  const transports = new Map<string, Transport>();
  return {
    transport: (source) => {
      let t = transports.get(source.name);
      if (!t) transports.set(source.name, (t = source.transport?.(http, config) ?? http));
      return t;
    },
    config,
    db,
    prefix,
    instance,
    http,
    log: logger,
    queues,
    flow,
    redis,
    now: opts.now ?? (() => new Date()),
    // Bounded: with Redis away, closing must not wait for it (the connection is dropped anyway).
    close: async () => {
      await withTimeout(
        Promise.all([flow.close(), ...Object.values(queues).map((q) => q.close())]),
        5000,
        'closing the queues',
      ).catch(() => undefined);
      redis.disconnect();
    },
  };
}
