/** The code is formatted with Prettier (120 columns, .prettierrc.json): `npm run format` fixes it. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.ts';

describe('formatting', () => {
  it('prettier --check finds nothing to change', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/prettier/bin/prettier.cjs'), '--check', '.'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status, `${r.stdout}${r.stderr}\nRun \`npm run format\`.`).toBe(0);
  }, 60_000);
});
