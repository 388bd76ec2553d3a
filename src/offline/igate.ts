/**
 * A stand-in VNPT iGate on loopback: an OpenID Connect token endpoint (client credentials or
 * password grant) and the three statistics reports, served from recorded rows (demo/igate/<code>/).
 * For tests, the demo and rehearsals — it checks the bearer token like the real one, can expire
 * tokens early, and can page its answers.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface IgateStandInOptions {
  dir: string;
  clientId: string;
  clientSecret: string;
  /** Seconds the issued tokens claim to live. */
  expiresIn?: number;
  /** Page answers with this many rows per page (Spring pages), regardless of the `size` asked. */
  pageSize?: number;
  /** Rehearse a token that dies mid-run: every token issued so far is revoked when this path is first asked. */
  expireTokensOn?: string;
}

const REPORTS: Record<string, string> = {
  '/pa/kgg-digitize/digitization-by-agency': 'digitization.json',
  '/pa/dossier-statistic/--statistic-agency-kgg': 'dossier.json',
  '/pa/kgg-dossier-statistic/--kgg-dossier-report-online': 'online.json',
};
export const TOKEN_PATH = '/auth/realms/digo/protocol/openid-connect/token';
const DOSSIER_SEARCH = '/pa/dossier/search';

interface DossierElement {
  agency?: { id?: string; parent?: { id?: string } };
  acceptedDate?: string | null;
  appointmentDate?: string | null;
}

/** `01/01/2026` → `2026-01-01`. */
function isoOf(ddmmyyyy: string | null): string | null {
  const m = ddmmyyyy ? /^(\d\d)\/(\d\d)\/(\d{4})$/.exec(ddmmyyyy) : null;
  return m ? `${m[3]}-${m[2]}-${m[1]}` : null;
}

/**
 * `GET /pa/dossier/search` as iGate answers it: the unit's dossiers (its agency or a child of it),
 * accepted within the dates, by appointment date, as a Spring Slice (`content`, `last`).
 */
function dossierSlice(rows: readonly DossierElement[], q: URLSearchParams): Record<string, unknown> {
  const agency = q.get('ancestor-agency-id') ?? q.get('agency-id');
  const from = isoOf(q.get('accepted-from'));
  const to = isoOf(q.get('accepted-to'));
  const page = Number(q.get('page') ?? 0);
  const size = Math.min(50, Number(q.get('size') ?? 20));
  const day = (s: string | null | undefined) => (s ? s.slice(0, 10) : '');
  const hits = rows
    .filter((r) => !agency || r.agency?.id === agency || r.agency?.parent?.id === agency)
    .filter((r) => (!from || day(r.acceptedDate) >= from) && (!to || day(r.acceptedDate) <= to))
    .sort((a, b) => String(a.appointmentDate ?? '').localeCompare(String(b.appointmentDate ?? '')));
  const content = hits.slice(page * size, page * size + size);
  return {
    content,
    number: page,
    size,
    numberOfElements: content.length,
    first: page === 0,
    last: (page + 1) * size >= hits.length,
    empty: content.length === 0,
  };
}

export class IgateStandIn {
  private server: Server | null = null;
  private readonly tokens = new Set<string>();
  readonly stats = {
    tokensIssued: 0,
    unauthorized: 0,
    requests: {} as Record<string, number>,
    authorizationHeaders: [] as string[],
  };

  constructor(private readonly opts: IgateStandInOptions) {}

  /** Make every token issued so far invalid (the next call gets a 401 and must refresh). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://igate');
    if (url.pathname === TOKEN_PATH && req.method === 'POST') {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const ok =
        form.get('grant_type') === 'client_credentials'
          ? form.get('client_id') === this.opts.clientId && form.get('client_secret') === this.opts.clientSecret
          : form.get('grant_type') === 'password' && form.get('password') === this.opts.clientSecret;
      if (!ok) return this.send(res, 401, { error: 'invalid_client', error_description: 'Invalid client credentials' });
      const token = randomBytes(24).toString('hex');
      this.tokens.add(token);
      this.stats.tokensIssued++;
      return this.send(res, 200, { access_token: token, expires_in: this.opts.expiresIn ?? 300, token_type: 'Bearer' });
    }
    const file = REPORTS[url.pathname] ?? (url.pathname === DOSSIER_SEARCH ? 'dossier-search.json' : undefined);
    if (!file || !existsSync(path.join(this.opts.dir, file))) return this.send(res, 404, { error: 'not found' });
    this.stats.requests[url.pathname] = (this.stats.requests[url.pathname] ?? 0) + 1;
    if (this.opts.expireTokensOn === url.pathname && this.stats.requests[url.pathname] === 1) this.revokeTokens();
    const auth = req.headers.authorization ?? '';
    this.stats.authorizationHeaders.push(auth);
    const token = /^bearer\s+(.+)$/i.exec(auth)?.[1];
    if (!token || !this.tokens.has(token)) {
      this.stats.unauthorized++;
      return this.send(res, 401, { error: 'unauthorized' });
    }
    const data: unknown = JSON.parse(readFileSync(path.join(this.opts.dir, file), 'utf8'));
    if (url.pathname === DOSSIER_SEARCH)
      return this.send(res, 200, dossierSlice(data as DossierElement[], url.searchParams));
    const rows = Array.isArray(data) ? data : (data as { content: unknown[] }).content;
    const size = this.opts.pageSize;
    if (!size) return this.send(res, 200, data);
    const page = Number(url.searchParams.get('page') ?? 0);
    const totalPages = Math.max(1, Math.ceil(rows.length / size));
    return this.send(res, 200, {
      content: rows.slice(page * size, page * size + size),
      totalElements: rows.length,
      totalPages,
      number: page,
      size,
    });
  }
}
