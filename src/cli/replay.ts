/** `replay`: serve recorded portal captures on loopback (offline runs, demos, rehearsing faults). */
import path from 'node:path';
import type { Command } from 'commander';
import { loadReplayCapture, parseFault, ReplayServer } from '../portal/replay/server.ts';
import { action, UsageError } from './context.ts';

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('serve recorded DVCQG captures on loopback as a stand-in portal (set DVCQG_BASE_URL to the printed URL)')
    .argument('<dirs...>', 'capture folders with a manifest.json (e.g. demo/dvcqg/capture-2026-11-16)')
    .option('--port <port>', 'port (default: a free one)', '0')
    .option('--fault <spec...>', 'inject faults: ENDPOINT=waf | http500x6 | http403 | http429 | slow:MS | drift:KEY | reset')
    .action(
      action(async (dirs: string[], opts: { port: string; fault?: string[] }) => {
        let faults;
        try {
          faults = (opts.fault ?? []).map(parseFault);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        const server = new ReplayServer(dirs.map((d) => loadReplayCapture(path.resolve(d))), faults);
        const url = await server.listen(Number(opts.port));
        process.stdout.write(`${url}\n`);
        process.stderr.write(`Replaying ${server.currentCapture} at ${url} (POST ${url}/__replay/use?capture=NAME to switch; GET ${url}/__replay/stats). Ctrl-C to stop.\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
      }),
    );
}
