/**
 * The drill-down end to end, as a province runs it: DVCQG replayed (with the recorded per-procedure
 * answers and catalogue of 2026-11-23) and a stand-in VNPT iGate. Two weeks; in the second, Lộc Ninh
 * (H19.106) and Sở Xây dựng (H19.05) fall: their procedures and dossiers are found, named in their
 * e-mails with the dossier list attached; only their procedures are asked, within the budget, and
 * a token that dies mid-run is renewed once. A tight budget and a WAF page are told, not fatal.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { IgateStandIn, TOKEN_PATH } from '../../src/offline/igate.ts';
import type { Fault } from '../../src/offline/replay.ts';
import { runCli } from '../helpers/cli.ts';
import { EXPECTED_DRILLDOWN } from '../helpers/drilldown.ts';
import { CAPTURE_16, CAPTURE_23, ROOT } from '../helpers/paths.ts';
import { createBench, type Bench } from '../helpers/pipeline.ts';

const expected = EXPECTED_DRILLDOWN;
const SECRET = 'drill-secret';
const open: { bench: Bench; igate: IgateStandIn }[] = [];
afterAll(async () => {
  for (const o of open) {
    await o.bench.close();
    await o.igate.close();
  }
});

/** Two weeks replayed; weekly drops of 2 points alert (Lộc Ninh fell 2,45, Sở Xây dựng 3,25). */
async function twoWeeks(o: { budget?: number; faults?: Fault[]; expireTokens?: boolean } = {}) {
  const igate = new IgateStandIn({
    dir: path.join(ROOT, 'demo/igate/H19'),
    clientId: 'chiso766-dongnai',
    clientSecret: SECRET,
    ...(o.expireTokens ? { expireTokensOn: '/pa/dossier/search' } : {}),
  });
  const url = await igate.listen();
  const bench = await createBench({
    captures: [CAPTURE_16, CAPTURE_23],
    yaml:
      `province: H19\nprovincial: { vendor: igate, baseUrl: "${url}", tokenUrl: "${url}${TOKEN_PATH}", agencyId: H19 }\n` +
      `rules: { weeklyDrop: { points: 2 } }\njobs: { attempts: 2, backoffMs: 50 }\n` +
      `recipients: [{ unit: "H19.*", to: ["donvi-{code}@dongnai.gov.vn"] }]\n` +
      (o.budget !== undefined ? `drilldown: { maxRequestsPerCycle: ${o.budget} }\n` : ''),
  });
  open.push({ bench, igate });
  bench.env.CHISO766_PROVINCIAL_CLIENT_ID = 'chiso766-dongnai';
  bench.env.CHISO766_PROVINCIAL_CLIENT_SECRET = SECRET;
  bench.replay.use('2026-11-16');
  expect((await runCli(['run-once', '--as-of', '2026-11-16T04:12:00+07:00'], bench.env)).code).toBe(0);
  const before = bench.replay.stats.requests.length;
  const outbox = path.join(bench.dir, 'outbox');
  const firstWeek = new Set(readdirSync(outbox));
  bench.replay.use('2026-11-23');
  if (o.faults) bench.replay.setFaults(o.faults);
  const week = await runCli(['run-once', '--as-of', '2026-11-23T04:12:00+07:00', '--json'], bench.env);
  // The second week's e-mails only.
  const mails = readdirSync(outbox).filter((f) => f.endsWith('.eml') && !firstWeek.has(f));
  return {
    bench,
    igate,
    week,
    summary: JSON.parse(week.stdout) as {
      drilldown: { requests: number; budget: number; partial: boolean; units: string[]; notes: string[] };
    },
    asked: bench.replay.stats.requests.slice(before),
    mail: async (unit: string) => {
      const f = mails.filter((m) => m.includes(`-digest-`)).map((m) => path.join(bench.dir, 'outbox', m));
      for (const file of f.sort()) {
        const parsed = await simpleParser(readFileSync(file));
        if (parsed.subject?.includes(unit)) return parsed;
      }
      throw new Error(`no e-mail about ${unit}`);
    },
  };
}

