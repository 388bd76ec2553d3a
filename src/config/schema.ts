/**
 * The config file's shape (chiso766.yaml), with defaults, as zod schemas. Validation messages say
 * what is allowed; the loader adds the file name and the key path.
 */
import { validateDetailed } from 'node-cron';
import { z } from 'zod';
import { GROUP_CODES, isMetricCode } from '../domain/metrics.ts';
import { isValidTimeZone, parseCalendarDate, parseWeeklyTime } from '../domain/periods.ts';
import { PROVINCE_CODES } from '../domain/provinces.ts';

const SAMPLE_UNIT_CODE = 'H19.101';

const provinceCode = z.string().refine((v) => PROVINCE_CODES.includes(v), {
  error: (issue) => `"${String(issue.input)}" is not one of the 34 province codes (${PROVINCE_CODES.join(', ')})`,
});

const email = z.string().refine((v) => z.email().safeParse(v).success, {
  error: (issue) => `"${String(issue.input)}" is not an e-mail address (expected name@domain)`,
});

/** An address that may carry the `{code}` placeholder, checked with a sample unit code filled in. */
const emailTemplate = z.string().refine((v) => z.email().safeParse(v.replaceAll('{code}', SAMPLE_UNIT_CODE)).success, {
  error: (issue) => `"${String(issue.input)}" is not an e-mail address (expected name@domain; {code} is allowed)`,
});

const metricCode = z.string().refine(isMetricCode, {
  error: (issue) =>
    `"${String(issue.input)}" is not a metric code (TOTAL, ${GROUP_CODES.join(', ')} or a portal sub-metric such as DOSSIER_SYNC)`,
});

/** A unit code (`H19.07`) or a glob on codes (`H19.1*`). */
const unitPattern = z
  .string()
  .regex(/^[A-Za-z0-9.*?]+$/, 'expected a unit code such as H19.07 or a pattern such as H19.1*');

const isoDate = z.string().refine((v) => parseCalendarDate(v) !== null, {
  error: (issue) => `"${String(issue.input)}" is not a date (YYYY-MM-DD, a day of the calendar)`,
});

const percent = z.number().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100');
const nonNegative = z.number().min(0, 'must be 0 or more');
const metricList = z.array(metricCode).min(1, 'list at least one metric');

const cronExpression = z.string().superRefine((v, ctx) => {
  const r = validateDetailed(v);
  if (!r.valid) {
    const detail = r.errors.map((e) => e.message).join('; ');
    ctx.addIssue({
      code: 'custom',
      message: `"${v}" is not a valid cron expression (${detail}); e.g. "0 4 * * 1" = Monday 04:00`,
    });
  }
});

const timezone = z.string().refine(isValidTimeZone, {
  error: (issue) => `"${String(issue.input)}" is not an IANA time zone (e.g. Asia/Ho_Chi_Minh)`,
});

const weeklyTime = z.string().refine((v) => parseWeeklyTime(v) !== null, {
  error: (issue) => `"${String(issue.input)}" is not a weekly time (expected e.g. "Tue 04:00")`,
});

const floorFields = {
  metrics: metricList,
  warnRatio: percent,
  criticalRatio: percent,
  resolveMargin: nonNegative,
};
const weeklyDropFields = { metrics: metricList, points: z.number().positive('must be more than 0') };
const consecutiveDeclinesFields = {
  metrics: metricList,
  steps: z.number().int('must be a whole number').min(1, 'must be 1 or more'),
  minPoints: nonNegative,
};
const rankDropFields = {
  places: z.number().int('must be a whole number').min(1, 'must be 1 or more'),
  scope: z.enum(['province', 'peer'], {
    error: 'must be "province" (among all units) or "peer" (departments / communes)',
  }),
};

/** Optional fields without defaults: for `overrides`, where an absent key means "as the base rule". */
function partialOf<T extends z.ZodRawShape>(fields: T) {
  return z.object(fields).partial().strict();
}

export const floorRule = z
  .object({
    metrics: floorFields.metrics.default(['TOTAL']),
    warnRatio: floorFields.warnRatio.default(60),
    criticalRatio: floorFields.criticalRatio.default(50),
    resolveMargin: floorFields.resolveMargin.default(1),
  })
  .strict();

export const weeklyDropRule = z
  .object({ metrics: weeklyDropFields.metrics.default(['TOTAL']), points: weeklyDropFields.points.default(5) })
  .strict();

export const consecutiveDeclinesRule = z
  .object({
    metrics: consecutiveDeclinesFields.metrics.default(['TOTAL']),
    steps: consecutiveDeclinesFields.steps.default(2),
    minPoints: consecutiveDeclinesFields.minPoints.default(0.5),
  })
  .strict();

