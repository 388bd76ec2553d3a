/**
 * A local stand-in for the national portal that replays recorded captures (a folder with a
 * manifest.json, as in demo/dvcqg/). Used by the demo, by end-to-end tests of the CLI (which run
 * in child processes that nock cannot reach), and by anyone checking chiso766 offline.
 *
 * Requests are matched on what identifies the data — endpoint, scope (rootDepartmentId or
 * national), period and page — not on incidental fields such as pageSize. Faults can be injected
 * per endpoint (a WAF page, HTTP 500 n times, a slow answer, a drifted body) to rehearse failures.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

interface ManifestEntry {
  file: string;
  endpoint: string;
  payload: Record<string, unknown>;
  httpStatus: number;
  contentType: string;
}

interface Manifest {
  capture: string;
  entries: ManifestEntry[];
}

export interface ReplayCapture {
  name: string;
  dir: string;
  entries: (ManifestEntry & { body: Buffer })[];
}

export type FaultKind = 'waf' | 'http500' | 'http403' | 'http429' | 'slow' | 'drift' | 'reset' | 'impossible';

export interface Fault {
  /** Endpoint name (`transparency`, `rest.jsp`, …) or `*` for every request. */
  endpoint: string;
  kind: FaultKind;
  /** How many times the fault fires before the endpoint answers normally (default: always). */
  times?: number;
  /**
   * For `slow`: delay in ms. For `drift`: the top-level `data` key to drop. For `impossible`: a
   * well-formed but impossible answer — `negative` (a score of -12), `over` (150), `foreign` (a
   * unit of another province), `empty` (no unit).
   */
  arg?: string;
}

export interface ReplayStats {
  /** Answers sent (or connections reset), in order; `arrivedAt`: when the request came in. */
  requests: { endpoint: string; status: number; at: string; arrivedAt: string; fault: FaultKind | null }[];
  /** Requests received per endpoint, counted on arrival ("the server saw N requests"). */
  byEndpoint: Record<string, number>;
}

export function loadReplayCapture(dir: string): ReplayCapture {
  const read = (d: string) => {
    const manifest = JSON.parse(readFileSync(path.join(d, 'manifest.json'), 'utf8')) as Manifest;
    return { manifest, entries: manifest.entries.map((e) => ({ ...e, body: readFileSync(path.join(d, e.file)) })) };
  };
  const main = read(dir);
  // Per-procedure answers and the TTHC catalogue of that week, when recorded (drilldown/).
  const drill = existsSync(path.join(dir, 'drilldown', 'manifest.json'))
    ? read(path.join(dir, 'drilldown')).entries
    : [];
  return { name: main.manifest.capture ?? path.basename(dir), dir, entries: [...main.entries, ...drill] };
}

/**
 * What identifies a request's data: endpoint, scope, period, page — and the procedure of a
 * per-procedure request, under the key spelling it was sent with (`formalityId`, or `formalityID`
 * for dossier-digitized): a misspelt key finds nothing, as the portal's filter would ignore it.
 */
function identity(endpoint: string, payload: Record<string, unknown>): string {
  const scope = payload.rootDepartmentId ?? payload.p_tinh_id ?? payload.departmentType ?? 'national';
  const period = ['timeType', 'year', 'quarter', 'month', 'fromDate', 'toDate', 'p_nam', 'p_quy', 'p_thang', 'p_6thang']
    .map((k) => String(payload[k] ?? ''))
    .join('/');
  const page = String(payload.currentPage ?? payload.pageIndex ?? 1);
  const tthc = `${String(payload.formalityId ?? '')}/${String(payload.formalityID ?? '')}`;
  return `${endpoint}|${String(scope)}|${period}|${page}|${tthc}`;
}

/** The catalogue and per-procedure answers: served from any capture that recorded them. */
function isDrilldown(endpoint: string, payload: Record<string, unknown>): boolean {
  return endpoint === 'formalities' || 'formalityId' in payload || 'formalityID' in payload;
}

