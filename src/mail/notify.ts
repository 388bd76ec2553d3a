/**
 * notify: select (who hears of what) → figures (each unit's table) → route (to whom) → render
 * (Vietnamese HTML + text) → outbox (one row per recipient, cycle and kind, before any SMTP call).
 * Nobody gets an empty e-mail. Ops get the source-health digest.
 */
import type { Kysely } from 'kysely';
import { alertNewsOfCycle, openUnitAlerts } from '../alerts/query.ts';
import { markNotified } from '../alerts/lifecycle.ts';
import type { Config } from '../config/load.ts';
import { cycleWeeks, loadCycle } from '../cycle/store.ts';
import type { Cycle, DB, MailAttachment } from '../db/types.ts';
import { drilldownOfCycle } from '../drilldown/store.ts';
import { dossierFileName, dossierWorkbook } from '../report/dossiers.ts';
import { digestDrill } from './drill.ts';
import { displayUnitName } from '../domain/names.ts';
import { localDateKey, parsePeriodKey, periodLabel } from '../domain/periods.ts';
import { failedAnswersOfCycle } from '../snapshots/archive.ts';
import { PORTAL_PAGE_URL } from '../sources/dvcqg/endpoints.ts';
import { loadDirectory } from './directory.ts';
import { loadFigures, type Figures } from './figures.ts';
import { pendingOf, writeOutbox } from './outbox.ts';
import { routeDigests, type DigestGroup } from './route.ts';
import { selectDigestItems, toDigestAlert, type AlertNews } from './select.ts';
import { renderDigest, renderOpsDigest, type AlertEventKind, type DigestModel } from './templates.ts';
import { resolveFrame, senderName } from '../report/frame.ts';
import { viDate, weekLabel } from '../domain/format.ts';
import { cycleStateLabel } from '../domain/vocabulary.ts';

export async function queueDigests(
  db: Kysely<DB>,
  config: Config,
  c: { cycleId: number; captureId: number; now: Date },
): Promise<number[]> {
  const cycle = await loadCycle(db, c.cycleId);
  const news = (await alertNewsOfCycle(db, cycle.id)) as AlertNews[];
  const { byUnit, sourceNews } = selectDigestItems({
    news,
    open: await openUnitAlerts(db),
    weekOfCycle: await cycleWeeks(db),
    week: cycle.week,
    repeatEvery: config.mail.repeatEveryCycles,
  });
  const figures = await loadFigures(db, c.captureId, [...byUnit.keys()]);
  const drills = await drilldownOfCycle(db, cycle.id);
  const units = [...byUnit].map(([code, alerts]) => {
    const u = figures.unit(code, alerts);
    const d = drills.get(code);
    return d ? { ...u, drill: digestDrill(code, d) } : u;
  });
  const { groups, opsNotes } = routeDigests(
    units,
    await loadDirectory(db, config),
    localDateKey(cycle.as_of, config.schedule.timezone),
    config.ops.emails,
  );
  const outboxIds: number[] = [];
  const notified: number[] = [];
  const provinceName = await provinceTitle(db, cycle);
  for (const g of groups) {
    const mail = renderDigest(digestModel(config, cycle, provinceName, figures, g));
    const alertIds = g.units.flatMap((u) => u.alerts.map((a) => a.id));
    const attachments: MailAttachment[] = [];
    for (const u of g.units) {
      const d = drills.get(u.code);
      if (d?.dossiers.length)
        attachments.push({
          filename: dossierFileName(u.code),
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          content: (await dossierWorkbook(u.name, d.dossiers, config.schedule.timezone)).toString('base64'),
        });
    }
    outboxIds.push(
      await writeOutbox(db, {
        dedupKey: `digest|${g.key}|cycle${cycle.id}`,
        cycleId: cycle.id,
        kind: 'digest',
        recipientKey: g.key,
        to: g.to,
        cc: g.cc,
        ...mail,
        unitCodes: g.units.map((u) => u.code),
        alertIds,
        attachments,
      }),
    );
    notified.push(...alertIds);
  }
  const ops = await queueOpsDigest(db, config, cycle, sourceNews, opsNotes);
  if (ops) {
    outboxIds.push(ops.id);
    notified.push(...ops.alertIds);
  }
  await markNotified(db, [...new Set(notified)], cycle.id);
  return pendingOf(db, cycle.id, outboxIds);
}

