/**
 * zod schemas of the DVCQG 2026 responses (docs/dvcqg-api.md §5). They check what the parser
 * relies on — nothing more, so harmless additions by the portal pass, while a missing or retyped
 * field becomes `drift` with the JSON path that broke. `null` is accepted only where the portal
 * is observed to send it (§6).
 */
import { z } from 'zod';
import type { Endpoint } from './endpoints.ts';

const num = z.number();
const int = z.number().int();
const numOrNull = z.number().nullable();
const intOrNull = z.number().int().nullable();

export const envelope = z.object({
  code: z.literal('OK'),
  data: z.record(z.string(), z.unknown()),
  message: z.string().optional(),
});

const groupScores = z.object({ CKMB: num, TDGQ: num, CLGQ: num, TTTT: num, MDHL: num, MDSH: num });

export const nationalData = z.object({
  overview: z.object({ departmentName: z.string(), totalScore: num, totalMaxScore: num, ratio: numOrNull }),
  growthPercent: numOrNull.optional(),
  radar: z.array(z.object({ code: z.string(), score: numOrNull, maxScore: num })),
  evaluation: z
    .array(
      z.object({
        departmentId: z.string().min(1),
        departmentName: z.string(),
        departmentCode: z.string().min(1),
        totalScore: num,
        ratio: numOrNull,
        scoreDelta: numOrNull.optional(),
        groupScores,
      }),
    )
    .length(34, 'the national ranking must list the 34 provinces'),
});

export const provinceSummaryData = z.object({
  overview: z.object({
    departmentName: z.string(),
    departmentCode: z.string(),
    totalScore: num,
    totalMaxScore: num,
    ratio: numOrNull,
  }),
  radar: z.array(z.object({ code: z.string(), score: numOrNull, maxScore: num })),
  evaluation: z.array(
    z.object({
      departmentId: z.string().min(1),
      departmentName: z.string(),
      departmentCode: z.string().min(1),
      totalScore: num,
      ratio: numOrNull,
      childGroup: z.enum(['AGENCY', 'COMMUNE']),
    }),
  ),
});

const metric = z.object({
  code: z.string().min(1),
  name: z.string(),
  numerator: intOrNull,
  denominator: intOrNull,
  ratio: numOrNull,
  score: numOrNull,
  maxScore: num,
  dataQualityStatus: z.string().nullable().optional(),
  dataQualityMessage: z.string().nullable().optional(),
});
export type PortalMetric = z.infer<typeof metric>;

const shapeARow = z.object({
  departmentId: z.string().min(1),
  departmentName: z.string(),
  /** Only dossier-digitized carries it (§5.3). */
  departmentCode: z.string().optional(),
  departmentType: z.string().optional(),
  totalScore: num,
  totalMaxScore: num,
  ratio: numOrNull,
  metrics: z.array(metric),
});

export const shapeAData = z.object({
  overview: shapeARow,
  evaluation: z.array(shapeARow),
  pagination: z.object({ total: int, currentPage: int, pageSize: int, totalPages: int }),
});
export type ShapeARow = z.infer<typeof shapeARow>;

const treeRowBase = {
  departmentId: z.string().min(1),
  departmentName: z.string(),
  departmentCode: z.string().min(1),
};

export const progressTreeData = z.object({
  parent: z.object({
    ...treeRowBase,
    totalReceived: int,
    totalOnTime: int,
    ratio: numOrNull,
    totalScore: num,
    totalMaxScore: num,
  }),
  children: z.array(
    z.object({
      ...treeRowBase,
      totalReceived: int,
      totalOnTime: int,
      totalOverdue: int,
      ratio: numOrNull,
      score: num,
      maxScore: num,
    }),
  ),
});

export const provideOnlineTreeData = z.object({
  parent: z.object({
    ...treeRowBase,
    totalScore: num,
    totalMaxScore: num,
    ratio: numOrNull,
    authorityCount: int,
    fullCount: int,
    partialCount: int,
    channelOnlineSum: int,
    channelTotalSum: int,
  }),
  children: z.array(z.object({ ...treeRowBase, totalScore: num, totalMaxScore: num, ratio: numOrNull })),
});

const paymentCounters = {
  totalScore: num,
  totalMaxScore: num,
  ratio: numOrNull,
  totalDossierOnlinePaymentSuccess: int,
  totalDossierFinancialObligation: int,
  totalDossierOnlineFormalityPaymentSuccess: int,
  totalFeeDossierFormality: int,
  totalFeeFormality: int,
};

export const paymentTreeData = z.object({
  parent: z.object({ ...treeRowBase, ...paymentCounters }),
  children: z.array(z.object({ ...treeRowBase, ...paymentCounters })),
});

/** The schema that validates `data` for an endpoint and scope. */
export function dataSchemaFor(endpoint: Endpoint, scope: string): z.ZodType {
  switch (endpoint) {
    case 'service-results':
      return scope === 'national' ? nationalData : provinceSummaryData;
    case 'transparency':
    case 'handling-satisfaction':
    case 'dossier-digitized':
      return shapeAData;
    case 'dvc-progress-tree':
      return progressTreeData;
    case 'provide-online-tree':
      return provideOnlineTreeData;
    case 'formality-online-payment-tree':
      return paymentTreeData;
  }
}

export type NationalData = z.infer<typeof nationalData>;
export type ProvinceSummaryData = z.infer<typeof provinceSummaryData>;
export type ShapeAData = z.infer<typeof shapeAData>;
export type ProgressTreeData = z.infer<typeof progressTreeData>;
export type ProvideOnlineTreeData = z.infer<typeof provideOnlineTreeData>;
export type PaymentTreeData = z.infer<typeof paymentTreeData>;
