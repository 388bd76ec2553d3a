#!/usr/bin/env node
// How demo/igate/H19/*.json were made: the three iGate statistics reports of a provincial DVC
// system for Đồng Nai, derived from the DVCQG capture of 2026-11-30 with realistic gaps — most units
// within a few points of the national figures, a few far off (the seed notice's "99,90 % vs 58,77 %"):
//   H19.08  digitisation 99,9 % locally vs ~half on DVCQG
//   H19.111 digitisation far higher locally
//   H19.05  25 % more dossiers received locally than DVCQG knows (not synced)
//   H19.106 online payments far higher locally
// The online-payment report carries names only (as in the reference), some with other casing and a
// "- tỉnh Đồng Nai" suffix, and one row for an agency the national registry does not know.
//   node demo/make-igate-H19.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, 'dvcqg/capture-2026-11-30');
const read = (f) => JSON.parse(readFileSync(path.join(src, f), 'utf8')).data;
const digit = read('dossier-digitized.H19.year-2026.json').evaluation;
const tree = read('dvc-progress-tree.H19.year-2026.json').children;
const pay = read('formality-online-payment-tree.H19.year-2026.json').children;
const r2 = (x) => Math.round(x * 100) / 100;

const digitization = digit.map((u, i) => {
  const m = u.metrics.find((x) => x.code === 'SO_HOA_GIAY_TO_GIAI_QUYET');
  const received = m.denominator + 5 + i;
  const pct =
    u.departmentCode === 'H19.08'
      ? 99.9
      : u.departmentCode === 'H19.111'
        ? Math.min(99, m.ratio + 35)
        : Math.min(99.5, m.ratio + 2.5);
  const having = Math.round((pct / 100) * received);
  return {
    agency: {
      id: `60b87fb59adb921904a0${String(100 + i).padStart(4, '0')}`,
      code: u.departmentCode,
      name: u.departmentName.replace('thành phố Đồng Nai', 'tỉnh Đồng Nai'),
    },
    totalReceiver: received,
    totalReceiverHavingFile: having,
    totalComplete: Math.round(received * 0.9),
    totalCompleteHavingFile: Math.round(having * 0.9),
    percentTotalReceiverHavingFile: r2((having / received) * 100),
  };
});

const dossier = {
  content: tree.map((u, i) => {
    const received =
      u.departmentCode === 'H19.05' ? Math.round(u.totalReceived * 1.25) : Math.round(u.totalReceived * 1.02);
    return {
      agency: {
        id: `60b87fb59adb921904a0${String(100 + i).padStart(4, '0')}`,
        code: u.departmentCode,
        name: u.departmentName,
      },
      received,
      receivedOnline: Math.round(received * 0.96),
      receivedDirect: received - Math.round(received * 0.96),
      resolved: u.totalReceived - Math.round(u.totalReceived * 0.1),
      resolvedOverdue: u.totalOverdue,
      unresolvedOverdue: 0,
    };
  }),
  totalElements: tree.length,
  totalPages: 1,
  number: 0,
  size: 500,
};

const rename = (name, i) => {
  // Names only, as people type them: other casing, a province suffix, "UBND" dropped.
  if (i % 3 === 0) return name.replace(' - thành phố Đồng Nai', ' - tỉnh Đồng Nai');
  if (i % 3 === 1) return name.replace(/^UBND /, 'Ủy ban nhân dân ').toLocaleUpperCase('vi');
  return name;
};
const online = pay.map((u, i) => {
  const total = u.totalDossierFinancialObligation;
  const paid =
    u.departmentCode === 'H19.106'
      ? Math.min(total, Math.round(total * 0.99))
      : Math.min(total, u.totalDossierOnlinePaymentSuccess + 3);
  return {
    agency_name: rename(u.departmentName, i),
    phatsinh_1phan_quantity: 0,
    phatsinh_toanphan_quantity: total,
    datiepnhan_quantity: total,
    hoanthanh_quantity: total,
    onlinepaid_quantity: paid,
    total,
  };
});
online.push({
  agency_name: 'Trung tâm Phục vụ hành chính công tỉnh',
  phatsinh_1phan_quantity: 0,
  phatsinh_toanphan_quantity: 12,
  datiepnhan_quantity: 12,
  hoanthanh_quantity: 12,
  onlinepaid_quantity: 12,
  total: 12,
});

const out = path.join(here, 'igate/H19');
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'digitization.json'), JSON.stringify(digitization, null, 2) + '\n');
writeFileSync(path.join(out, 'dossier.json'), JSON.stringify(dossier, null, 2) + '\n');
writeFileSync(path.join(out, 'online.json'), JSON.stringify(online, null, 2) + '\n');
console.log(`wrote ${out}`);
