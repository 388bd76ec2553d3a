/**
 * The drill-down of one cycle (docs/drilldown.md §1), run by the notify stage before the digests
 * are written: for each unit with a new or escalated indicator alert, the procedures behind its
 * fallen groups (DVCQG, within `drilldown.maxRequestsPerCycle`, through the same polite transport
 * as the capture) and, with a VNPT iGate provincial system, the dossiers it must fix. Every raw
 * answer is archived as evidence under a capture of its own. Done once per cycle: a second run
 * reads what the first stored. A portal that blocks, fails or drifts stops or skips the drill-down
 * — it never fails the cycle; what could not be done is recorded and told.
 */
import type { Kysely } from 'kysely';
import { alertNewsOfCycle } from '../alerts/query.ts';
import { provincialSnapshotsOfCycle } from '../alerts/evaluate.ts';
import type { Config } from '../config/load.ts';
import type { Cycle, DB } from '../db/types.ts';
import type { SnapshotView } from '../domain/observations.ts';
import { isGroupCode, metricDef, type GroupCode } from '../domain/metrics.ts';
import { localDateKey, parsePeriodKey, periodDateRange } from '../domain/periods.ts';
import { archiveResponse } from '../snapshots/archive.ts';
import { cycleHistory, loadViews, resolveData } from '../snapshots/read.ts';
import {
  catalogueRequest,
  parseCataloguePage,
  parseProcedureAnswer,
  procedureRequest,
  type CatalogueItem,
  type ProcedureCounter,
} from '../sources/dvcqg-drilldown/source.ts';
import { DriftError } from '../sources/drift.ts';
import type { PortalRequest, PortalResponse } from '../sources/http.ts';
import {
  dossierProblems,
  dossierSearchRequest,
  parseDossierSlice,
  type DossierFinding,
} from '../sources/provincial/dossiers.ts';
import type { Transport } from '../sources/source.ts';
import { ProvincialAuthError } from '../sources/provincial/token-client.ts';
import {
  fallenGroups,
  planRequests,
  shortfallRows,
  unitProcedures,
  type DrillUnit,
  type ProcedureRow,
} from './plan.ts';

export const DRILLDOWN_SOURCE = 'dvcqg-drilldown';
/** The catalogue changes rarely: fetched again after this long. */
const CATALOGUE_MAX_AGE_MS = 6.5 * 24 * 3600_000;
/** Pages of one unit's dossier search before stopping (50 a page: 5 000 dossiers). */
const MAX_DOSSIER_PAGES = 100;

export interface DrilldownLog {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
}

export interface DrilldownTransports {
  dvcqg: Transport;
  /** The provincial system's transport (bearer token), when `provincial.vendor: igate`. */
  igate: Transport | null;
}

export interface DrilldownSummary {
  requests: number;
  budget: number;
  partial: boolean;
  units: { code: string; groups: string[] }[];
  notes: string[];
}

/** Stop signals end the drill-down; other failures skip one request. */
class Stop extends Error {}