export const rankDropRule = z
  .object({ places: rankDropFields.places.default(10), scope: rankDropFields.scope.default('province') })
  .strict();

const targetRule = z.object({ unit: unitPattern, metric: metricCode.default('TOTAL'), value: nonNegative }).strict();

const overrideRule = z
  .object({
    unit: unitPattern,
    floor: partialOf(floorFields).optional(),
    weeklyDrop: partialOf(weeklyDropFields).optional(),
    consecutiveDeclines: partialOf(consecutiveDeclinesFields).optional(),
    rankDrop: partialOf(rankDropFields).optional(),
  })
  .strict();

export const rulesSchema = z
  .object({
    floor: floorRule.default(floorRule.parse({})),
    weeklyDrop: weeklyDropRule.default(weeklyDropRule.parse({})),
    consecutiveDeclines: consecutiveDeclinesRule.default(consecutiveDeclinesRule.parse({})),
    rankDrop: rankDropRule.default(rankDropRule.parse({})),
    target: z.array(targetRule).default([]),
    overrides: z.array(overrideRule).default([]),
    reconciliation: z
      .object({ tolerancePoints: nonNegative.default(10) })
      .strict()
      .default({ tolerancePoints: 10 }),
    /**
     * Figures explained by "không phát sinh" (no dossiers in the period) are never judged as low
     * scores. `skip`: nothing is said; `note`: the unit is told, as information, that it had none.
     */
    noActivity: z
      .enum(['skip', 'note'], {
        error: 'must be "skip" (not judged, nothing sent) or "note" (not judged; the unit is told it had no dossiers)',
      })
      .default('skip'),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.floor.criticalRatio > r.floor.warnRatio && r.floor.warnRatio !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['floor', 'criticalRatio'],
        message: `must not be above warnRatio (${r.floor.warnRatio}); use warnRatio: 0 to disable the warning level`,
      });
    }
  });

const recipientSchema = z
  .object({
    unit: unitPattern,
    to: z.array(emailTemplate).min(1, 'list at least one address'),
    cc: z.array(emailTemplate).default([]),
    from: isoDate.optional(),
    until: isoDate.optional(),
  })
  .strict();

