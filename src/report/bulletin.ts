/** The weekly bulletin end to end: load → model → blocks → the requested format. */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB } from '../db/types.ts';
import { bulletinBlocks } from './document.ts';
import { loadBulletinInput, type ReportOptions } from './load.ts';
import { buildBulletin, type BulletinModel } from './model.ts';
import { renderDocx, renderHtml, renderMarkdown } from './render.ts';

export type ReportFormat = 'md' | 'html' | 'docx';

export async function buildReport(
  db: Kysely<DB>,
  config: Config,
  opts: ReportOptions,
  format: ReportFormat,
): Promise<{ model: BulletinModel; content: string | Buffer }> {
  const model = buildBulletin(await loadBulletinInput(db, config, opts));
  const blocks = bulletinBlocks(model);
  const content =
    format === 'md'
      ? renderMarkdown(model, blocks)
      : format === 'html'
        ? renderHtml(model, blocks)
        : await renderDocx(model, blocks);
  return { model, content };
}
