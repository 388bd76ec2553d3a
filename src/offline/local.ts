/**
 * Local services on loopback for the demo and the test suite: use REDIS_URL / DATABASE_URL when
 * set; otherwise start a private redis-server (installing Debian's package when running as root
 * on Debian) and, if asked, a private PostgreSQL cluster. Stops only what it started.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { processAlive } from '../processes.ts';
import { ExplainedError } from '../domain/errors.ts';

export interface LocalServices {
  redisUrl: string;
  databaseUrl: string | null;
  /** Human lines saying what was used or started. */
  notes: string[];
  stop(): Promise<void>;
}

export class ServiceError extends ExplainedError {}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function isDebian(): boolean {
  return existsSync('/etc/debian_version') && which('apt-get') !== null;
}

function ensureRedisServer(notes: string[]): string {
  const found = which('redis-server');
  if (found) return found;
  if (isRoot() && isDebian()) {
    notes.push('redis-server was missing: installing Debian package redis-server with apt-get');
    execFileSync(
      'sh',
      ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null'],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const installed = which('redis-server');
    if (installed) return installed;
  }
  throw new ServiceError(
    'redis-server is not installed and REDIS_URL is not set. Install Redis (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL=redis://host:6379.',
  );
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new ServiceError(`${what} did not become ready within ${timeoutMs / 1000} s`);
}

async function redisPing(port: number): Promise<boolean> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port }, () => sock.write('PING\r\n'));
    sock.once('data', (d) => {
      sock.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    sock.once('error', () => resolve(false));
    sock.setTimeout(500, () => {
      sock.destroy();
      resolve(false);
    });
  });
}

export interface LocalServer {
  url: string;
  stop(): Promise<void>;
  /** Stop the server, keep it down for `downMs`, start it again on the same port and data. */
  restart(downMs: number): Promise<void>;
}

/**
 * A private redis-server on loopback. `aof`: jobs survive a restart (append-only file, as in
 * production); without it the server is a throwaway.
 */
export async function startRedis(
  stateDir: string,
  notes: string[],
  opts: { aof?: boolean } = {},
): Promise<LocalServer> {
  const bin = ensureRedisServer(notes);
  const port = await freePort();
  const dir = path.join(stateDir, 'redis');
  mkdirSync(dir, { recursive: true });
  // noeviction: BullMQ needs every key kept.
  const args = [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--save',
    '',
    '--appendonly',
    opts.aof ? 'yes' : 'no',
    '--maxmemory-policy',
    'noeviction',
    '--dir',
    dir,
    '--logfile',
    path.join(dir, 'redis.log'),
  ];
  let child: ChildProcess;
  const start = async () => {
    child = spawn(bin, args, { stdio: 'ignore', detached: false });
    await waitFor(() => redisPing(port), `redis-server on port ${port}`);
  };
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      // SIGTERM: a clean shutdown (the append-only file is flushed).
      child.kill('SIGTERM');
      await waitFor(() => child.exitCode !== null || !processAlive(child.pid!), 'redis-server shutdown', 5000).catch(
        () => child.kill('SIGKILL'),
      );
    }
  };
  await start();
  notes.push(`started redis-server ${bin} on 127.0.0.1:${port} (data in ${dir}); it stops when this command ends`);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    restart: async (downMs) => {
      await stop();
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
  };
}

function findPostgresBin(): string | null {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(path.join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(base, versions[0], 'bin');
  }
  const initdb = which('initdb');
  return initdb ? path.dirname(initdb) : null;
}

/**
 * A private PostgreSQL cluster on a free loopback port. As root the server must run as the
 * `postgres` user (initdb and postgres refuse root), through runuser.
 */
export async function startPostgres(stateDir: string, notes: string[]): Promise<LocalServer | null> {
  const bin = findPostgresBin();
  if (!bin) return null;
  const asPostgres = isRoot();
  if (asPostgres && spawnSync('id', ['-u', 'postgres']).status !== 0) return null;
  const run = (cmd: string, args: string[]) => {
    const full = asPostgres
      ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]]
      : [path.join(bin, cmd), args];
    const r = spawnSync(full[0] as string, full[1] as string[], { encoding: 'utf8' });
    if (r.status !== 0) throw new ServiceError(`${cmd} failed: ${r.stderr || r.stdout}`);
  };
  const dir = path.join(stateDir, 'postgres');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // postgres must be able to enter the folders (mkdtemp makes them 0700); keep the state
  // folder under a world-traversable parent such as /tmp.
  for (const d of [stateDir, dir]) chmodSync(d, 0o755);
  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'sock');
  mkdirSync(data, { mode: 0o700 });
  mkdirSync(sock);
  if (asPostgres) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  const logFile = path.join(dir, 'postgres.log');
  writeFileSync(logFile, '');
  if (asPostgres) execFileSync('chown', ['postgres:postgres', logFile]);
  const start = () =>
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      logFile,
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
      'start',
    ]);
  const stop = async () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    } catch {
      // already stopped
    }
  };
  start();
  notes.push(`started PostgreSQL (${bin}) on 127.0.0.1:${port} (data in ${data}); it stops when this command ends`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    restart: async (downMs) => {
      // -m fast: open sessions are terminated ("terminating connection due to administrator command").
      await stop();
      await new Promise((r) => setTimeout(r, downMs));
      start();
    },
  };
}

export interface StartOptions {
  /** Folder for the servers' data; removed by stop(). */
  stateDir: string;
  /** Start a PostgreSQL cluster when DATABASE_URL is unset (tests); the demo uses PGlite. */
  postgres?: boolean;
  env?: NodeJS.ProcessEnv;
}

export async function startLocalServices(opts: StartOptions): Promise<LocalServices> {
  const env = opts.env ?? process.env;
  const notes: string[] = [];
  const stops: (() => Promise<void>)[] = [];
  mkdirSync(opts.stateDir, { recursive: true });
  let redisUrl = env.REDIS_URL;
  if (redisUrl)
    notes.push(`using Redis at REDIS_URL (${redisUrl.replace(/\/\/[^@]*@/, '//***@')}); not started or stopped here`);
  else {
    const r = await startRedis(opts.stateDir, notes);
    redisUrl = r.url;
    stops.push(r.stop);
  }
  let databaseUrl: string | null = env.DATABASE_URL ?? null;
  if (databaseUrl) notes.push('using PostgreSQL at DATABASE_URL; not started or stopped here');
  else if (opts.postgres) {
    const pg = await startPostgres(opts.stateDir, notes).catch((e: Error) => {
      notes.push(
        `could not start a local PostgreSQL (${e.message.split('\n')[0]}); PostgreSQL tests run on embedded PGlite`,
      );
      return null;
    });
    if (pg) {
      databaseUrl = pg.url;
      stops.push(pg.stop);
    } else if (!notes.some((n) => n.includes('PGlite')))
      notes.push('no PostgreSQL server binaries found: PostgreSQL tests run on embedded PGlite');
  } else notes.push('database: embedded PGlite (DATABASE_URL unset)');
  return {
    redisUrl,
    databaseUrl,
    notes,
    stop: async () => {
      for (const s of stops.reverse()) await s();
      rmSync(opts.stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * A new, empty database on a PostgreSQL server (for a test file or a benchmark), and how to drop it.
 * Never touches another database of that server.
 */
export async function createScratchDatabase(
  serverUrl: string,
  prefix: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}
