/**
 * Well-formed but impossible answers are drift, not facts. A schema says a field is a number; this
 * says the number can be true: a score within 0 and its maximum, a ratio within 0–100, a numerator
 * not above its denominator, only units of the province asked for, and at least one unit. A body
 * that fails is archived as evidence and stopped like malformed JSON (`source.drift` for ops),
 * so nothing impossible is stored as an observation or e-mailed to a unit.
 */
import { GROUP_CODES, metricDef } from '../../domain/metrics.ts';
import type { Endpoint } from './endpoints.ts';
import type {
  NationalData,
  PaymentTreeData,
  ProgressTreeData,
  ProvideOnlineTreeData,
  ProvinceSummaryData,
  ShapeAData,
  ShapeARow,
} from './schemas.ts';
import { DriftError } from '../drift.ts';

/** The portal rounds to 2 decimals: a hundredth of slack on bounds. */
const EPS = 0.01;

class Checker {
  constructor(
    private readonly requestKey: string,
    private readonly province: string | null,
  ) {}

  fail(path: string, detail: string): never {
    throw new DriftError(this.requestKey, path, `impossible figure: ${detail}`);
  }

  score(v: number | null | undefined, max: number | null | undefined, path: string): void {
    if (v === null || v === undefined) return;
    if (v < -EPS) this.fail(path, `score ${v} is below 0`);
    if (max !== null && max !== undefined && v > max + EPS) this.fail(path, `score ${v} is above its maximum ${max}`);
  }

  ratio(v: number | null | undefined, path: string): void {
    if (v === null || v === undefined) return;
    if (v < -EPS || v > 100 + EPS) this.fail(path, `ratio ${v} is outside 0–100`);
  }

  counter(n: number | null | undefined, d: number | null | undefined, path: string): void {
    if (n !== null && n !== undefined && n < 0) this.fail(`${path}`, `count ${n} is below 0`);
    if (d !== null && d !== undefined && d < 0) this.fail(`${path}`, `count ${d} is below 0`);
    if (n !== null && n !== undefined && d !== null && d !== undefined && n > d)
      this.fail(path, `numerator ${n} is above denominator ${d}`);
  }

  /** A unit of another province in this province's answer. */
  unit(code: string | undefined, path: string): void {
    if (!code || !this.province) return;
    if (!code.startsWith(`${this.province}.`)) this.fail(path, `unit ${code} is not a unit of ${this.province}`);
  }

  notEmpty(rows: readonly unknown[], path: string): void {
    if (rows.length === 0) this.fail(path, `no unit in the list of ${this.province ?? 'the country'}`);
  }

  shapeARow(row: ShapeARow, path: string, isUnit: boolean): void {
    this.score(row.totalScore, row.totalMaxScore, `${path}.totalScore`);
    this.ratio(row.ratio, `${path}.ratio`);
    if (isUnit) this.unit(row.departmentCode, `${path}.departmentCode`);
    row.metrics.forEach((m, i) => {
      const at = `${path}.metrics[${i}]`;
      this.score(m.score, m.maxScore, `${at}.score`);
      this.ratio(m.ratio, `${at}.ratio`);
      this.counter(m.numerator, m.denominator, `${at}.numerator`);
    });
  }
}

export function checkPlausible(requestKey: string, endpoint: Endpoint, scope: string, data: unknown): void {
  const province = scope === 'national' ? null : scope;
  const c = new Checker(requestKey, province);
  switch (endpoint) {
    case 'service-results': {
      if (!province) {
        const d = data as NationalData;
        d.evaluation.forEach((r, i) => {
          c.score(r.totalScore, 100, `$.data.evaluation[${i}].totalScore`);
          for (const g of GROUP_CODES)
            c.score(r.groupScores[g], metricDef(g)!.max, `$.data.evaluation[${i}].groupScores.${g}`);
        });
        return;
      }
      const d = data as ProvinceSummaryData;
      c.notEmpty(d.evaluation, '$.data.evaluation');
      c.score(d.overview.totalScore, d.overview.totalMaxScore, '$.data.overview.totalScore');
      d.evaluation.forEach((r, i) => {
        c.score(r.totalScore, 100, `$.data.evaluation[${i}].totalScore`);
        c.ratio(r.ratio, `$.data.evaluation[${i}].ratio`);
        c.unit(r.departmentCode, `$.data.evaluation[${i}].departmentCode`);
      });
      return;
    }
    case 'transparency':
    case 'handling-satisfaction':
    case 'dossier-digitized': {
      const d = data as ShapeAData;
      c.shapeARow(d.overview, '$.data.overview', false);
      c.notEmpty(d.evaluation, '$.data.evaluation');
      d.evaluation.forEach((r, i) => c.shapeARow(r, `$.data.evaluation[${i}]`, true));
      return;
    }
    case 'dvc-progress-tree': {
      const d = data as ProgressTreeData;
      c.score(d.parent.totalScore, d.parent.totalMaxScore, '$.data.parent.totalScore');
      c.counter(d.parent.totalOnTime, d.parent.totalReceived, '$.data.parent.totalOnTime');
      c.notEmpty(d.children, '$.data.children');
      d.children.forEach((r, i) => {
        const at = `$.data.children[${i}]`;
        c.score(r.score, r.maxScore, `${at}.score`);
        c.ratio(r.ratio, `${at}.ratio`);
        c.counter(r.totalOnTime, r.totalReceived, `${at}.totalOnTime`);
        c.counter(r.totalOverdue, r.totalReceived, `${at}.totalOverdue`);
        c.unit(r.departmentCode, `${at}.departmentCode`);
      });
      return;
    }
    case 'provide-online-tree': {
      const d = data as ProvideOnlineTreeData;
      c.score(d.parent.totalScore, d.parent.totalMaxScore, '$.data.parent.totalScore');
      c.counter(d.parent.channelOnlineSum, d.parent.channelTotalSum, '$.data.parent.channelOnlineSum');
      c.counter(d.parent.fullCount, d.parent.authorityCount, '$.data.parent.fullCount');
      c.notEmpty(d.children, '$.data.children');
      d.children.forEach((r, i) => {
        c.score(r.totalScore, r.totalMaxScore, `$.data.children[${i}].totalScore`);
        c.ratio(r.ratio, `$.data.children[${i}].ratio`);
        c.unit(r.departmentCode, `$.data.children[${i}].departmentCode`);
      });
      return;
    }
    case 'formality-online-payment-tree': {
      const d = data as PaymentTreeData;
      const row = (r: PaymentTreeData['parent'], at: string) => {
        c.score(r.totalScore, r.totalMaxScore, `${at}.totalScore`);
        c.ratio(r.ratio, `${at}.ratio`);
        c.counter(
          r.totalDossierOnlinePaymentSuccess,
          r.totalDossierFinancialObligation,
          `${at}.totalDossierOnlinePaymentSuccess`,
        );
        c.counter(
          r.totalDossierOnlineFormalityPaymentSuccess,
          r.totalFeeFormality,
          `${at}.totalDossierOnlineFormalityPaymentSuccess`,
        );
        c.counter(r.totalFeeDossierFormality, r.totalFeeFormality, `${at}.totalFeeDossierFormality`);
      };
      row(d.parent, '$.data.parent');
      c.notEmpty(d.children, '$.data.children');
      d.children.forEach((r, i) => {
        row(r, `$.data.children[${i}]`);
        c.unit(r.departmentCode, `$.data.children[${i}].departmentCode`);
      });
      return;
    }
  }
}
