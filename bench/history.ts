/**
 * history: three years of weekly cycles for the largest province (TP Hồ Chí Minh, 19 departments
 * + 169 communes), loaded with COPY; then the three things a weekly run and an office do with
 * history: evaluate every rule for the latest cycle, build the bulletin, export one unit's series.
 */
import { from as copyFrom } from 'pg-copy-streams';
import pg from 'pg';
import { parseConfigText, type Config } from '../src/config/load.ts';
import { evaluateCycle } from '../src/alerts/evaluate.ts';
import { GROUP_CODES } from '../src/domain/metrics.ts';
import { isoWeekKey } from '../src/domain/periods.ts';
import { provinceByCode } from '../src/domain/provinces.ts';
import { buildReport } from '../src/report/bulletin.ts';
import { exportRows } from '../src/snapshots/export.ts';
import { upsertUnits } from '../src/units/registry.ts';
import { benchDatabase } from './db.ts';
import { round } from './ingest.ts';
import { syntheticUnits } from './synthetic.ts';

const SUB = [
  'DOSSIER_SYNC',
  'PUBLISH_ON_TIME',
  'SO_HOA_GIAY_TO_GIAI_QUYET',
  'ORIGINAL_RESULT_AVAILABLE',
  'REUSED_DIGITIZED_DATA',
  'PETITION_PROCESSING_ON_TIME',
  'DOSSIER_RECEIVING_SATISFACTION',
  'ON_TIME',
  'OVERDUE',
  'ONLINE_PAYMENT_DOSSIER',
  'ONLINE_SUBMISSION',
  'ONLINE_PROVISION_FULL',
];
const MAX: Record<string, number> = { TOTAL: 100, CKMB: 18, TDGQ: 20, CLGQ: 12, TTTT: 10, MDHL: 18, MDSH: 22 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return round(median(times), 1);
}

export function benchConfig(yaml: string): Config {
  const file = parseConfigText(yaml, 'bench.yaml');
  const { province, ...rest } = file;
  const provinces =
    province === undefined ? [] : Array.isArray(province) ? province : province === 'all' ? [] : [province];
  return {
    ...rest,
    file: null,
    provinces,
    nationalMode: provinces.length > 1,
    env: {
      dataDir: '/tmp',
      databaseUrl: null,
      redisUrl: '',
      smtpUrl: null,
      mailFrom: 'x',
      dvcqgBaseUrl: 'http://127.0.0.1',
      httpDelayMs: 0,
      opsToken: null,
      port: 0,
      logLevel: 'silent',
      provincialClientId: null,
      provincialClientSecret: null,
      provincialUsername: null,
      provincialPassword: null,
      queuePrefix: 'chiso766',
      jobLockMs: 30000,
      shutdownGraceMs: 60000,
    },
  };
}

