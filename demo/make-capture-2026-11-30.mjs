#!/usr/bin/env node
// How demo/dvcqg/capture-2026-11-30 was made: a third, synthetic weekly capture derived from
// capture-2026-11-23, with a few changes that exercise every rule, and every dependent figure
// recomputed so the capture stays internally consistent (unit total = sum of its groups, province
// group totals from the summed counters, the national row and radar from the province). It is kept
// for transparency; the demo and the tests read the committed JSON files, not this script.
//
//   node demo/make-capture-2026-11-30.mjs
//
// Changes (TOTAL 11-23 → 11-30):
//   H19.08  Sở Tư pháp        DOSSIER_SYNC reported again (CKMB back up)   63.95 → ≈69.9   (recovery)
//   H19.05  Sở Xây dựng       more overdue dossiers (TDGQ)                 55.20 → ≈54.1   (3rd fall in a row)
//   H19.12  Sở NN&MT          overdue dossiers cleared (TDGQ)              46.85 → ≈51.9   (back above 50 + margin)
//   H19.112 xã Đắk Ơ          on time again (TDGQ)                         41.25 → ≈50.6   (above 50, inside the margin)
//   H19.106 xã Lộc Ninh       overdue dossiers (TDGQ)                      62.75 → ≈56.4   (weekly drop)
//   H19.111 xã Bù Gia Mập     overdue dossiers (TDGQ)                      56.35 → ≈49.2   (weekly drop, below 50)
//   H19.109 xã Long Bình      back in provide-online-tree (CLGQ 7.36)      unchanged total (coverage restored)
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, 'dvcqg/capture-2026-11-23');
const dst = path.join(here, 'dvcqg/capture-2026-11-30');
const r2 = (x) => Math.round((x + Number.EPSILON * Math.sign(x)) * 100) / 100;
const read = (f) => JSON.parse(readFileSync(path.join(src, f), 'utf8'));
const files = {
  national: 'service-results.national.year-2026.json',
  summary: 'service-results.H19.year-2026.json',
  transparency: 'transparency.H19.year-2026.json',
  progress: 'dvc-progress-tree.H19.year-2026.json',
  online: 'provide-online-tree.H19.year-2026.json',
  payment: 'formality-online-payment-tree.H19.year-2026.json',
  satisfaction: 'handling-satisfaction.H19.year-2026.json',
  digitized: 'dossier-digitized.H19.year-2026.json',
};
const doc = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, read(f)]));
const deltas = new Map(); // unit code → TOTAL change
const addDelta = (code, d) => deltas.set(code, r2((deltas.get(code) ?? 0) + d));

// TDGQ: new on-time counts; score = 20 × onTime / received from the unrounded ratio.
const newScore = { 'H19.05': 9.59, 'H19.12': 13.34, 'H19.112': 18.45, 'H19.106': 5.98, 'H19.111': 4.9 };
const tree = doc.progress.data;
for (const c of tree.children) {
  const target = newScore[c.departmentCode];
  if (target === undefined) continue;
  const onTime = Math.round((target / 20) * c.totalReceived);
  const score = r2((20 * onTime) / c.totalReceived);
  addDelta(c.departmentCode, score - c.score);
  Object.assign(c, {
    totalOnTime: onTime,
    totalOverdue: c.totalReceived - onTime,
    ratio: r2((onTime / c.totalReceived) * 100),
    score,
  });
}
const p = tree.parent;
p.totalOnTime = tree.children.reduce((n, c) => n + c.totalOnTime, 0);
p.ratio = r2((p.totalOnTime / p.totalReceived) * 100);
const tdgqBefore = p.totalScore;
p.totalScore = r2((20 * p.totalOnTime) / p.totalReceived);
const provinceTdgqDelta = r2(p.totalScore - tdgqBefore);

