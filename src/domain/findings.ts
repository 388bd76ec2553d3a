/**
 * What a rule finds and an alert records: the shared vocabulary of rules/ (pure, which produce
 * findings) and alerts/ (which turn them into alerts with a life).
 */

export type Severity = 'info' | 'warn' | 'critical';
/** indicator: a unit's figures (to the unit); source: data health (to ops); discrepancy: two portals disagree. */
export type AlertKind = 'indicator' | 'source' | 'discrepancy';

export interface Finding {
  rule: string;
  kind: AlertKind;
  unitCode: string | null;
  metric: string | null;
  periodKey: string | null;
  /** Event alerts belong to one week (`2026-W48`); state alerts have none. */
  week: string | null;
  severity: Severity;
  value: number | null;
  previous: number | null;
  threshold: number | null;
  message: string;
  evidence: Record<string, unknown>;
  /** Hysteresis: keeps an open alert open, never opens one. */
  holdOnly?: boolean;
}

/** The cycle a finding is applied in: its id, ISO week and the time of the evaluation. */
export interface CycleRef {
  id: number;
  week: string;
  at: Date;
}
