/** The weekly bulletin end to end: load → model → blocks → the requested format (or the workbook, or the chat brief). */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB } from '../db/types.ts';
import { bulletinBlocks } from './document.ts';
import { loadBulletinInput, type ReportOptions } from './load.ts';
import { buildBulletin, type BulletinModel } from './model.ts';
import { renderDocx, renderHtml, renderMarkdown } from './render.ts';
import { renderBrief } from './brief.ts';
import { buildNoticeWorkbook } from './sheets.ts';

export type ReportFormat = 'md' | 'html' | 'docx' | 'xlsx' | 'text';
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'html', 'docx', 'xlsx', 'text'];

export async function buildReport(
  db: Kysely<DB>,
  config: Config,
  opts: ReportOptions,
  format: ReportFormat,
): Promise<{ model: BulletinModel; content: string | Buffer }> {
  const model = buildBulletin(await loadBulletinInput(db, config, opts));
  if (format === 'xlsx') return { model, content: await buildNoticeWorkbook(model) };
  if (format === 'text') return { model, content: renderBrief(model) };
  const blocks = bulletinBlocks(model);
  const content =
    format === 'md'
      ? renderMarkdown(model, blocks)
      : format === 'html'
        ? renderHtml(model, blocks)
        : await renderDocx(model, blocks);
  return { model, content };
}
