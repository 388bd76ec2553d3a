/**
 * VNPT iGate ("digo") statistics, per agency (docs/provincial-portals.md §1). OpenID Connect on
 * Keycloak: a client-credentials or password grant; the token is cached until shortly before it
 * expires and refreshed once on a 401. Secrets come from the environment only and never reach a
 * log, an output or the raw archive (the token exchange is not archived).
 */
import { z } from 'zod';
import type { PortalHttp, PortalRequest, PortalResponse } from '../http.ts';

export interface IgateCredentials {
  clientId: string | null;
  clientSecret: string | null;
  username: string | null;
  password: string | null;
}

export class ProvincialAuthError extends Error {
  readonly exitCode = 1;
}

const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive().optional() });

export class IgateTokenClient {
  private token: { value: string; expiresAt: number } | null = null;

  constructor(
    private readonly http: PortalHttp,
    private readonly tokenUrl: string,
    private readonly creds: IgateCredentials,
    private readonly now: () => number = Date.now,
  ) {}

  private form(): string {
    const { clientId, clientSecret, username, password } = this.creds;
    if (username && password) {
      return new URLSearchParams({ grant_type: 'password', client_id: clientId ?? 'web-public', username, password, ...(clientSecret ? { client_secret: clientSecret } : {}) }).toString();
    }
    if (clientId && clientSecret) return new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString();
    throw new ProvincialAuthError('provincial credentials missing: set CHISO766_PROVINCIAL_CLIENT_ID + CHISO766_PROVINCIAL_CLIENT_SECRET, or CHISO766_PROVINCIAL_USERNAME + CHISO766_PROVINCIAL_PASSWORD');
  }

  async get(force = false): Promise<string> {
    // Renew 60 s before expiry so a long capture never uses a token that dies mid-request.
    if (!force && this.token && this.now() < this.token.expiresAt - 60_000) return this.token.value;
    const res = await this.http.fetch({ method: 'POST', url: this.tokenUrl, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: this.form() });
    if (res.outcome !== 'ok') throw new ProvincialAuthError(`token request to ${new URL(this.tokenUrl).host} failed: ${res.detail ?? `HTTP ${res.status}`}`);
    let parsed: z.infer<typeof tokenSchema>;
    try {
      parsed = tokenSchema.parse(JSON.parse(res.body.toString('utf8')));
    } catch {
      throw new ProvincialAuthError(`token endpoint answered HTTP ${res.status} without an access_token (check the credentials and the realm)`);
    }
    this.token = { value: parsed.access_token, expiresAt: this.now() + (parsed.expires_in ?? 300) * 1000 };
    return this.token.value;
  }

  /** A request with the bearer token; on 401, one new token and one retry. */
  async fetch(req: PortalRequest): Promise<PortalResponse> {
    const withToken = async (force: boolean) => this.http.fetch({ ...req, headers: { ...(req.headers ?? {}), authorization: `bearer ${await this.get(force)}` } });
    const first = await withToken(false);
    if (first.status !== 401) return first;
    return withToken(true);
  }
}

export interface IgateReport {
  /** `digitization`, `dossier`, `online`. */
  kind: 'digitization' | 'dossier' | 'online';
  path: string;
  params: (p: { from: string; to: string; agencyId: string }) => Record<string, string>;
}

export const IGATE_REPORTS: readonly IgateReport[] = [
  { kind: 'digitization', path: '/pa/kgg-digitize/digitization-by-agency', params: (p) => ({ from: p.from, to: p.to, 'ancestor-id': p.agencyId }) },
  { kind: 'dossier', path: '/pa/dossier-statistic/--statistic-agency-kgg', params: (p) => ({ 'agency-id': p.agencyId, 'from-date': p.from, 'to-date': p.to, 'suppended-cancelled': 'true' }) },
  { kind: 'online', path: '/pa/kgg-dossier-statistic/--kgg-dossier-report-online', params: (p) => ({ 'from-applied-date': p.from, 'to-applied-date': p.to, 'agency-id': p.agencyId }) },
];

/** Rows of an answer: a bare array, or a Spring page `{content, totalPages, number}`. */
export function pageRows(json: unknown): { rows: unknown[]; totalPages: number } {
  if (Array.isArray(json)) return { rows: json, totalPages: 1 };
  const page = json as { content?: unknown; totalPages?: unknown };
  if (page && Array.isArray(page.content)) return { rows: page.content, totalPages: typeof page.totalPages === 'number' && page.totalPages > 0 ? page.totalPages : 1 };
  throw new Error('expected an array of rows or a page {content: [...]}');
}

const num = z.union([z.number(), z.string().transform((s) => Number(s))]).pipe(z.number());
const agency = z.object({ code: z.string().optional().nullable(), name: z.string().optional().nullable(), id: z.string().optional().nullable() });

export const igateRowSchemas = {
  digitization: z.object({ agency, totalReceiver: num, totalReceiverHavingFile: num, percentTotalReceiverHavingFile: num.optional().nullable() }),
  dossier: z.object({ agency, received: num, receivedOnline: num.optional().nullable(), resolvedOverdue: num.optional().nullable(), unresolvedOverdue: num.optional().nullable() }),
  online: z.object({ agency_name: z.string(), onlinepaid_quantity: num, total: num, agency_code: z.string().optional().nullable() }),
} as const;
