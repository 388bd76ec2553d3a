/** A `chiso766 worker` child process, and waiting for a condition. */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, ROOT } from './paths.ts';

export function startWorker(env: Record<string, string>): {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
} {
  const child = spawn(process.execPath, [BIN, 'worker', '--no-cron'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', CHISO766_LOG_JSON: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 45_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}