function capitalize(s: string): string {
  return s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);
}

/** The province named in the digests' first sentence (or "the provinces watched" in national mode). */
async function provinceTitle(db: Kysely<DB>, cycle: Cycle): Promise<string> {
  if (cycle.provinces.includes(',')) return 'các tỉnh, thành phố theo dõi';
  const row = await db.selectFrom('units').select('name').where('code', '=', cycle.provinces).executeTakeFirst();
  return row ? displayUnitName(row.name) : cycle.provinces;
}

function digestModel(
  config: Config,
  cycle: Cycle,
  provinceName: string,
  figures: Figures,
  g: DigestGroup,
): DigestModel {
  const period = parsePeriodKey(cycle.period_key);
  const times = figures.timesOf(g.units[0]!.code);
  const b = config.bulletin;
  const sender = senderName(resolveFrame(b, figures.provinceOf(g.units[0]!.code) ?? cycle.provinces.split(',')[0]!));
  const ops = config.ops.emails;
  return {
    sender,
    contact: b.contact ?? (ops.length ? `bộ phận vận hành, thư điện tử ${ops.join(', ')}` : null),
    replyBy: b.replyByDays
      ? viDate(new Date(cycle.as_of.getTime() + b.replyByDays * 86_400_000), config.schedule.timezone)
      : null,
    reportTo: b.reportTo ?? null,
    provinceName,
    week: cycle.week,
    periodLabel: period ? periodLabel(period) : cycle.period_key,
    capturedAt: times?.capturedAt ?? cycle.as_of,
    previousCapturedAt: times?.previousAt ?? null,
    timezone: config.schedule.timezone,
    portalUrl: PORTAL_PAGE_URL,
    units: g.units,
    notes: g.notes,
  };
}

/** Ops: source-health news of this cycle (and new discrepancies), units nobody answers for, what went wrong. */
async function queueOpsDigest(
  db: Kysely<DB>,
  config: Config,
  cycle: Cycle,
  sourceNews: readonly AlertNews[],
  notes: readonly string[],
): Promise<{ id: number; alertIds: number[] } | null> {
  if (config.ops.emails.length === 0 || (sourceNews.length === 0 && notes.length === 0)) return null;
  const problems = await failedAnswersOfCycle(db, cycle.id);
  const open = sourceNews.filter((e) => e.event !== 'resolved' && e.kind === 'source').length;
  const summaryLine =
    problems || open
      ? `${capitalize(weekLabel(cycle.week))}: ${problems} phản hồi lỗi từ cổng, ${open} sự cố nguồn dữ liệu; lần thu thập ${cycleStateLabel(cycle.state)}.`
      : null;
  const codes = [...new Set(sourceNews.map((e) => e.unit_code).filter((c): c is string => !!c))];
  const names = new Map(
    codes.length
      ? (await db.selectFrom('units').select(['code', 'name']).where('code', 'in', codes).execute()).map((u) => [
          u.code,
          displayUnitName(u.name),
        ])
      : [],
  );
  const mail = renderOpsDigest({
    week: cycle.week,
    timezone: config.schedule.timezone,
    summaryLine,
    alerts: sourceNews.map((e) => ({
      ...toDigestAlert(e, e.event as AlertEventKind),
      kind: e.kind,
      unitCode: e.unit_code,
      unitName: e.unit_code ? (names.get(e.unit_code) ?? e.unit_code) : null,
      detail: e.message,
    })),
    notes: [...notes],
  });
  const to = config.ops.emails.map((e) => e.toLowerCase());
  const alertIds = sourceNews.map((e) => e.id);
  return {
    id: await writeOutbox(db, {
      dedupKey: `ops|${to.join(',')}|cycle${cycle.id}`,
      cycleId: cycle.id,
      kind: 'ops',
      recipientKey: to.join(','),
      to,
      cc: [],
      ...mail,
      unitCodes: [],
      alertIds,
    }),
    alertIds,
  };
}
