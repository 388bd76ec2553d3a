/**
 * "Không phát sinh": whether anything happened in a group for a unit in the period, read from the
 * portal's own counters. The portal encodes "no dossiers" as ordinary numbers (TDGQ 0/20 with
 * `totalReceived 0`, TTTT 0 with `totalDossierFinancialObligation 0`, `ratio 0` on 0/0 rows), so a
 * score alone cannot tell a unit that failed from a unit that had nothing to do. The one table
 * below decides it (docs/dvcqg-api.md §5.5); rules, digests and the bulletin all ask here.
 */
import { GROUP_CODES, metricDef, type GroupCode } from './metrics.ts';

/** `active`: something happened; `inactive`: every counter is 0; `unknown`: no counter to read. */
export type Activity = 'active' | 'inactive' | 'unknown';

export interface ActivityCounter {
  /** Stored metric code that carries the counter. */
  metric: string;
  field: 'numerator' | 'denominator';
  /** The portal's field name (for the docs and evidence). */
  portalField: string;
}

const RECEIVED: ActivityCounter = {
  metric: 'ON_TIME',
  field: 'denominator',
  portalField: 'dvc-progress-tree totalReceived',
};

/**
 * Per group, the counters that say "something happened": any of them above 0 = active.
 * A unit that received dossiers has something to publish, sync, digitise and have rated: its
 * CKMB, MDHL and MDSH figures are judged even when their own denominators are 0 (DOSSIER_SYNC 0/0
 * with dossiers received is dossiers not synced — a real fall). Only TTTT can be "không phát sinh"
 * for a unit with dossiers: none of them carried a fee. CLGQ has no counters on unit rows
 * (provide-online-tree children carry scores only): the received dossiers stand in.
 */
export const ACTIVITY_COUNTERS: Readonly<Record<GroupCode, readonly ActivityCounter[]>> = {
  CKMB: [
    RECEIVED,
    { metric: 'DOSSIER_SYNC', field: 'denominator', portalField: 'transparency DOSSIER_SYNC.denominator' },
  ],
  TDGQ: [RECEIVED],
  CLGQ: [{ ...RECEIVED, portalField: 'dvc-progress-tree totalReceived (provide-online-tree has no unit counters)' }],
  TTTT: [
    {
      metric: 'ONLINE_PAYMENT_DOSSIER',
      field: 'denominator',
      portalField: 'formality-online-payment-tree totalDossierFinancialObligation',
    },
    {
      metric: 'FEE_FORMALITY_WITH_DOSSIER',
      field: 'numerator',
      portalField: 'formality-online-payment-tree totalFeeDossierFormality',
    },
  ],
  MDHL: [
    RECEIVED,
    {
      metric: 'DOSSIER_RECEIVING_SATISFACTION',
      field: 'denominator',
      portalField: 'handling-satisfaction totalDossiers',
    },
    {
      metric: 'PETITION_PROCESSING_ON_TIME',
      field: 'denominator',
      portalField: 'handling-satisfaction totalPetitions',
    },
  ],
  MDSH: [
    RECEIVED,
    {
      metric: 'ORIGINAL_RESULT_AVAILABLE',
      field: 'denominator',
      portalField: 'dossier-digitized ORIGINAL_RESULT_AVAILABLE.denominator',
    },
    {
      metric: 'SO_HOA_GIAY_TO_GIAI_QUYET',
      field: 'denominator',
      portalField: 'dossier-digitized SO_HOA_GIAY_TO_GIAI_QUYET.denominator',
    },
    {
      metric: 'REUSED_DIGITIZED_DATA',
      field: 'denominator',
      portalField: 'dossier-digitized REUSED_DIGITIZED_DATA.denominator',
    },
    {
      metric: 'SYNCED_WITH_DVCQG_PERSONAL_STORAGE',
      field: 'denominator',
      portalField: 'dossier-digitized SYNCED_WITH_DVCQG_PERSONAL_STORAGE.denominator',
    },
    {
      metric: 'CITIZEN_DATA_CONNECTED_DOSSIER',
      field: 'denominator',
      portalField: 'dossier-digitized CITIZEN_DATA_CONNECTED_DOSSIER.denominator',
    },
  ],
};

/** The counters of one observation as the activity table reads them. */
export interface CounterPoint {
  present: boolean;
  numerator?: number | null;
  denominator?: number | null;
}

/** Reads one stored observation of the unit (undefined when there is none). */
export type CounterLookup = (metric: string) => CounterPoint | undefined;

export function groupActivity(group: GroupCode, lookup: CounterLookup): Activity {
  let known = false;
  for (const c of ACTIVITY_COUNTERS[group]) {
    const o = lookup(c.metric);
    if (!o || !o.present) continue;
    const v = o[c.field];
    if (v === null || v === undefined) continue;
    known = true;
    if (v > 0) return 'active';
  }
  return known ? 'inactive' : 'unknown';
}

export interface UnitActivity {
  /** The unit as a whole: `inactive` = "không phát sinh hồ sơ" (every known group inactive). */
  unit: Activity;
  groups: Readonly<Record<GroupCode, Activity>>;
  /** Groups with no activity (their points say nothing about the unit's work). */
  inactiveGroups: GroupCode[];
}

export function unitActivity(lookup: CounterLookup): UnitActivity {
  const groups = Object.fromEntries(GROUP_CODES.map((g) => [g, groupActivity(g, lookup)])) as Record<
    GroupCode,
    Activity
  >;
  const values = Object.values(groups);
  const unit: Activity = values.includes('active') ? 'active' : values.includes('inactive') ? 'inactive' : 'unknown';
  return { unit, groups, inactiveGroups: GROUP_CODES.filter((g) => groups[g] === 'inactive') };
}

/** A metric's activity: TOTAL → the unit's, a group → its own, a sub-metric → its group's. */
export function metricActivity(a: UnitActivity, metric: string): Activity {
  if (metric === 'TOTAL') return a.unit;
  const g = metricDef(metric)?.group;
  return g ? a.groups[g] : 'unknown';
}

/** How figures explained by "không phát sinh" are judged (`rules.noActivity`). */
export type NoActivityPolicy = 'skip' | 'note';

export const NO_ACTIVITY_LABEL = 'Không phát sinh hồ sơ';
/** For one group: "không phát sinh" (no dossiers of that kind in the period). */
export const NO_GROUP_ACTIVITY_LABEL = 'Không phát sinh';