const provincialSchema = z
  .object({
    vendor: z.enum(['igate', 'opencps', 'html'], { error: 'must be igate, opencps or html' }),
    baseUrl: z.url({ error: 'must be a URL such as https://apidvc.tinh.gov.vn' }),
    tokenUrl: z.url({ error: 'must be a URL' }).optional(),
    agencyId: z.string().optional(),
    groupId: z.string().optional(),
    /** html vendor: page path and how to read the table. */
    html: z
      .object({
        path: z.string(),
        table: z.string().default('table'),
        row: z.string().default('tbody tr'),
        unitCodeColumn: z.number().int().min(0).optional(),
        unitNameColumn: z.number().int().min(0).optional(),
        columns: z.record(z.string(), z.number().int().min(0)),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * The frame of the notice (Thông báo, Nghị định 30/2020/NĐ-CP) and of the e-mails to units: who
 * issues it, its number symbol, place, signer, recipients; the contact units write back to.
 * Unset fields are derived from the province (e.g. "UBND TỈNH ĐỒNG NAI", "VĂN PHÒNG", "TB-VP").
 */
const bulletinSchema = z
  .object({
    /** Cơ quan chủ quản, upper case: "UBND TỈNH ĐỒNG NAI". */
    issuingBody: z.string().min(1).optional(),
    /** Cơ quan ban hành, upper case: "VĂN PHÒNG". */
    office: z.string().min(1).default('VĂN PHÒNG'),
    /** The office in sentences: "Văn phòng UBND tỉnh". */
    officeName: z.string().min(1).default('Văn phòng UBND tỉnh'),
    /** Số ký hiệu after the number the văn thư fills in: "TB-VP" → "Số:      /TB-VP". */
    symbol: z.string().min(1).default('TB-VP'),
    /** Địa danh before the date: "Đồng Nai". */
    place: z.string().min(1).optional(),
    signer: z
      .object({
        /** One line each: "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG". */
        titles: z
          .array(z.string().min(1))
          .min(1, 'list at least one title line')
          .default(['KT. CHÁNH VĂN PHÒNG', 'PHÓ CHÁNH VĂN PHÒNG']),
        name: z.string().default(''),
      })
      .strict()
      .default({ titles: ['KT. CHÁNH VĂN PHÒNG', 'PHÓ CHÁNH VĂN PHÒNG'], name: '' }),
    /** Nơi nhận, one line each. */
    recipients: z
      .array(z.string().min(1))
      .default([
        'CT, các PCT UBND tỉnh;',
        'Các sở, ban, ngành;',
        'UBND các xã, phường, đặc khu;',
        'LĐVP; các phòng, ban, trung tâm;',
        'Lưu: VT.',
      ]),
    /** The province's own target decision, if any: "Quyết định số 422/QĐ-UBND ngày 26/02/2025 của Chủ tịch UBND tỉnh". */
    targetDecision: z.string().min(1).optional(),
    /** Who units contact about their figures (in every e-mail): "Phòng Kiểm soát TTHC, ĐT 0251 3822 xxx, kstthc@dongnai.gov.vn". */
    contact: z.string().min(1).optional(),
    /** Units report back within this many days (an e-mail says by which date), and where. */
    replyByDays: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be 1 or more')
      .max(60, 'must be 60 or less')
      .optional(),
    reportTo: z.string().min(1).optional(),
  })
  .strict();

const drilldownSchema = z
  .object({
    /** After evaluation, find the procedures and dossiers behind each new or escalated alert. */
    enabled: z.boolean().default(true),
    /** Per-procedure requests to DVCQG per cycle (the catalogue is fetched outside this budget). */
    maxRequestsPerCycle: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be 0 or more')
      .max(5000, 'must be 5000 or less')
      .default(200),
  })
  .strict();

export const fileSchema = z
  .object({
    province: z
      .union([z.literal('all'), provinceCode, z.array(provinceCode).min(1, 'list at least one province')])
      .optional(),
    period: z.enum(['year', 'quarter', 'month'], { error: 'must be year, quarter or month' }).default('year'),
    schedule: z
      .object({ cron: cronExpression.default('0 4 * * 1'), timezone: timezone.default('Asia/Ho_Chi_Minh') })
      .strict()
      .default({ cron: '0 4 * * 1', timezone: 'Asia/Ho_Chi_Minh' }),
    ops: z
      .object({ emails: z.array(email).default([]) })
      .strict()
      .default({ emails: [] }),
    recipients: z.array(recipientSchema).default([]),
    rules: rulesSchema.default(rulesSchema.parse({})),
    jobs: z
      .object({
        attempts: z
          .number()
          .int('must be a whole number')
          .min(1, 'must be 1 or more')
          .max(50, 'must be 50 or less')
          .default(5),
        backoffMs: z.number().int('must be a whole number').min(0, 'must be 0 or more').default(30000),
        fetchConcurrency: z
          .number()
          .int('must be a whole number')
          .min(1, 'must be 1 or more')
          .max(64, 'must be 64 or less')
          .default(1),
        keepFailedDays: z.number().int().min(1, 'must be 1 or more').default(30),
        freshness: z
          .object({
            recheckEveryMinutes: z.number().positive('must be more than 0').default(120),
            deadline: weeklyTime.default('Tue 04:00'),
          })
          .strict()
          .default({ recheckEveryMinutes: 120, deadline: 'Tue 04:00' }),
      })
      .strict()
      .default({
        attempts: 5,
        backoffMs: 30000,
        fetchConcurrency: 1,
        keepFailedDays: 30,
        freshness: { recheckEveryMinutes: 120, deadline: 'Tue 04:00' },
      }),
    mail: z
      .object({
        repeatEveryCycles: z.number().int('must be a whole number').min(1, 'must be 1 or more').default(4),
        /** How long temporary SMTP failures (refused, timeouts, 4xx) are retried before giving up. */
        retryForMinutes: z
          .number()
          .min(1, 'must be 1 or more')
          .max(10080, 'must be 10080 (a week) or less')
          .default(240),
      })
      .strict()
      .default({ repeatEveryCycles: 4, retryForMinutes: 240 }),
    portal: z
      .object({
        /** Who to contact about this client; goes into the User-Agent. */
        contact: z.string().default('https://github.com/chiso766/chiso766'),
        timeoutMs: z.number().int().min(1000, 'must be 1000 or more').default(45000),
      })
      .strict()
      .default({ contact: 'https://github.com/chiso766/chiso766', timeoutMs: 45000 }),
    provincial: provincialSchema.optional(),
    bulletin: bulletinSchema.default(bulletinSchema.parse({})),
    drilldown: drilldownSchema.default(drilldownSchema.parse({})),
  })
  .strict();

export type FileConfig = z.infer<typeof fileSchema>;
export type RulesConfig = z.infer<typeof rulesSchema>;
export type FloorRuleConfig = z.infer<typeof floorRule>;
export type ProvincialConfig = z.infer<typeof provincialSchema>;
export type BulletinConfig = z.infer<typeof bulletinSchema>;
export type DrilldownConfig = z.infer<typeof drilldownSchema>;
export type RecipientConfig = z.infer<typeof recipientSchema>;