// CKMB: H19.08's DOSSIER_SYNC is reported again; the province metric is the sum of the units'.
const t = doc.transparency.data;
const row08 = t.evaluation.find((r) => r.departmentId === '019d2be3-6a85-74ec-a343-0d323fc624a7');
const sync08 = row08.metrics.find((m) => m.code === 'DOSSIER_SYNC');
delete sync08.dataQualityStatus;
delete sync08.dataQualityMessage;
Object.assign(sync08, {
  numerator: 4650,
  denominator: 4712,
  ratio: r2((4650 / 4712) * 100),
  score: r2((6 * 4650) / 4712),
});
const ckmb08 = r2(row08.metrics.reduce((s, m) => s + (m.score ?? 0), 0));
addDelta('H19.08', ckmb08 - row08.totalScore);
Object.assign(row08, { totalScore: ckmb08, ratio: r2((ckmb08 / 18) * 100) });
const sync = t.overview.metrics.find((m) => m.code === 'DOSSIER_SYNC');
const syncRows = t.evaluation.map((r) => r.metrics.find((m) => m.code === 'DOSSIER_SYNC'));
sync.numerator = syncRows.reduce((n, m) => n + (m.numerator ?? 0), 0);
sync.denominator = syncRows.reduce((n, m) => n + (m.denominator ?? 0), 0);
sync.ratio = r2((sync.numerator / sync.denominator) * 100);
sync.score = r2((6 * sync.numerator) / sync.denominator);
const ckmbBefore = t.overview.totalScore;
t.overview.totalScore = r2(t.overview.metrics.reduce((s, m) => s + (m.score ?? 0), 0));
t.overview.ratio = r2((t.overview.totalScore / 18) * 100);
const provinceCkmbDelta = r2(t.overview.totalScore - ckmbBefore);

// CLGQ: H19.109 is listed again (its score was inferable: 63.80 − the five other groups).
const online = doc.online.data;
const ref = doc.summary.data.evaluation.find((e) => e.departmentCode === 'H19.109');
online.children.push({
  departmentId: ref.departmentId,
  departmentName: ref.departmentName,
  departmentCode: 'H19.109',
  level: 'COMMUNE',
  totalScore: 7.36,
  totalMaxScore: 12,
  ratio: r2((7.36 / 12) * 100),
  scoreDelta: null,
});
online.children.sort((a, b) => (a.departmentCode < b.departmentCode ? -1 : 1));

// Unit totals and the province summary (re-sorted by total, as the portal sorts it).
const summary = doc.summary.data;
for (const e of summary.evaluation) {
  const d = deltas.get(e.departmentCode);
  if (d) Object.assign(e, { totalScore: r2(e.totalScore + d), ratio: r2(e.totalScore + d) });
}
summary.evaluation.sort((a, b) => b.totalScore - a.totalScore);
for (const r of summary.radar) {
  if (r.code === 'CKMB') r.score = t.overview.totalScore;
  if (r.code === 'TDGQ') r.score = p.totalScore;
  r.ratio = r2((r.score / r.maxScore) * 100);
}
const provinceTotal = r2(summary.overview.totalScore + provinceCkmbDelta + provinceTdgqDelta);
Object.assign(summary.overview, { totalScore: provinceTotal, ratio: provinceTotal });

// The national ranking: H19's row, the order, the radar means and the national total.
const nat = doc.national.data;
const h19 = nat.evaluation.find((e) => e.departmentCode === 'H19');
h19.groupScores.CKMB = t.overview.totalScore;
h19.groupScores.TDGQ = p.totalScore;
h19.totalScore = provinceTotal;
h19.ratio = provinceTotal;
nat.evaluation.sort((a, b) => b.totalScore - a.totalScore);
const mean = (g) => r2(nat.evaluation.reduce((s, e) => s + e.groupScores[g], 0) / nat.evaluation.length);
for (const r of nat.radar) {
  r.score = r.code === 'ONLINE_SERVICE' ? r2(mean('CLGQ') + mean('TTTT')) : mean(r.code);
  r.ratio = r2((r.score / r.maxScore) * 100);
}
nat.overview.totalScore = r2(nat.radar.reduce((s, r) => s + r.score, 0));
nat.overview.ratio = nat.overview.totalScore;

// Write the files (pretty-printed like the other captures) and the manifest.
mkdirSync(dst, { recursive: true });
const manifest = JSON.parse(readFileSync(path.join(src, 'manifest.json'), 'utf8'));
manifest.capture = '2026-11-30';
for (const [k, f] of Object.entries(files)) {
  const text = JSON.stringify(doc[k], null, 2) + '\n';
  writeFileSync(path.join(dst, f), text);
  const e = manifest.entries.find((x) => x.file === f);
  e.capturedAt = e.capturedAt.replace('2026-11-23', '2026-11-30');
  e.bytes = Buffer.byteLength(text);
  e.sha256 = createHash('sha256').update(text).digest('hex');
}
writeFileSync(path.join(dst, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log('unit changes:', Object.fromEntries(deltas), 'province total:', provinceTotal);