export async function runDrilldown(
  db: Kysely<DB>,
  config: Config,
  transports: DrilldownTransports,
  c: { cycle: Cycle; captureId: number; now: Date; log: DrilldownLog },
): Promise<DrilldownSummary | null> {
  if (!config.drilldown.enabled) return null;
  const done = await db.selectFrom('drilldown_runs').selectAll().where('cycle_id', '=', c.cycle.id).executeTakeFirst();
  if (done)
    return {
      requests: done.requests,
      budget: done.budget,
      partial: done.partial,
      units: done.units,
      notes: done.notes,
    };
  const period = parsePeriodKey(c.cycle.period_key);
  const budget = config.drilldown.maxRequestsPerCycle;
  const empty = { requests: 0, budget, partial: false, units: [], notes: [] };
  if (!period || c.cycle.provinces.includes(',')) return record(db, c.cycle.id, null, empty);
  const province = c.cycle.provinces;

  const units = await unitsToDrill(db, c.cycle, c.captureId, province);
  if (!units) return record(db, c.cycle.id, null, empty);

  const capture = await db
    .insertInto('captures')
    .values({
      cycle_id: null,
      source: DRILLDOWN_SOURCE,
      period_key: c.cycle.period_key,
      provinces: province,
      captured_at: c.now,
      state: 'running',
      requests_planned: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const notes: string[] = [];
  let requests = 0;
  const ask = async (
    transport: Transport,
    key: string,
    endpoint: string,
    request: PortalRequest,
  ): Promise<PortalResponse | null> => {
    const res = await transport.fetch(request);
    await archiveResponse(db, capture.id, { requestKey: key, scope: province, endpoint }, res, 1);
    if (res.outcome === 'blocked') throw new Stop(`${endpoint}: ${res.detail}`);
    if (res.outcome !== 'ok') {
      notes.push(`${key}: ${res.detail ?? res.outcome}`);
      return null;
    }
    return res;
  };

  let partial = false;
  const answers: { group: GroupCode; formality: CatalogueItem; counters: ProcedureCounter[] }[] = [];
  let catalogue: CatalogueItem[] = [];
  try {
    catalogue = await loadCatalogue(db, config, c.now, (key, req) => ask(transports.dvcqg, key, 'formalities', req));
    const plan = planRequests(units.drill, catalogue, budget);
    if (plan.leftOut > 0) {
      partial = true;
      notes.push(
        `drill-down budget of ${budget} requests spent: ${plan.leftOut} per-procedure request(s) not made (drilldown.maxRequestsPerCycle)`,
      );
    }
    for (const r of plan.requests) {
      const req = procedureRequest(config.env.dvcqgBaseUrl, {
        province,
        period,
        group: r.group,
        formalityId: r.formality.id,
        formalityCode: r.formality.code,
      });
      requests++;
      const res = await ask(transports.dvcqg, req.key, req.endpoint, req.request);
      if (!res) {
        partial = true;
        continue;
      }
      try {
        answers.push({
          group: r.group,
          formality: r.formality,
          counters: parseProcedureAnswer(r.group, req.key, res.body),
        });
      } catch (e) {
        if (!(e instanceof DriftError)) throw e;
        partial = true;
        notes.push(e.message);
      }
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    partial = true;
    notes.push(`drill-down stopped: ${e.message}`);
    c.log.warn({ cycle: c.cycle.key }, `drill-down stopped: ${e.message}`);
  }

  const rows = new Map<string, ProcedureRow[]>();
  for (const u of units.drill)
    rows.set(u.code, shortfallRows(u, answers, units.cur, unitProcedures(catalogue, u.departmentId).length));

  const dossiers = new Map<string, DossierFinding[]>();
  if (transports.igate && config.provincial?.vendor === 'igate') {
    const { fromDate, toDate } = periodDateRange(period);
    // As of the cycle's data: "overdue" means past due at the time the figures describe.
    const today = localDateKey(c.cycle.as_of, config.schedule.timezone);
    const to = today < toDate ? today : toDate;
    const agencies = await agencyIds(db, c.cycle.id, province);
    try {
      for (const u of units.drill) {
        const agencyId = agencies.get(u.code);
        if (!agencyId) {
          notes.push(`${u.code}: no agency id of the provincial system is known (its dossiers are not listed)`);
          continue;
        }
        dossiers.set(
          u.code,
          await searchDossiers(ask, transports.igate, config, { agencyId, fromDate, toDate: to, now: c.cycle.as_of }),
        );
      }
    } catch (e) {
      // A refused token is the provincial system's answer too: the e-mails go out without the list.
      if (!(e instanceof Stop) && !(e instanceof ProvincialAuthError)) throw e;
      partial = true;
      notes.push(`dossier search stopped: ${e.message}`);
    }
  }

  const summary: DrilldownSummary = {
    requests,
    budget,
    partial,
    units: units.drill.map((u) => ({ code: u.code, groups: u.groups })),
    notes,
  };
  await db.transaction().execute(async (tx) => {
    const procedureRows = [...rows].flatMap(([unit, list]) =>
      list.map((r) => ({
        cycle_id: c.cycle.id,
        unit_code: unit,
        grp: r.group,
        metric: r.metric,
        formality_code: r.formalityCode,
        formality_name: r.formalityName,
        numerator: r.numerator,
        denominator: r.denominator,
        shortfall: r.shortfall,
      })),
    );
    if (procedureRows.length)
      await tx
        .insertInto('drilldown_procedures')
        .values(procedureRows)
        .onConflict((oc) => oc.doNothing())
        .execute();
    const dossierRows = [...dossiers].flatMap(([unit, list]) =>
      list.map((d) => ({
        cycle_id: c.cycle.id,
        unit_code: unit,
        code: d.code,
        nation_code: d.nationCode,
        formality_code: d.formalityCode,
        formality_name: d.formalityName,
        problem: d.problem,
        received_at: d.receivedAt,
        due_at: d.dueAt,
      })),
    );
    if (dossierRows.length)
      await tx
        .insertInto('drilldown_dossiers')
        .values(dossierRows)
        .onConflict((oc) => oc.doNothing())
        .execute();
    await tx
      .updateTable('captures')
      .set({ state: 'complete', finished_at: new Date(), requests_planned: requests })
      .where('id', '=', capture.id)
      .execute();
  });
  c.log.info(
    { cycle: c.cycle.key, requests, budget, partial, units: summary.units.length },
    `drill-down: ${requests} per-procedure request(s) of ${budget} allowed for ${summary.units.length} unit(s)${partial ? ' (partial)' : ''}`,
  );
  return record(db, c.cycle.id, capture.id, summary);
}

async function record(
  db: Kysely<DB>,
  cycleId: number,
  captureId: number | null,
  s: DrilldownSummary,
): Promise<DrilldownSummary> {
  await db
    .insertInto('drilldown_runs')
    .values({
      cycle_id: cycleId,
      capture_id: captureId,
      requests: s.requests,
      budget: s.budget,
      partial: s.partial,
      units: JSON.stringify(s.units),
      notes: JSON.stringify(s.notes),
    })
    .onConflict((oc) => oc.column('cycle_id').doNothing())
    .execute();
  return s;
}

/**
 * Units with a new or escalated indicator alert this cycle (most severe first), each with its
 * fallen groups and its DVCQG department id; the province's current snapshot view.
 */
async function unitsToDrill(
  db: Kysely<DB>,
  cycle: Cycle,
  captureId: number,
  province: string,
): Promise<{ drill: DrillUnit[]; cur: SnapshotView } | null> {
  const news = (await alertNewsOfCycle(db, cycle.id)).filter(
    (a) =>
      a.kind === 'indicator' &&
      (a.event === 'opened' || a.event === 'escalated') &&
      a.severity !== 'info' &&
      a.unit_code !== null &&
      a.unit_code !== province,
  );
  const snap = await db
    .selectFrom('snapshots')
    .selectAll()
    .where('capture_id', '=', captureId)
    .where('scope', '=', province)
    .executeTakeFirst();
  const cur = await resolveData(db, snap);
  if (!cur || news.length === 0) return null;
  const prev = (await cycleHistory(db, cur, 1))[0];
  const views = await loadViews(db, [cur, ...(prev ? [prev] : [])]);
  const curView = views.get(cur.id)!;
  const prevView = prev ? views.get(prev.id) : undefined;
  const order = (s: string) => (s === 'critical' ? 0 : 1);
  const codes = [...new Set([...news].sort((a, b) => order(a.severity) - order(b.severity)).map((a) => a.unit_code!))];
  const departments = await departmentIds(db, codes);
  const drill: DrillUnit[] = [];
  for (const code of codes) {
    const alerted = new Set(
      news
        .filter((a) => a.unit_code === code && a.metric)
        .map((a): string => (isGroupCode(a.metric!) ? a.metric! : (metricDef(a.metric!)?.group ?? '')))
        .filter((g) => g !== '' && g !== 'TOTAL'),
    );
    const groups = fallenGroups(code, curView, prevView, alerted);
    if (groups.length) drill.push({ code, departmentId: departments.get(code) ?? null, groups });
  }
  return drill.length ? { drill, cur: curView } : null;
}

/** The units' DVCQG department ids (the ids the catalogue's `appliedDepartmentIds` name). */
async function departmentIds(db: Kysely<DB>, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await db
    .selectFrom('unit_aliases')
    .select(['unit_code', 'alias', 'first_seen_at'])
    .where('system', '=', 'dvcqg')
    .where('unit_code', 'in', [...codes])
    .orderBy('first_seen_at', 'asc')
    .execute();
  // The latest id seen wins (a unit's id can change under the same code).
  return new Map(rows.map((r) => [r.unit_code, r.alias]));
}

/** The provincial system's ids of the units (iGate agency ids), from the cycle's provincial snapshot. */
async function agencyIds(db: Kysely<DB>, cycleId: number, province: string): Promise<Map<string, string>> {
  const snap = (await provincialSnapshotsOfCycle(db, cycleId, province))[0];
  const meta = (snap?.meta ?? {}) as { agencies?: Record<string, string> };
  return new Map(Object.entries(meta.agencies ?? {}));
}

type Ask = (transport: Transport, key: string, endpoint: string, req: PortalRequest) => Promise<PortalResponse | null>;

/** The catalogue from the cache, or all its pages again when older than a week (outside the budget). */
async function loadCatalogue(
  db: Kysely<DB>,
  config: Config,
  now: Date,
  ask: (key: string, req: PortalRequest) => Promise<PortalResponse | null>,
): Promise<CatalogueItem[]> {
  const newest = await db
    .selectFrom('formalities')
    .select((eb) => eb.fn.max('fetched_at').as('at'))
    .executeTakeFirst();
  const at = newest?.at ? new Date(newest.at) : null;
  if (!at || now.getTime() - at.getTime() > CATALOGUE_MAX_AGE_MS) {
    const items: CatalogueItem[] = [];
    for (let page = 1, total = 1; page <= total; page++) {
      const { key, request } = catalogueRequest(config.env.dvcqgBaseUrl, page);
      const res = await ask(key, request);
      if (!res) throw new Stop(`catalogue page ${page} could not be read`);
      const parsed = parseCataloguePage(key, res.body);
      items.push(...parsed.items);
      total = parsed.totalPages;
    }
    await db.transaction().execute(async (tx) => {
      await tx.deleteFrom('formalities').execute();
      for (let i = 0; i < items.length; i += 500)
        await tx
          .insertInto('formalities')
          .values(
            items.slice(i, i + 500).map((f) => ({
              id: f.id,
              code: f.code,
              name: f.name,
              state: f.state,
              applied_department_ids: JSON.stringify(f.appliedDepartmentIds),
              fetched_at: now,
            })),
          )
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
    });
    return items;
  }
  return (await db.selectFrom('formalities').selectAll().execute()).map((f) => ({
    id: f.id,
    code: f.code,
    name: f.name,
    state: f.state,
    appliedDepartmentIds: f.applied_department_ids,
  }));
}

/** Every page of one unit's dossier search, each dossier checked for its problems. */
async function searchDossiers(
  ask: Ask,
  igate: Transport,
  config: Config,
  c: { agencyId: string; fromDate: string; toDate: string; now: Date },
): Promise<DossierFinding[]> {
  const out: DossierFinding[] = [];
  const from = new Date(`${c.fromDate}T00:00:00+07:00`).getTime();
  for (let page = 0; page < MAX_DOSSIER_PAGES; page++) {
    const { key, request } = dossierSearchRequest(config.provincial!.baseUrl, { ...c, page });
    const res = await ask(igate, key, 'igate.dossier-search', request);
    if (!res) throw new Stop(`dossier search page ${page} could not be read`);
    let slice;
    try {
      slice = parseDossierSlice(key, res.body);
    } catch (e) {
      if (e instanceof DriftError) throw new Stop(e.message);
      throw e;
    }
    for (const row of slice.rows)
      for (const f of dossierProblems(row, c.now))
        // The search filters by period; a dossier received before it is not this period's.
        if (!f.receivedAt || f.receivedAt.getTime() >= from) out.push(f);
    if (slice.last) break;
  }
  return out;
}