export async function benchHistory(serverUrl: string, opts: { weeks?: number; scale?: number } = {}) {
  const weeks = opts.weeks ?? 156;
  const code = 'H29';
  const p = provinceByCode(code);
  const units = syntheticUnits(p, opts.scale ?? 1);
  const { database, url, drop } = await benchDatabase(serverUrl);
  const db = database.db;
  try {
    await upsertUnits(
      db,
      [
        { code, kind: 'province', parentCode: null, provinceCode: code, name: `UBND Thành phố ${p.name}`, aliases: [] },
        ...units.map((u) => ({
          code: u.code,
          kind: u.group === 'AGENCY' ? ('department' as const) : ('commune' as const),
          parentCode: code,
          provinceCode: code,
          name: u.name,
          aliases: [],
        })),
      ],
      new Date('2024-01-01T00:00:00Z'),
    );
    // Weekly cycles, Monday 04:12 Asia/Ho_Chi_Minh, the year's figures drifting week to week.
    const start = new Date('2024-01-01T21:12:00Z').getTime() - 86400000;
    let state = units.map((u) => ({ ...u.groups }));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const lines: string[] = [];
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let lastCycle = { id: 0, captureId: 0, week: '', at: new Date(0) };
    for (let w = 0; w < weeks; w++) {
      const at = new Date(start + w * 7 * 86400000);
      const year = at.getUTCFullYear();
      const week = isoWeekKey(at);
      const cyc = await client.query<{ id: number }>(
        `insert into cycles (key, source, provinces, period_key, week, as_of, state) values ($1, 'dvcqg', $2, $3, $4, $5, 'complete') returning id`,
        [`bench-${week}-${w}`, code, `year-${year}`, week, at],
      );
      const cap = await client.query<{ id: number }>(
        `insert into captures (cycle_id, source, period_key, provinces, captured_at, state, requests_planned) values ($1, 'dvcqg', $2, $3, $4, 'complete', 8) returning id`,
        [cyc.rows[0]!.id, `year-${year}`, code, at],
      );
      const snap = await client.query<{ id: number }>(
        `insert into snapshots (capture_id, source, scope, period_key, captured_at, content_hash, observation_count) values ($1, 'dvcqg', $2, $3, $4, $5, 0), ($1, 'dvcqg', 'national', $3, $4, $6, 0) returning id`,
        [cap.rows[0]!.id, code, `year-${year}`, at, `h${w}`, `n${w}`],
      );
      const [provId, natId] = [snap.rows[0]!.id, snap.rows[1]!.id];
      state = state.map((g) =>
        Object.fromEntries(
          Object.entries(g).map(([k, v]) => [
            k,
            Math.max(0, Math.min(MAX[k]!, Math.round((v + (rand() - 0.52) * 0.8) * 100) / 100)),
          ]),
        ),
      );
      const totals = state.map((g) => Math.round(Object.values(g).reduce((a, b) => a + b, 0) * 100) / 100);
      const order = totals.map((t, i) => ({ t, i })).sort((a, b) => b.t - a.t);
      const rank = new Map(order.map((o, r) => [o.i, r + 1]));
      units.forEach((u, i) => {
        lines.push(`${provId},${u.code},TOTAL,${totals[i]},100,${totals[i]},,,${rank.get(i)},,t,`);
        for (const g of GROUP_CODES)
          lines.push(
            `${provId},${u.code},${g},${state[i]![g]},${MAX[g]},${Math.round((state[i]![g]! / MAX[g]!) * 10000) / 100},,,,,t,`,
          );
        for (const m of SUB)
          lines.push(
            `${provId},${u.code},${m},,,${Math.round(rand() * 10000) / 100},${Math.round(rand() * 900)},1000,,,t,`,
          );
      });
      const pt = Math.round((totals.reduce((a, b) => a + b, 0) / totals.length) * 100) / 100;
      lines.push(`${provId},${code},TOTAL,${pt},100,${pt},,,,,t,`);
      for (const g of GROUP_CODES)
        lines.push(
          `${provId},${code},${g},${Math.round((state.reduce((s, x) => s + x[g]!, 0) / state.length) * 100) / 100},${MAX[g]},,,,,,t,`,
        );
      for (const m of SUB)
        lines.push(
          `${provId},${code},${m},,,${Math.round(rand() * 10000) / 100},${Math.round(rand() * 90000)},100000,,,t,`,
        );
      lines.push(`${natId},${code},TOTAL,${pt},100,${pt},,,${1 + Math.floor(rand() * 5)},,t,`);
      await client.query(`update snapshots set observation_count = $1 where id = $2`, [
        units.length * (7 + SUB.length) + 7 + SUB.length,
        provId,
      ]);
      lastCycle = { id: cyc.rows[0]!.id, captureId: cap.rows[0]!.id, week, at };
    }
    await new Promise<void>((resolve, reject) => {
      const s = client.query(
        copyFrom(
          'copy observations (snapshot_id, unit_code, metric, score, max_score, ratio, numerator, denominator, rank, peer_rank, present, quality) from stdin with (format csv)',
        ),
      );
      s.on('error', reject);
      s.on('finish', () => resolve());
      s.end(lines.join('\n') + '\n');
    });
    await client.query('analyze');
    await client.end();

    const config = benchConfig(
      `province: ${code}\nrules: { floor: { warnRatio: 60, criticalRatio: 50 }, weeklyDrop: { points: 1 }, consecutiveDeclines: { steps: 3, minPoints: 0.1 }, rankDrop: { places: 5 } }\n`,
    );
    const period = { type: 'year' as const, year: lastCycle.at.getUTCFullYear() };
    const evaluate_ms = await timed(5, () =>
      evaluateCycle(db, config, {
        cycle: { id: lastCycle.id, week: lastCycle.week, at: lastCycle.at },
        captureId: lastCycle.captureId,
        period,
      }),
    );
    const bulletin_ms = await timed(5, () =>
      buildReport(db, config, { cycle: 'latest', compareTo: 'previous', now: new Date() }, 'md'),
    );
    const series_ms = await timed(5, () => exportRows(db, { unit: units[units.length - 1]!.code }));
    return {
      province: code,
      units: units.length,
      weeks,
      observations: lines.length,
      evaluate_ms,
      bulletin_ms,
      series_ms,
    };
  } finally {
    await drop();
  }
}