describe('drill-down', () => {
  it('the units that fell get their procedures (sorted as expected) and their dossiers; only their procedures are asked', async () => {
    const w = await twoWeeks({ expireTokens: true });
    expect(w.week.code, w.week.stderr).toBe(0);
    expect(w.summary.drilldown).toMatchObject({ partial: false, budget: 200 });
    expect(w.summary.drilldown.units).toEqual(expect.arrayContaining(['H19.106', 'H19.05']));
    expect(w.summary.drilldown.requests).toBeGreaterThan(0);
    expect(w.summary.drilldown.requests).toBeLessThanOrEqual(200);

    for (const code of ['H19.106', 'H19.05']) {
      const r = await runCli(['drilldown', '--unit', code, '--json'], w.bench.env);
      expect(r.code, r.stderr).toBe(0);
      const d = JSON.parse(r.stdout) as {
        unit: { code: string; name: string };
        procedures: {
          group: string;
          formalityCode: string;
          numerator: number;
          denominator: number;
          shortfall: number;
        }[];
        dossiers: { code: string; problem: string; nationCode: string | null }[];
      };
      const e = expected.units[code]!;
      expect(d.unit.code).toBe(code);
      // The first three carry the drop: in order, with their shortfalls; then the rest as expected.
      expect(d.procedures.slice(0, 3).map((p) => [p.formalityCode, p.shortfall])).toEqual(
        e.procedures.slice(0, 3).map((p) => [p.formalityCode, p.shortfall]),
      );
      expect(
        d.procedures.slice(0, e.procedures.length).map((p) => [p.group, p.formalityCode, p.numerator, p.denominator]),
      ).toEqual(e.procedures.map((p) => [p.group, p.formalityCode, p.numerator, p.denominator]));
      for (const problem of ['overdue', 'unsynced', 'unpaid'] as const)
        expect(
          d.dossiers
            .filter((x) => x.problem === problem)
            .map((x) => x.code)
            .sort(),
        ).toEqual([...e.dossiers[problem]].sort());
    }

    // Every per-procedure request was for a procedure of a unit that alerted, never a stable unit's.
    const raw = await w.bench.database.db
      .selectFrom('raw_payloads as r')
      .innerJoin('captures as c', 'c.id', 'r.capture_id')
      .select(['r.request_key', 'r.request_body'])
      .where('c.source', '=', 'dvcqg-drilldown')
      .execute();
    const perProcedure = raw.filter((x) => x.request_key.includes('.tthc-'));
    expect(perProcedure).toHaveLength(w.summary.drilldown.requests);
    const formalities = await w.bench.database.db.selectFrom('formalities').selectAll().execute();
    const aliases = await w.bench.database.db
      .selectFrom('unit_aliases')
      .select(['unit_code', 'alias'])
      .where('system', '=', 'dvcqg')
      .where('unit_code', 'in', w.summary.drilldown.units)
      .execute();
    const alerting = new Set(aliases.map((a) => a.alias));
    for (const x of perProcedure) {
      const body = JSON.parse(x.request_body!) as { formalityId?: string; formalityID?: string };
      const f = formalities.find((i) => i.id === (body.formalityId ?? body.formalityID))!;
      expect(f.applied_department_ids.some((id) => alerting.has(id))).toBe(true);
    }
    // transparency and handling-satisfaction are never asked per procedure.
    expect(perProcedure.some((x) => /^(transparency|handling-satisfaction)\./.test(x.request_key))).toBe(false);
    // The dossier search met a token that died: one new token, one retry, no failure.
    expect(w.igate.stats.unauthorized).toBe(1);
    expect(w.igate.stats.tokensIssued).toBe(3);

    // The e-mail names the top procedure and carries the dossier list.
    const mail = await w.mail('Lộc Ninh');
    expect(mail.text).toContain('Thủ tục làm giảm điểm');
    expect(mail.text).toContain('thủ tục 1.001022 "Đăng ký khai tử" — 646 hồ sơ chưa giải quyết đúng hạn');
    expect(mail.text).toMatch(
      /5 hồ sơ quá hạn chưa giải quyết xong; 3 hồ sơ chưa đồng bộ lên Cổng DVCQG; 2 hồ sơ có phí/,
    );
    const xlsx = mail.attachments.find((a) => a.filename === 'ho-so-can-xu-ly-H19.106.xlsx')!;
    expect(xlsx).toBeTruthy();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.content as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['STT', 'Mã hồ sơ', 'Mã hồ sơ trên Cổng DVCQG']);
    const codes = ws.getRows(2, ws.rowCount - 1)!.map((r) => String(r.getCell(2).value));
    const e = expected.units['H19.106']!.dossiers;
    expect(codes.sort()).toEqual([...e.overdue, ...e.unsynced, ...e.unpaid].sort());
    expect(ws.getRow(2).getCell(8).value).toBeInstanceOf(Date);

    // A unit whose e-mail has nothing to drill carries no attachment.
    const stp = await w.mail('Sở Tư pháp');
    expect(stp.attachments).toHaveLength(0);
    const dossiers = await runCli(['dossiers', '--unit', 'H19.05', '--problem', 'overdue'], w.bench.env);
    expect(dossiers.stdout.charCodeAt(0)).toBe(0xfeff);
    expect(
      dossiers.stdout
        .trim()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual([...expected.units['H19.05']!.dossiers.overdue].sort());
  });

  it('a budget that runs out: never more requests than allowed, said in the summary and in the e-mail', async () => {
    const w = await twoWeeks({ budget: 4 });
    expect(w.week.code, w.week.stderr).toBe(0);
    expect(w.summary.drilldown).toMatchObject({ requests: 4, budget: 4, partial: true });
    expect(w.summary.drilldown.notes.join(' ')).toMatch(/budget of 4 requests spent/);
    const perProcedure = w.asked.filter((r) => r.endpoint !== 'formalities').length - 8; // the capture's own 8
    expect(perProcedure).toBe(4);
    expect((await w.mail('Sở Xây dựng')).text).toContain('chưa lấy được đầy đủ số liệu theo thủ tục');
  });

  it('a WAF page during the drill-down stops it; the e-mails go out without it and say so', async () => {
    const w = await twoWeeks({ faults: [{ endpoint: 'formalities', kind: 'waf' }] });
    expect(w.week.code, w.week.stderr).toBe(0);
    expect(w.summary.drilldown).toMatchObject({ requests: 0, partial: true });
    expect(w.summary.drilldown.notes.join(' ')).toMatch(/drill-down stopped/);
    expect(w.asked.filter((r) => r.endpoint === 'formalities')).toHaveLength(1);
    const mail = await w.mail('Lộc Ninh');
    expect(mail.text).toContain('chưa lấy được số liệu theo thủ tục trong lần này');
    expect(mail.text).toContain('Tổng điểm | 62,75/100 | 65,20/100');
  });
});