const WAF_PAGE = `<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. Please consult with your administrator.<br><br>Your support ID is: 4431558812219650101<br><br><a href='javascript:history.back();'>[Go Back]</a></body></html>`;

export class ReplayServer {
  private server: Server | null = null;
  private current: ReplayCapture;
  private faults: (Fault & { fired: number })[] = [];
  readonly stats: ReplayStats = { requests: [], byEndpoint: {} };
  /** When each request came in (answers can overlap when a client is not polite). */
  private readonly arrivals = new WeakMap<ServerResponse, string>();

  constructor(
    private readonly captures: ReplayCapture[],
    faults: Fault[] = [],
  ) {
    if (captures.length === 0) throw new Error('replay: give at least one capture folder');
    this.current = captures[0]!;
    this.setFaults(faults);
  }

  setFaults(faults: Fault[]): void {
    this.faults = faults.map((f) => ({ ...f, fired: 0 }));
  }

  /** Serve the capture with this name (`2026-11-23`) or folder basename from now on. */
  use(name: string): void {
    const c = this.captures.find((x) => x.name === name || path.basename(x.dir) === name || x.dir === name);
    if (!c) throw new Error(`replay: no capture named ${name} (have ${this.captures.map((x) => x.name).join(', ')})`);
    this.current = c;
  }

