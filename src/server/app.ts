/**
 * The worker's HTTP server: `/healthz` (Redis, database, Redis eviction policy), `/metrics`
 * (Prometheus), and the ops UI (Bull Board) at `/ops` — only with the ops token, as a Bearer
 * header or as the password of HTTP Basic auth (so a browser can open it); disabled without a token.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { sql } from 'kysely';
import { Gauge } from 'prom-client';
import { registerQueueGauges, registry } from '../queue/metrics.ts';
import { withTimeout } from '../queue/connection.ts';
import type { Runtime } from '../queue/runtime.ts';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  checks: Record<string, { ok: boolean; detail: string }>;
}

export async function checkHealth(rt: Runtime): Promise<HealthReport> {
  const checks: HealthReport['checks'] = {};
  // Bounded: with a server away, commands would wait for it (connections reconnect for ever).
  try {
    await withTimeout(rt.redis.ping(), 2000, 'Redis PING');
    checks.redis = { ok: true, detail: 'PONG' };
    try {
      const policy = (await withTimeout(rt.redis.config('GET', 'maxmemory-policy'), 2000, 'Redis CONFIG')) as string[];
      const value = policy[1] ?? 'unknown';
      checks.redisEviction =
        value === 'noeviction'
          ? { ok: true, detail: 'noeviction' }
          : {
              ok: false,
              detail: `maxmemory-policy is ${value}: BullMQ needs noeviction or jobs can be silently lost (redis-server --maxmemory-policy noeviction)`,
            };
    } catch (e) {
      // Managed Redis often forbids CONFIG: say so, do not fail the check on it.
      checks.redisEviction = {
        ok: true,
        detail: `cannot read maxmemory-policy (${(e as Error).message}); make sure it is noeviction`,
      };
    }
  } catch (e) {
    checks.redis = { ok: false, detail: (e as Error).message };
  }
  try {
    await withTimeout(sql`select 1`.execute(rt.db), 3000, 'database');
    checks.database = { ok: true, detail: 'ok' };
  } catch (e) {
    checks.database = { ok: false, detail: (e as Error).message };
  }
  const down = !checks.redis?.ok || !checks.database?.ok;
  const degraded = Object.values(checks).some((c) => !c.ok);
  return { status: down ? 'down' : degraded ? 'degraded' : 'ok', checks };
}

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function requireOpsToken(token: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    let given = '';
    if (/^bearer /i.test(header)) given = header.slice(7).trim();
    else if (/^basic /i.test(header)) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      given = decoded.slice(decoded.indexOf(':') + 1);
    }
    if (given && tokenMatches(given, token)) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="chiso766 ops", charset="UTF-8"');
    res.status(401).json({
      error: 'unauthorized: send Authorization: Bearer $CHISO766_OPS_TOKEN (or the token as the Basic-auth password)',
    });
  };
}

let gaugesRegistered = false;

function registerDatabaseGauges(rt: Runtime): void {
  if (gaugesRegistered) return;
  gaugesRegistered = true;
  new Gauge({
    name: 'chiso766_last_capture_age_seconds',
    help: 'Seconds since the last capture that completed (changed or unchanged)',
    registers: [registry],
    async collect() {
      const row = await withTimeout(
        rt.db
          .selectFrom('captures')
          .select((eb) => eb.fn.max('finished_at').as('at'))
          .where('state', 'in', ['complete', 'unchanged'])
          .executeTakeFirst(),
        3000,
        'last capture',
      ).catch(() => undefined);
      const at = row?.at ? new Date(row.at as unknown as string | Date) : null;
      this.set(at ? (Date.now() - at.getTime()) / 1000 : -1);
    },
  });
  new Gauge({
    name: 'chiso766_outbox_unsent',
    help: 'E-mails written to the outbox and not sent yet (waiting for their send job or for the mail server)',
    registers: [registry],
    async collect() {
      const row = await withTimeout(
        rt.db
          .selectFrom('outbox')
          .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
          .where('state', 'in', ['pending', 'sending'])
          .executeTakeFirst(),
        3000,
        'outbox backlog',
      ).catch(() => null);
      this.set(row ? Number(row.n) : -1);
      oldest.set(row?.oldest ? (Date.now() - new Date(row.oldest as unknown as string | Date).getTime()) / 1000 : 0);
    },
  });
  const oldest = new Gauge({
    name: 'chiso766_outbox_oldest_unsent_age_seconds',
    help: 'Age of the oldest unsent e-mail (0 when none)',
    registers: [registry],
  });
  new Gauge({
    name: 'chiso766_open_alerts',
    help: 'Open alerts by severity and kind',
    labelNames: ['severity', 'kind'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await withTimeout(
        rt.db
          .selectFrom('alerts')
          .select(['severity', 'kind', (eb) => eb.fn.countAll<number>().as('n')])
          .where('state', '=', 'open')
          .groupBy(['severity', 'kind'])
          .execute(),
        3000,
        'open alerts',
      ).catch(() => []);
      for (const r of rows) this.set({ severity: r.severity, kind: r.kind }, Number(r.n));
    },
  });
}

export function createApp(rt: Runtime): express.Express {
  const app = express();
  app.disable('x-powered-by');
  registerDatabaseGauges(rt);
  registerQueueGauges(rt);

  app.get('/healthz', async (_req, res) => {
    const report = await checkHealth(rt);
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });

  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });

  const token = rt.config.env.opsToken;
  if (token) {
    const board = new ExpressAdapter();
    board.setBasePath('/ops');
    createBullBoard({
      queues: Object.values(rt.queues).map((q) => new BullMQAdapter(q)),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'chiso766 jobs' } },
    });
    app.use('/ops', requireOpsToken(token), board.getRouter());
  } else {
    // Disabled, but answered like a locked door so nobody mistakes it for a missing page.
    app.use('/ops', (_req, res) => {
      res.status(401).json({ error: 'the ops UI is disabled: set CHISO766_OPS_TOKEN to enable it' });
    });
  }
  return app;
}

export async function startServer(
  rt: Runtime,
  port: number,
  host = '0.0.0.0',
): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const app = createApp(rt);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(port, host, () => resolve(s));
  });
  const addr = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
