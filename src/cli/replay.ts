/** `replay`: serve recorded portal captures on loopback (offline runs, demos, rehearsing faults). */
import path from 'node:path';
import type { Command } from 'commander';
import { loadEnv } from '../config/load.ts';
import { loadReplayCapture, parseFault, ReplayServer } from '../offline/replay.ts';
import { IgateStandIn, TOKEN_PATH } from '../offline/igate.ts';
import { action, UsageError } from './context.ts';

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description(
      'serve recorded DVCQG captures on loopback as a stand-in portal (set DVCQG_BASE_URL to the printed URL)',
    )
    .argument('<dirs...>', 'capture folders with a manifest.json (e.g. demo/dvcqg/capture-2026-11-16)')
    .option('--port <port>', 'port (default: a free one)', '0')
    .option(
      '--fault <spec...>',
      'inject faults: ENDPOINT=waf | http500x6 | http403 | http429 | slow:MS | drift:KEY | reset',
    )
    .option(
      '--igate <dir>',
      'also serve a stand-in VNPT iGate from recorded rows (e.g. demo/igate/H19); credentials from CHISO766_PROVINCIAL_CLIENT_ID / _SECRET',
    )
    .action(
      action(async (dirs: string[], opts: { port: string; fault?: string[]; igate?: string }) => {
        let faults;
        try {
          faults = (opts.fault ?? []).map(parseFault);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        const server = new ReplayServer(
          dirs.map((d) => loadReplayCapture(path.resolve(d))),
          faults,
        );
        const url = await server.listen(Number(opts.port));
        process.stdout.write(`${url}\n`);
        let igate: IgateStandIn | null = null;
        if (opts.igate) {
          const { provincialClientId: clientId, provincialClientSecret: clientSecret } = loadEnv();
          if (!clientId || !clientSecret)
            throw new UsageError(
              '--igate needs CHISO766_PROVINCIAL_CLIENT_ID and CHISO766_PROVINCIAL_CLIENT_SECRET (the credentials the stand-in accepts)',
            );
          igate = new IgateStandIn({ dir: path.resolve(opts.igate), clientId, clientSecret });
          const igateUrl = await igate.listen();
          process.stdout.write(`${igateUrl}\n`);
          process.stderr.write(
            `Stand-in iGate at ${igateUrl} (provincial: { vendor: igate, baseUrl: ${igateUrl}, tokenUrl: ${igateUrl}${TOKEN_PATH}, agencyId: H19 })\n`,
          );
        }
        process.stderr.write(
          `Replaying ${server.currentCapture} at ${url} (POST ${url}/__replay/use?capture=NAME to switch; GET ${url}/__replay/stats). Ctrl-C to stop.\n`,
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
        await igate?.close();
      }),
    );
}