  get currentCapture(): string {
    return this.current.name;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const addr = this.server.address() as AddressInfo;
    return `http://${host}:${addr.port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.arrivals.set(res, new Date().toISOString());
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://replay');
    if (url.pathname === '/__replay/stats') return this.send(res, 200, 'application/json', JSON.stringify(this.stats));
    if (url.pathname === '/__replay/use' && req.method === 'POST') {
      try {
        this.use(url.searchParams.get('capture') ?? '');
        return this.send(res, 200, 'application/json', JSON.stringify({ capture: this.current.name }));
      } catch (e) {
        return this.send(res, 404, 'application/json', JSON.stringify({ error: (e as Error).message }));
      }
    }
    if (url.pathname === '/__replay/faults' && req.method === 'POST') {
      this.setFaults(raw ? (JSON.parse(raw) as Fault[]) : []);
      return this.send(res, 200, 'application/json', JSON.stringify({ faults: this.faults.length }));
    }
    let endpoint: string;
    let payload: Record<string, unknown>;
    if (url.pathname === '/jsp/rest.jsp') {
      endpoint = 'rest.jsp';
      payload = JSON.parse(new URLSearchParams(raw).get('params') ?? '{}') as Record<string, unknown>;
    } else if (
      url.pathname.startsWith('/api/v1/reporting/evaluation/') ||
      url.pathname === '/api/v1/reporting/formalities'
    ) {
      endpoint = url.pathname.startsWith('/api/v1/reporting/evaluation/')
        ? url.pathname.slice('/api/v1/reporting/evaluation/'.length)
        : 'formalities';
      try {
        payload = JSON.parse(raw || '{}') as Record<string, unknown>;
      } catch {
        return this.send(
          res,
          400,
          'application/json',
          JSON.stringify({ statusCode: 400, message: 'Bad Request' }),
          endpoint,
        );
      }
    } else {
      return this.send(
        res,
        404,
        'application/json',
        JSON.stringify({ statusCode: 404, message: 'Not Found' }),
        url.pathname,
      );
    }
    this.stats.byEndpoint[endpoint] = (this.stats.byEndpoint[endpoint] ?? 0) + 1;
    const fault = this.faults.find(
      (f) => (f.endpoint === endpoint || f.endpoint === '*') && (f.times === undefined || f.fired < f.times),
    );
    const id = identity(endpoint, payload);
    const entry =
      this.current.entries.find((e) => identity(e.endpoint, e.payload) === id) ??
      (isDrilldown(endpoint, payload)
        ? this.captures.flatMap((c) => c.entries).find((e) => identity(e.endpoint, e.payload) === id)
        : undefined);
    if (fault) {
      fault.fired++;
      switch (fault.kind) {
        case 'waf':
          return this.send(res, 200, 'text/html', WAF_PAGE, endpoint, fault.kind);
        case 'http500':
          return this.send(
            res,
            500,
            'application/json',
            JSON.stringify({ statusCode: 500, message: 'Internal server error' }),
            endpoint,
            fault.kind,
          );
        case 'http403':
          return this.send(res, 403, 'text/html', WAF_PAGE, endpoint, fault.kind);
        case 'http429':
          return this.send(
            res,
            429,
            'application/json',
            JSON.stringify({ statusCode: 429, message: 'Too Many Requests' }),
            endpoint,
            fault.kind,
          );
        case 'reset':
          this.record(endpoint, 0, fault.kind, this.arrivals.get(res));
          req.socket.destroy();
          return;
        case 'slow':
          await new Promise((r) => setTimeout(r, Number(fault.arg ?? 5000)));
          break;
        case 'impossible':
          if (entry)
            return this.send(
              res,
              entry.httpStatus,
              entry.contentType,
              impossible(entry.body, fault.arg ?? 'negative'),
              endpoint,
              fault.kind,
            );
          break;
        case 'drift':
          if (entry) {
            const json = JSON.parse(entry.body.toString('utf8')) as { data: Record<string, unknown> };
            delete json.data[fault.arg ?? 'evaluation'];
            return this.send(res, entry.httpStatus, entry.contentType, JSON.stringify(json), endpoint, fault.kind);
          }
          break;
      }
    }
    if (!entry) {
      return this.send(
        res,
        404,
        'application/json',
        JSON.stringify({
          statusCode: 404,
          message: `replay: no recorded answer for ${endpoint} ${JSON.stringify(payload)} in ${this.current.name}`,
        }),
        endpoint,
      );
    }
    return this.send(res, entry.httpStatus, entry.contentType, entry.body, endpoint, fault?.kind ?? null);
  }

  private record(endpoint: string, status: number, fault: FaultKind | null, arrivedAt = ''): void {
    this.stats.requests.push({ endpoint, status, at: new Date().toISOString(), arrivedAt, fault });
  }

  private send(
    res: ServerResponse,
    status: number,
    contentType: string,
    body: string | Buffer,
    endpoint?: string,
    fault: FaultKind | null = null,
  ): void {
    if (endpoint) this.record(endpoint, status, fault, this.arrivals.get(res));
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  }
}

/** The recorded body made impossible in one way (the unit list of a province answer). */
function impossible(body: Buffer, how: string): string {
  const json = JSON.parse(body.toString('utf8')) as { data: Record<string, unknown> };
  const rows = (json.data.evaluation ?? json.data.children) as Record<string, unknown>[] | undefined;
  if (!rows || rows.length === 0) return JSON.stringify(json);
  const first = rows[0]!;
  const scoreKey = 'totalScore' in first ? 'totalScore' : 'score';
  if (how === 'negative') first[scoreKey] = -12;
  else if (how === 'over') first[scoreKey] = 150;
  else if (how === 'foreign' && typeof first.departmentCode === 'string')
    first.departmentCode = first.departmentCode.replace(/^H\d{2}/, (p) => (p === 'H19' ? 'H21' : 'H19'));
  else if (how === 'empty') rows.length = 0;
  return JSON.stringify(json);
}

/** `transparency=waf`, `dvc-progress-tree=http500x6`, `*=slow:3000` → Fault. */
export function parseFault(spec: string): Fault {
  const m = /^([\w.*-]+)=(waf|http500|http403|http429|slow|drift|reset|impossible)(?::([\w.-]+))?(?:x(\d+))?$/.exec(
    spec,
  );
  if (!m)
    throw new Error(
      `fault "${spec}" is not ENDPOINT=KIND[:ARG][xTIMES], e.g. transparency=waf or dvc-progress-tree=http500x6`,
    );
  return { endpoint: m[1]!, kind: m[2] as FaultKind, arg: m[3], times: m[4] ? Number(m[4]) : undefined };
}
