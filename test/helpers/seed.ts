/**
 * Put recorded captures into a database as the pipeline would — cycle, capture, raw payloads,
 * snapshots, evaluation — without Redis or HTTP, with fixed clocks (deterministic reports).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { evaluateCycle } from '../../src/alerts/evaluate.ts';
import type { Config } from '../../src/config/load.ts';
import type { DB } from '../../src/db/types.ts';
import { isoWeekKey, type Period } from '../../src/domain/periods.ts';
import { captureRequests } from '../../src/sources/dvcqg/endpoints.ts';
import { sha256 } from '../../src/sources/http.ts';
import { createCapture, settleCapture } from '../../src/cycle/store.ts';
import { ingestCapture } from '../../src/snapshots/ingest.ts';
import { archiveResponse } from '../../src/snapshots/archive.ts';
import { manifestEntries } from './portal.ts';

export async function seedCycle(
  db: Kysely<DB>,
  config: Config,
  dir: string,
  capturedAt: Date,
  opts: { evaluate?: boolean } = {},
): Promise<{ cycleId: number; captureId: number }> {
  const period: Period = { type: 'year', year: 2026 };
  const week = isoWeekKey(capturedAt);
  const cycle = await db
    .insertInto('cycles')
    .values({
      key: `seed-${week}`,
      source: 'dvcqg',
      provinces: 'H19',
      period_key: 'year-2026',
      week,
      as_of: capturedAt,
      state: 'running',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const specs = captureRequests(['H19'], period);
  const captureId = await createCapture(db, {
    cycleId: cycle.id,
    source: 'dvcqg',
    period,
    provinces: ['H19'],
    capturedAt,
    planned: specs.length,
  });
  const entries = manifestEntries(dir);
  for (const spec of specs) {
    const national = spec.scope === 'national';
    const e = entries.find(
      (x) =>
        x.endpoint === spec.endpoint &&
        (spec.endpoint !== 'service-results' || (x.payload.departmentType === 'ADMINISTRATIVE_UNIT') === national),
    )!;
    const body = readFileSync(path.join(dir, e.file));
    await archiveResponse(
      db,
      captureId,
      { requestKey: spec.key, scope: spec.scope, endpoint: spec.endpoint },
      {
        request: {
          method: 'POST',
          url: `https://dichvucong.gov.vn/api/v1/reporting/evaluation/${spec.endpoint}`,
          body: JSON.stringify(spec.body),
        },
        requestHeaders: {},
        status: 201,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
        sha256: sha256(body),
        outcome: 'ok',
        detail: null,
        fetchedAt: capturedAt,
        durationMs: 1,
      },
      1,
    );
  }
  await ingestCapture(db, captureId);
  await settleCapture(db, captureId);
  if (opts.evaluate !== false)
    await evaluateCycle(db, config, { cycle: { id: cycle.id, week, at: capturedAt }, captureId, period });
  await db.updateTable('cycles').set({ state: 'complete' }).where('id', '=', cycle.id).execute();
  return { cycleId: cycle.id, captureId };
}
