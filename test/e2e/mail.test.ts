/**
 * E-mails over three replayed weeks, delivered to a real SMTP server on loopback and decoded
 * with mailparser: the right people, once, in Vietnamese.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { CAPTURE_16, CAPTURE_23, DEMO_DVCQG } from '../helpers/paths.ts';
import { createBench, type Bench } from '../helpers/pipeline.ts';
import { startSmtpSink, type Sink } from '../helpers/smtp.ts';

const YAML = `province: H19
ops: { emails: [ops@stp.dongnai.gov.vn] }
recipients:
  - { unit: "H19.1??", to: ["xa-{code}@dongnai.gov.vn"] }
  - { unit: H19.08, to: [vanphong@stp.dongnai.gov.vn], cc: [kstthc@vpubnd.dongnai.gov.vn] }
  - { unit: H19.12, to: [vp@snnmt.dongnai.gov.vn] }
  - { unit: H19.05, to: [vp@sxd.dongnai.gov.vn] }
rules:
  floor: { metrics: [TOTAL], warnRatio: 0, criticalRatio: 50 }
jobs: { attempts: 3, backoffMs: 200 }
`;

let bench: Bench;
let sink: Sink;
beforeAll(async () => {
  sink = await startSmtpSink();
  bench = await createBench({ captures: [CAPTURE_16, CAPTURE_23, `${DEMO_DVCQG}/capture-2026-11-30`], yaml: YAML });
  bench.env.SMTP_URL = sink.url;
  bench.env.MAIL_FROM = 'Chỉ số 766 <chiso766@dongnai.gov.vn>';
});
afterAll(async () => {
  await bench.close();
  await sink.close();
});

async function week(capture: string, asOf: string) {
  bench.replay.use(capture);
  const before = sink.received.length;
  const r = await runCli(['run-once', '--as-of', asOf, '--json'], bench.env);
  expect(r.code, r.stderr).toBe(0);
  return { summary: JSON.parse(r.stdout), mails: sink.received.slice(before) };
}

function byRecipient(mails: Sink['received']) {
  return Object.fromEntries(mails.map((m) => [m.envelope.to.sort().join(' '), m]));
}

describe('alert e-mails', () => {
  it('week 47: one e-mail to each unit with a new alert, at its address, in Vietnamese', async () => {
    sink.failNext(1, 451, 'Greylisted, try again later');
    const { summary, mails } = await week('2026-11-16', '2026-11-16T04:12:00+07:00');
    expect(summary.emails).toEqual({ queued: 2, sent: 2, waiting: 0, failed: 0 });
    // 451 on the first message: retried, delivered exactly once.
    expect(mails).toHaveLength(2);
    const m = byRecipient(mails);
    expect(Object.keys(m).sort()).toEqual(['vp@snnmt.dongnai.gov.vn', 'xa-h19.112@dongnai.gov.vn']);
    const commune = m['xa-h19.112@dongnai.gov.vn']!.parsed;
    expect(commune.subject).toBe('[Chỉ số 766] UBND xã Đắk Ơ: tổng điểm 38,60/100 — dưới ngưỡng 50 (tuần 47/2026)');
    expect(commune.text).toContain('UBND xã Đắk Ơ (H19.112)');
    expect(commune.text).toContain('Tổng điểm | 38,60/100');
    expect(commune.html).toContain('UBND xã Đắk Ơ');
    expect(commune.from!.value[0]).toMatchObject({ name: 'Chỉ số 766', address: 'chiso766@dongnai.gov.vn' });
    const deliveries = await bench.database.db.selectFrom('deliveries').select(['outcome']).orderBy('id').execute();
    expect(deliveries.map((d) => d.outcome).sort()).toEqual(['sent', 'sent', 'temporary']);
  });

  it('week 48: Sở Tư pháp (to + cc) for its drop; ops for the coverage problem; stable units get nothing', async () => {
    const { mails } = await week('2026-11-23', '2026-11-23T04:12:00+07:00');
    const m = byRecipient(mails);
    expect(Object.keys(m).sort()).toEqual([
      'kstthc@vpubnd.dongnai.gov.vn vanphong@stp.dongnai.gov.vn',
      'ops@stp.dongnai.gov.vn',
    ]);
    const stp = m['kstthc@vpubnd.dongnai.gov.vn vanphong@stp.dongnai.gov.vn']!.parsed;
    expect(stp.subject).toBe(
      '[Chỉ số 766] Sở Tư pháp: tổng điểm 69,70 → 63,95/100 — giảm 5,75 điểm so với tuần trước (tuần 48/2026)',
    );
    expect((stp.cc as { text: string }).text).toBe('kstthc@vpubnd.dongnai.gov.vn');
    expect(stp.text).toContain('Công khai, minh bạch | 8,65/18 | 14,56/18 | ▼ 5,91');
    expect(m['ops@stp.dongnai.gov.vn']!.parsed.text).toMatch(
      /Thiếu đơn vị hoặc số liệu \(.*\): Thiếu số liệu của tỉnh Đồng Nai: .*H19\.109 \(Dịch vụ công trực tuyến\)/,
    );
  });

  it('re-running a week sends nothing', async () => {
    const { mails } = await week('2026-11-23', '2026-11-23T11:00:00+07:00');
    expect(mails).toHaveLength(0);
  });

  it('week 49: new alerts, the unit back above its floor gets the good news, nobody twice', async () => {
    const { mails } = await week('2026-11-30', '2026-11-30T04:12:00+07:00');
    const m = byRecipient(mails);
    expect(Object.keys(m).sort()).toEqual([
      'ops@stp.dongnai.gov.vn',
      'vp@snnmt.dongnai.gov.vn',
      'vp@sxd.dongnai.gov.vn',
      'xa-h19.106@dongnai.gov.vn',
      'xa-h19.111@dongnai.gov.vn',
    ]);
    expect(m['vp@sxd.dongnai.gov.vn']!.parsed.subject).toBe(
      '[Chỉ số 766] Sở Xây dựng: tổng điểm 55,20 → 54,10/100 — giảm nhiều tuần liên tiếp (tuần 49/2026)',
    );
    expect(m['vp@snnmt.dongnai.gov.vn']!.parsed.subject).toBe(
      '[Chỉ số 766] Sở Nông nghiệp và Môi trường: tổng điểm 51,90/100 — đã trở lại trên ngưỡng (tuần 49/2026)',
    );
    expect(m['xa-h19.111@dongnai.gov.vn']!.parsed.subject).toBe(
      '[Chỉ số 766] UBND xã Bù Gia Mập: tổng điểm 56,35 → 49,20/100 — dưới ngưỡng 50 (tuần 49/2026)',
    );
    // Đắk Ơ's floor alert is only kept (inside the margin): no repeat before 4 weeks.
    expect(Object.keys(m)).not.toContain('xa-h19.112@dongnai.gov.vn');
  });

  it('mail list shows every row sent; mail resend is explicit and logged', async () => {
    const list = JSON.parse((await runCli(['mail', 'list', '--json'], bench.env)).stdout) as {
      id: number;
      state: string;
      deliveries: { resend: boolean }[];
    }[];
    expect(list.every((r) => r.state === 'sent')).toBe(true);
    const before = sink.received.length;
    const r = await runCli(['mail', 'resend', String(list[0]!.id)], bench.env);
    expect(r.code, r.stderr).toBe(0);
    expect(sink.received.length).toBe(before + 1);
    const after = JSON.parse((await runCli(['mail', 'list', '--json'], bench.env)).stdout) as {
      id: number;
      deliveries: { resend: boolean; note: string }[];
    }[];
    expect(after[0]!.deliveries.filter((d) => d.resend)).toEqual([
      expect.objectContaining({ resend: true, note: expect.stringMatching(/explicit resend by/) }),
    ]);
  });

  it('units import-recipients: a bad row is reported with its line number and nothing is imported', async () => {
    const bad = path.join(bench.dir, 'bad.csv');
    writeFileSync(
      bad,
      '\ufeffunit_code,to,cc,from,until\nH19.07,vp@syt.dongnai.gov.vn,,,\nH19.03,khong-phai-email,,,\n',
    );
    const r = await runCli(['units', 'import-recipients', bad], bench.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 3: "khong-phai-email" is not an e-mail address/);
    expect(await bench.database.db.selectFrom('recipients').selectAll().execute()).toEqual([]);
    const good = path.join(bench.dir, 'good.csv');
    writeFileSync(good, 'unit_code,to,cc,from,until\nH19.07,vp@syt.dongnai.gov.vn,,,\n');
    expect((await runCli(['units', 'import-recipients', good], bench.env)).code).toBe(0);
    const units = JSON.parse((await runCli(['units', '--json'], bench.env)).stdout) as {
      code: string;
      recipients: { to: string[] };
    }[];
    expect(units.find((u) => u.code === 'H19.07')!.recipients.to).toEqual(['vp@syt.dongnai.gov.vn']);
    expect(units.find((u) => u.code === 'H19.03')!.recipients).toMatchObject({
      fallback: expect.stringMatching(/no recipient/),
    });
  });
});
