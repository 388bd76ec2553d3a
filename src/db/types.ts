/**
 * Typed table interfaces for Kysely. One interface per table, named after it; the migration in
 * migrations/ creates exactly these columns. `numeric` columns are read as JS numbers (parsers set
 * in connect.ts) and stored exactly by PostgreSQL; jsonb columns are written as JSON text.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type TimestampDefault = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb: read as parsed JSON, written as a JSON string (pg would turn JS arrays into SQL arrays). */
type Json<T> = ColumnType<T, string, string>;
type JsonNullable<T> = ColumnType<T | null, string | null | undefined, string | null>;

import type { Severity } from '../domain/findings.ts';
import type { UnitKind } from '../domain/units.ts';
import type { Outcome } from '../sources/http.ts';

export interface UnitsTable {
  code: string;
  kind: UnitKind;
  parent_code: string | null;
  province_code: string;
  name: string;
  first_seen_at: TimestampDefault;
  last_seen_at: TimestampDefault;
}

export interface UnitNamesTable {
  unit_code: string;
  name: string;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface UnitAliasesTable {
  /** `dvcqg` (2026 UUID), `dvcqg-legacy` (numeric ID), `provincial` (agency id). */
  system: string;
  alias: string;
  unit_code: string;
  first_seen_at: TimestampDefault;
}

export interface CyclesTable {
  id: Generated<number>;
  /** Deterministic: `cycle-dvcqg-H19-year2026-2026W47` (also the BullMQ flow's job id prefix). */
  key: string;
  source: string;
  provinces: string;
  period_key: string;
  week: string;
  as_of: Timestamp;
  forced: Generated<boolean>;
  /** running | complete | failed | stale */
  state: string;
  created_at: TimestampDefault;
  finished_at: Date | null;
  summary: JsonNullable<Record<string, unknown>>;
}

export interface CapturesTable {
  id: Generated<number>;
  cycle_id: number | null;
  source: string;
  period_key: string;
  provinces: string;
  captured_at: Timestamp;
  /** 1 for the cycle's first capture, then one more per freshness re-check. */
  attempt: Generated<number>;
  /** running | complete | unchanged | failed */
  state: string;
  requests_planned: number;
  created_at: TimestampDefault;
  finished_at: Date | null;
}

export interface RawPayloadsTable {
  id: Generated<number>;
  capture_id: number;
  /** `service-results.national`, `transparency.H19`, `transparency.H19.p2` … */
  request_key: string;
  scope: string;
  endpoint: string;
  method: string;
  url: string;
  request_body: string | null;
  request_headers: Json<Record<string, string>>;
  status: number | null;
  response_headers: Json<Record<string, string>>;
  body: Uint8Array | null;
  /** 'identity' or 'gzip' (migration 0002): use `rawBody()` to read the original bytes. */
  body_encoding: Generated<'identity' | 'gzip'>;
  sha256: string | null;
  outcome: Outcome;
  detail: string | null;
  attempt: number;
  fetched_at: Timestamp;
  duration_ms: number;
}

export interface SnapshotsTable {
  id: Generated<number>;
  capture_id: number;
  source: string;
  /** `national` or a province code. */
  scope: string;
  period_key: string;
  captured_at: Timestamp;
  content_hash: string;
  unchanged: Generated<boolean>;
  same_as_snapshot_id: number | null;
  observation_count: Generated<number>;
  meta: JsonNullable<Record<string, unknown>>;
  created_at: TimestampDefault;
}

export interface ObservationsTable {
  snapshot_id: number;
  unit_code: string;
  metric: string;
  score: number | null;
  max_score: number | null;
  ratio: number | null;
  numerator: number | null;
  denominator: number | null;
  /** Among all units of the scope (national: among the 34 provinces). */
  rank: number | null;
  /** Among the unit's peers (departments or communes). */
  peer_rank: number | null;
  /** false = the unit was missing from the endpoint that gives this metric. */
  present: Generated<boolean>;
  quality: string | null;
}

export interface AlertsTable {
  id: Generated<number>;
  dedup_key: string;
  rule: string;
  /** indicator | source | discrepancy */
  kind: string;
  unit_code: string | null;
  metric: string | null;
  period_key: string | null;
  /** Event alerts belong to one week; null for state alerts. */
  week: string | null;
  severity: Severity;
  state: 'open' | 'resolved';
  silenced: Generated<boolean>;
  value: number | null;
  previous: number | null;
  threshold: number | null;
  message: string;
  evidence: Json<Record<string, unknown>>;
  opened_at: Timestamp;
  opened_cycle_id: number | null;
  last_cycle_id: number | null;
  updated_at: Timestamp;
  resolved_at: Date | null;
  resolved_cycle_id: number | null;
  resolution: string | null;
  last_notified_cycle_id: number | null;
}

export interface AlertEventsTable {
  id: Generated<number>;
  alert_id: number;
  cycle_id: number;
  /** opened | kept | escalated | deescalated | resolved | expired */
  event: string;
  severity: Severity;
  at: Timestamp;
}

export interface SilencesTable {
  id: Generated<number>;
  unit_pattern: string;
  rule: string | null;
  metric: string | null;
  until: Timestamp;
  reason: string;
  created_at: TimestampDefault;
  removed_at: Date | null;
}

export interface RecipientsTable {
  id: Generated<number>;
  unit_pattern: string;
  to_addresses: Json<string[]>;
  cc_addresses: Json<string[]>;
  valid_from: string | null;
  valid_until: string | null;
  source: string;
  line: number | null;
  imported_at: TimestampDefault;
}

export interface OutboxTable {
  id: Generated<number>;
  /** `digest|<recipient>|<cycle>`: one e-mail per recipient, cycle and kind. */
  dedup_key: string;
  cycle_id: number | null;
  kind: string;
  recipient_key: string;
  to_addresses: Json<string[]>;
  cc_addresses: Json<string[]>;
  subject: string;
  html: string;
  text: string;
  unit_codes: Json<string[]>;
  alert_ids: Json<number[]>;
  /** pending | sending | sent | failed */
  state: string;
  attempts: Generated<number>;
  created_at: TimestampDefault;
  sent_at: Date | null;
  message_id: string | null;
  last_error: string | null;
  /** Files attached to the e-mail (migration 0005): the drill-down's dossier list. */
  attachments: ColumnType<MailAttachment[], string | undefined, string>;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  /** The file, base64. */
  content: string;
}

export interface DeliveriesTable {
  id: Generated<number>;
  outbox_id: number;
  attempted_at: Timestamp;
  transport: string;
  /** sent | temporary | permanent */
  outcome: string;
  message_id: string | null;
  response: string | null;
  resend: Generated<boolean>;
  note: string | null;
}

/** One row: this database's own random id (part of every job id, see migrations/0004). */
export interface InstallationTable {
  id: string;
  created_at: TimestampDefault;
}

/** The national TTHC catalogue, cached (docs/drilldown.md §2). */
export interface FormalitiesTable {
  id: string;
  code: string;
  name: string;
  /** ACTIVE | UPDATED | INACTIVE */
  state: string;
  applied_department_ids: Json<string[]>;
  fetched_at: Timestamp;
}

/** One drill-down per cycle: what it asked, within which budget, and what it could not do. */
export interface DrilldownRunsTable {
  cycle_id: number;
  /** The capture holding its raw answers (evidence), apart from the cycle's snapshot captures. */
  capture_id: number | null;
  requests: number;
  budget: number;
  partial: boolean;
  /** The units drilled, with their fallen groups. */
  units: Json<{ code: string; groups: string[] }[]>;
  notes: Json<string[]>;
  created_at: TimestampDefault;
}

export interface DrilldownProceduresTable {
  cycle_id: number;
  unit_code: string;
  grp: string;
  metric: string;
  formality_code: string;
  formality_name: string;
  numerator: number;
  denominator: number;
  shortfall: number;
}

export interface DrilldownDossiersTable {
  cycle_id: number;
  unit_code: string;
  code: string;
  /** The DVCQG dossier code; null when the dossier is not synced. */
  nation_code: string | null;
  formality_code: string | null;
  formality_name: string | null;
  /** overdue | unsynced | unpaid */
  problem: string;
  received_at: Date | null;
  due_at: Date | null;
}

export interface DB {
  formalities: FormalitiesTable;
  drilldown_runs: DrilldownRunsTable;
  drilldown_procedures: DrilldownProceduresTable;
  drilldown_dossiers: DrilldownDossiersTable;
  installation: InstallationTable;
  units: UnitsTable;
  unit_names: UnitNamesTable;
  unit_aliases: UnitAliasesTable;
  cycles: CyclesTable;
  captures: CapturesTable;
  raw_payloads: RawPayloadsTable;
  snapshots: SnapshotsTable;
  observations: ObservationsTable;
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
  silences: SilencesTable;
  recipients: RecipientsTable;
  outbox: OutboxTable;
  deliveries: DeliveriesTable;
}

export type Cycle = Selectable<CyclesTable>;
export type Capture = Selectable<CapturesTable>;
export type Snapshot = Selectable<SnapshotsTable>;
export type Observation = Selectable<ObservationsTable>;
export type NewObservation = Insertable<ObservationsTable>;
export type Alert = Selectable<AlertsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type RawPayload = Selectable<RawPayloadsTable>;
