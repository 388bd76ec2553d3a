/**
 * The provincial portal's OpenID Connect token (VNPT iGate on Keycloak): a client-credentials or
 * password grant; the token is cached until shortly before it expires and refreshed once on a 401.
 * Secrets come from the environment only and never reach a log, an output or the raw archive (the
 * token exchange is not archived).
 */
import { z } from 'zod';
import type { PortalHttp, PortalRequest, PortalResponse } from '../http.ts';
import { ExplainedError } from '../../domain/errors.ts';

export interface IgateCredentials {
  clientId: string | null;
  clientSecret: string | null;
  username: string | null;
  password: string | null;
}

export class ProvincialAuthError extends ExplainedError {}

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
      return new URLSearchParams({
        grant_type: 'password',
        client_id: clientId ?? 'web-public',
        username,
        password,
        ...(clientSecret ? { client_secret: clientSecret } : {}),
      }).toString();
    }
    if (clientId && clientSecret)
      return new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }).toString();
    throw new ProvincialAuthError(
      'provincial credentials missing: set CHISO766_PROVINCIAL_CLIENT_ID + CHISO766_PROVINCIAL_CLIENT_SECRET, or CHISO766_PROVINCIAL_USERNAME + CHISO766_PROVINCIAL_PASSWORD',
    );
  }

  async get(force = false): Promise<string> {
    // Renew 60 s before expiry so a long capture never uses a token that dies mid-request.
    if (!force && this.token && this.now() < this.token.expiresAt - 60_000) return this.token.value;
    const res = await this.http.fetch({
      method: 'POST',
      url: this.tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: this.form(),
    });
    if (res.outcome !== 'ok')
      throw new ProvincialAuthError(
        `token request to ${new URL(this.tokenUrl).host} failed: ${res.detail ?? `HTTP ${res.status}`}`,
      );
    let parsed: z.infer<typeof tokenSchema>;
    try {
      parsed = tokenSchema.parse(JSON.parse(res.body.toString('utf8')));
    } catch {
      throw new ProvincialAuthError(
        `token endpoint answered HTTP ${res.status} without an access_token (check the credentials and the realm)`,
      );
    }
    this.token = { value: parsed.access_token, expiresAt: this.now() + (parsed.expires_in ?? 300) * 1000 };
    return this.token.value;
  }

  /** A request with the bearer token; on 401, one new token and one retry. */
  async fetch(req: PortalRequest): Promise<PortalResponse> {
    const withToken = async (force: boolean) =>
      this.http.fetch({
        ...req,
        headers: { ...(req.headers ?? {}), authorization: `bearer ${await this.get(force)}` },
      });
    const first = await withToken(false);
    if (first.status !== 401) return first;
    return withToken(true);
  }
}
