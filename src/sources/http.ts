/**
 * The only way chiso766 talks to a portal. On undici's `request()` with no private dispatcher
 * (so tests can intercept it with nock 15.0.0 — see README "Testing").
 *
 * - Only configured origins may be requested: anything else is refused before any I/O.
 * - Politeness: requests to one host are strictly sequential, with a delay between them.
 * - Every answer is classified: ok | retryable | blocked | drift (see `classify`).
 * - The User-Agent is honest and constant: chiso766/<version> (+contact).
 */
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { VERSION } from '../config/version.ts';
import { InputError } from '../domain/errors.ts';

export type Outcome = 'ok' | 'retryable' | 'blocked' | 'drift';

export interface PortalRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** What a successful answer looks like; an HTML answer to a JSON API means a WAF page. */
  expect?: 'json' | 'html';
}

export interface PortalResponse {
  request: PortalRequest;
  /** Headers actually sent (secrets such as Authorization masked). */
  requestHeaders: Record<string, string>;
  status: number | null;
  headers: Record<string, string>;
  body: Buffer;
  sha256: string;
  outcome: Outcome;
  /** Why it is not ok, in words an operator can act on. */
  detail: string | null;
  fetchedAt: Date;
  durationMs: number;
}

export class HostNotAllowedError extends InputError {}

/** Serialises requests per host and spaces them by `delayMs` (end of one → start of the next). */
export interface Politeness {
  /** Wait for this host's turn; call the returned function when the response is fully read. */
  acquire(host: string): Promise<() => Promise<void>>;
}

export class LocalPoliteness implements Politeness {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly lastEnd = new Map<string, number>();

  constructor(private readonly delayMs: number) {}

  async acquire(host: string): Promise<() => Promise<void>> {
    const previous = this.tails.get(host) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.tails.set(
      host,
      previous.then(() => mine),
    );
    await previous;
    const wait = (this.lastEnd.get(host) ?? 0) + this.delayMs - Date.now();
    if (wait > 0) await sleep(wait);
    return async () => {
      this.lastEnd.set(host, Date.now());
      done();
    };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface PortalHttpOptions {
  /** Origins (`https://dichvucong.gov.vn`) that may be requested. */
  allowedOrigins: string[];
  politeness: Politeness;
  timeoutMs?: number;
  /** Contact for the User-Agent: a URL or an e-mail address. */
  contact?: string;
}

const BLOCK_MARKERS = /Request Rejected|Access Denied|The requested URL was rejected/i;
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

export class PortalHttp {
  readonly userAgent: string;
  private readonly allowed: Set<string>;
  private readonly timeoutMs: number;

  constructor(private readonly opts: PortalHttpOptions) {
    this.allowed = new Set(opts.allowedOrigins.map((o) => new URL(o).origin));
    this.timeoutMs = opts.timeoutMs ?? 45_000;
    this.userAgent = `chiso766/${VERSION} (+${opts.contact ?? 'https://github.com/chiso766/chiso766'})`;
  }

  /** Throws HostNotAllowedError for an origin that is not configured (before any I/O). */
  assertAllowed(url: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new HostNotAllowedError(`refusing to request "${url}": not a URL`);
    }
    if (!this.allowed.has(parsed.origin)) {
      throw new HostNotAllowedError(
        `refusing to request ${parsed.origin}: only the configured portal origins may be requested (${[...this.allowed].join(', ')})`,
      );
    }
    return parsed;
  }

  async fetch(req: PortalRequest): Promise<PortalResponse> {
    const url = this.assertAllowed(req.url);
    const headers: Record<string, string> = {
      'user-agent': this.userAgent,
      accept: req.expect === 'html' ? 'text/html' : 'application/json',
      ...(req.headers ?? {}),
    };
    const release = await this.opts.politeness.acquire(url.host);
    const started = Date.now();
    const fetchedAt = new Date(started);
    try {
      const res = await request(url, {
        method: req.method,
        headers,
        body: req.body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = Buffer.from(await res.body.arrayBuffer());
      const responseHeaders = flattenHeaders(res.headers);
      const { outcome, detail } = classify(res.statusCode, responseHeaders, body, req.expect ?? 'json');
      return {
        request: req,
        requestHeaders: maskHeaders(headers),
        status: res.statusCode,
        headers: responseHeaders,
        body,
        sha256: sha256(body),
        outcome,
        detail: detail && `${req.method} ${url.pathname}: ${detail}`,
        fetchedAt,
        durationMs: Date.now() - started,
      };
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
      const code = err.code ?? err.cause?.code ?? err.name;
      const timeout = err.name === 'TimeoutError' || err.name === 'AbortError' || /TIMEOUT/.test(code ?? '');
      const retryable = timeout || RETRYABLE_CODES.has(code ?? '');
      if (!retryable) throw e;
      const body = Buffer.alloc(0);
      return {
        request: req,
        requestHeaders: maskHeaders(headers),
        status: null,
        headers: {},
        body,
        sha256: sha256(body),
        outcome: 'retryable',
        detail: `${req.method} ${url.pathname}: ${timeout ? `no answer within ${this.timeoutMs} ms` : `network error ${code}`} (${err.message})`,
        fetchedAt,
        durationMs: Date.now() - started,
      };
    } finally {
      await release();
    }
  }
}

/**
 * ok / retryable / blocked by status and body. Drift (a 2xx whose shape is wrong) is decided by the
 * endpoint's parser, which knows the shape.
 * docs/dvcqg-api.md §11: 403, 429, any HTML answer from an API URL, or a body containing
 * "Request Rejected"/"Access Denied" (even with a 2xx) are stop signals — never retried.
 */
export function classify(
  status: number,
  headers: Record<string, string>,
  body: Buffer,
  expect: 'json' | 'html',
): { outcome: Outcome; detail: string | null } {
  const head = body.subarray(0, 4096).toString('utf8');
  const contentType = headers['content-type'] ?? '';
  if (status === 403 || status === 429) {
    return {
      outcome: 'blocked',
      detail: `HTTP ${status} — the portal refuses this client; stop and check access from this server (do not retry in a loop)`,
    };
  }
  if (BLOCK_MARKERS.test(head)) {
    const support = /support ID is:?\s*([\w-]+)/i.exec(head)?.[1];
    return {
      outcome: 'blocked',
      detail: `HTTP ${status} with a firewall page ("Request Rejected"${support ? `, support ID ${support}` : ''}) — blocked by the portal's WAF; ask the portal operator to allow this server`,
    };
  }
  if (expect === 'json' && (/text\/html/i.test(contentType) || /^\s*</.test(head)) && status < 500) {
    return {
      outcome: 'blocked',
      detail: `HTTP ${status} answered with an HTML page instead of JSON — treated as a block page; open the raw payload to see it`,
    };
  }
  if (status >= 500) return { outcome: 'retryable', detail: `HTTP ${status} — portal error (retryable)` };
  if (status >= 300 && status < 400) {
    return {
      outcome: 'blocked',
      detail: `HTTP ${status} redirect to ${headers.location ?? '(no location)'} — the API answered with a redirect (login or block page)`,
    };
  }
  if (status >= 400)
    return {
      outcome: 'drift',
      detail: `HTTP ${status} — the portal no longer accepts this request; the API may have changed`,
    };
  return { outcome: 'ok', detail: null };
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function maskHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k] = /authorization|cookie|token|secret/i.test(k) ? '***' : v;
  return out;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
