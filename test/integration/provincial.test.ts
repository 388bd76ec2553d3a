/** Provincial adapters against nock-mocked portals: token flow, paging, WAF, HTML tables, OpenCPS. */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.ts';
import { LocalPoliteness, PortalHttp } from '../../src/sources/http.ts';
import { IgateTokenClient } from '../../src/sources/provincial/token-client.ts';
import { ProvincialClient, parseProvincial, provincialRequests } from '../../src/sources/provincial/source.ts';
import { NameMatcher } from '../../src/sources/provincial/text.ts';
import { createCapture } from '../../src/cycle/store.ts';
import { fetchRequest } from '../../src/snapshots/fetch.ts';
import { provincialSource } from '../../src/sources/provincial/source.ts';
import type { ProvincialConfig } from '../../src/config/schema.ts';
import type { ProvincialRequest } from '../../src/sources/provincial/vendor.ts';
import { testConfig } from '../helpers/config.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { rawBody } from '../../src/snapshots/archive.ts';

const BASE = 'https://apidvc.tinh.example.test';
const SSO = 'https://ssodvc.tinh.example.test';
const TOKEN = '/auth/realms/digo/protocol/openid-connect/token';
const period = { type: 'year' as const, year: 2026 };
const cfg = parseConfigText(
  `provincial: { vendor: igate, baseUrl: "${BASE}", tokenUrl: "${SSO}${TOKEN}", agencyId: agency-root }\n`,
  'x',
).provincial!;
const creds = { clientId: 'chiso766', clientSecret: 's3cr3t-value', username: null, password: null };

function http(): PortalHttp {
  return new PortalHttp({ allowedOrigins: [BASE, SSO], politeness: new LocalPoliteness(0), timeoutMs: 3000 });
}

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase();
  nock.disableNetConnect();
});
afterAll(async () => {
  nock.enableNetConnect();
  await t.close();
});
afterEach(() => nock.cleanAll());

describe('iGate token', () => {
  it('client credentials, cached until shortly before expiry, refreshed once on a 401', async () => {
    let issued = 0;
    nock(SSO)
      .post(
        TOKEN,
        (b: Record<string, string>) =>
          b.grant_type === 'client_credentials' && b.client_id === 'chiso766' && b.client_secret === 's3cr3t-value',
      )
      .times(3)
      .reply(() => [200, { access_token: `tok${++issued}`, expires_in: 300 }]);
    let clock = 0;
    const client = new IgateTokenClient(http(), `${SSO}${TOKEN}`, creds, () => clock);
    nock(BASE).get('/a').matchHeader('authorization', 'bearer tok1').times(2).reply(200, []);
    await client.fetch({ method: 'GET', url: `${BASE}/a` });
    await client.fetch({ method: 'GET', url: `${BASE}/a` });
    expect(issued).toBe(1);
    clock = 250_000; // inside the last minute before expiry: renew
    nock(BASE).get('/b').matchHeader('authorization', 'bearer tok2').reply(200, []);
    await client.fetch({ method: 'GET', url: `${BASE}/b` });
    expect(issued).toBe(2);
    // The server revokes the token: one 401, one new token, one retry.
    nock(BASE).get('/c').matchHeader('authorization', 'bearer tok2').reply(401, {});
    nock(BASE).get('/c').matchHeader('authorization', 'bearer tok3').reply(200, ['ok']);
    const r = await client.fetch({ method: 'GET', url: `${BASE}/c` });
    expect(r.status).toBe(200);
    expect(issued).toBe(3);
  });

  it('password grant with the default client id web-public', async () => {
    const scope = nock(SSO)
      .post(
        TOKEN,
        (b: Record<string, string>) =>
          b.grant_type === 'password' && b.client_id === 'web-public' && b.username === 'u' && b.password === 'p',
      )
      .reply(200, { access_token: 'x', expires_in: 60 });
    await new IgateTokenClient(http(), `${SSO}${TOKEN}`, {
      clientId: null,
      clientSecret: null,
      username: 'u',
      password: 'p',
    }).get();
    expect(scope.isDone()).toBe(true);
  });

  it('missing credentials say which variables to set', async () => {
    await expect(
      new IgateTokenClient(http(), `${SSO}${TOKEN}`, {
        clientId: null,
        clientSecret: null,
        username: null,
        password: null,
      }).get(),
    ).rejects.toThrow(/CHISO766_PROVINCIAL_CLIENT_ID/);
  });
});

async function fetchProvincial(
  client: ProvincialClient,
  cfg: ProvincialConfig,
  captureId: number,
  spec: ProvincialRequest,
) {
  const r = await fetchRequest(
    { db: t.db, source: provincialSource, transport: client, config: { ...testConfig(), provincial: cfg } },
    captureId,
    spec,
    1,
  );
  // Accepted answers are archived in the background (the next request does not wait): wait here.
  await r.archived;
  return r;
}

describe('iGate reports into the raw archive', () => {
  it('follows Spring pages, archives every page, never archives the token or the secret', async () => {
    nock(SSO).post(TOKEN).reply(200, { access_token: 'very-secret-token', expires_in: 300 });
    const spec = provincialRequests(cfg, 'H19', period).find((s) => s.endpoint === 'igate.dossier')!;
    const row = (code: string) => ({
      agency: { id: code, code, name: code },
      received: 10,
      receivedOnline: 9,
      resolvedOverdue: 1,
    });
    nock(BASE)
      .get('/pa/dossier-statistic/--statistic-agency-kgg')
      .query((q) => q.page === '0')
      .reply(200, { content: [row('H19.01'), row('H19.03')], totalPages: 2, number: 0 });
    nock(BASE)
      .get('/pa/dossier-statistic/--statistic-agency-kgg')
      .query((q) => q.page === '1')
      .reply(200, { content: [row('H19.05')], totalPages: 2, number: 1 });
    const captureId = await createCapture(t.db, {
      cycleId: null,
      source: 'provincial',
      period,
      provinces: ['H19'],
      capturedAt: new Date(),
      planned: 3,
    });
    const client = new ProvincialClient(http(), cfg, creds);
    const r = await fetchProvincial(client, cfg, captureId, spec);
    expect(r).toMatchObject({ outcome: 'ok', pages: 2 });
    const raws = await t.db
      .selectFrom('raw_payloads')
      .selectAll()
      .where('capture_id', '=', captureId)
      .orderBy('id')
      .execute();
    expect(raws.map((x) => x.request_key)).toEqual(['igate.dossier.H19', 'igate.dossier.H19.p2']);
    const everything = JSON.stringify(raws.map((x) => ({ ...x, body: rawBody(x).toString() })));
    expect(everything).not.toContain('very-secret-token');
    expect(everything).not.toContain('s3cr3t-value');
    expect(raws[0]!.request_headers).toMatchObject({ authorization: '***' });
    const parsed = parseProvincial(
      'H19',
      raws.map((x) => ({ ...x, body: rawBody(x) })),
      { config: cfg, matcher: new NameMatcher([]), knownCodes: new Set(['H19.01', 'H19.03', 'H19.05']) },
    );
    expect(parsed.observations.find((o) => o.unitCode === 'H19' && o.metric === 'PROV_RECEIVED')).toMatchObject({
      numerator: 30,
    });
  });

  it('a WAF page is blocked: one request, no retry', async () => {
    nock(SSO).post(TOKEN).reply(200, { access_token: 't', expires_in: 300 });
    const scope = nock(BASE)
      .get('/pa/kgg-digitize/digitization-by-agency')
      .query(true)
      .reply(200, '<html><title>Request Rejected</title>The requested URL was rejected.</html>', {
        'content-type': 'text/html',
      });
    const spec = provincialRequests(cfg, 'H19', period).find((s) => s.endpoint === 'igate.digitization')!;
    const captureId = await createCapture(t.db, {
      cycleId: null,
      source: 'provincial',
      period,
      provinces: ['H19'],
      capturedAt: new Date(),
      planned: 1,
    });
    const r = await fetchProvincial(new ProvincialClient(http(), cfg, creds), cfg, captureId, spec);
    expect(r.outcome).toBe('blocked');
    expect(scope.isDone()).toBe(true);
  });

  it('a row without the expected field is drift with its path', async () => {
    nock(SSO).post(TOKEN).reply(200, { access_token: 't', expires_in: 300 });
    nock(BASE)
      .get('/pa/kgg-digitize/digitization-by-agency')
      .query(true)
      .reply(200, [{ agency: { code: 'H19.01' }, totalReceiver: 5 }]);
    const spec = provincialRequests(cfg, 'H19', period).find((s) => s.endpoint === 'igate.digitization')!;
    const captureId = await createCapture(t.db, {
      cycleId: null,
      source: 'provincial',
      period,
      provinces: ['H19'],
      capturedAt: new Date(),
      planned: 1,
    });
    const r = await fetchProvincial(new ProvincialClient(http(), cfg, creds), cfg, captureId, spec);
    expect(r.outcome).toBe('drift');
    expect(r.detail).toMatch(/\$\[0\]\.totalReceiverHavingFile/);
  });
});

describe('HTML tables and OpenCPS', () => {
  it('an HTML statistics page: Vietnamese numbers, names in another case matched, unmatched rows reported', async () => {
    const htmlCfg = parseConfigText(
      `provincial: { vendor: html, baseUrl: "${BASE}", html: { path: /thongke, table: "table.tk", row: "tbody tr", unitNameColumn: 1, columns: { received: 2, overdue: 3, digitizedPercent: 4 } } }\n`,
      'x',
    ).provincial!;
    const page = `<html><body><table class="tk"><thead><tr><th>STT</th><th>Đơn vị</th><th>Tiếp nhận</th><th>Trễ hạn</th><th>Số hóa</th></tr></thead><tbody>
      <tr><td>1</td><td>SỞ TƯ PHÁP</td><td>4.712</td><td>12</td><td>99,90 %</td></tr>
      <tr><td>2</td><td>UBND xã Bù Gia Mập - tỉnh Đồng Nai</td><td>3.836</td><td>1.525</td><td>58,77 %</td></tr>
      <tr><td>3</td><td>Trung tâm Hành chính công</td><td>10</td><td>0</td><td>100 %</td></tr>
      </tbody></table></body></html>`;
    nock(BASE).get('/thongke').reply(200, page, { 'content-type': 'text/html; charset=utf-8' });
    const spec = provincialRequests(htmlCfg, 'H19', period)[0]!;
    const captureId = await createCapture(t.db, {
      cycleId: null,
      source: 'provincial',
      period,
      provinces: ['H19'],
      capturedAt: new Date(),
      planned: 1,
    });
    const r = await fetchProvincial(new ProvincialClient(http(), htmlCfg, creds), htmlCfg, captureId, spec);
    expect(r.outcome).toBe('ok');
    const raws = await t.db.selectFrom('raw_payloads').selectAll().where('capture_id', '=', captureId).execute();
    const matcher = new NameMatcher([
      { code: 'H19.08', names: ['Sở Tư pháp - thành phố Đồng Nai'] },
      { code: 'H19.111', names: ['UBND xã Bù Gia Mập'] },
    ]);
    const parsed = parseProvincial(
      'H19',
      raws.map((x) => ({ ...x, body: rawBody(x) })),
      { config: htmlCfg, matcher, knownCodes: new Set(['H19.08', 'H19.111']) },
    );
    expect(parsed.observations.find((o) => o.unitCode === 'H19.08' && o.metric === 'PROV_RECEIVED')).toMatchObject({
      numerator: 4712,
    });
    expect(parsed.observations.find((o) => o.unitCode === 'H19.111' && o.metric === 'PROV_OVERDUE')).toMatchObject({
      numerator: 1525,
    });
    expect(
      parsed.observations.find((o) => o.unitCode === 'H19.08' && o.metric === 'PROV_DIGITIZATION')!.ratio,
    ).toBeCloseTo(99.9, 1);
    expect(parsed.notes.join('\n')).toMatch(/could not be matched.*Trung tâm Hành chính công/);
  });

  it('OpenCPS statistics with the groupId header', async () => {
    const ocCfg = parseConfigText(
      `provincial: { vendor: opencps, baseUrl: "${BASE}", groupId: "35417" }\n`,
      'x',
    ).provincial!;
    const scope = nock(BASE)
      .get('/o/rest/statistics')
      .query({ year: '2026', month: '0', domain: 'total', agency: 'total' })
      .matchHeader('groupId', '35417')
      .reply(200, {
        total: 1,
        data: [
          { govAgencyCode: 'H19.07', govAgencyName: 'Sở Y tế', receivedCount: 100, onlineCount: 90, overdueCount: 3 },
        ],
      });
    const spec = provincialRequests(ocCfg, 'H19', period)[0]!;
    const captureId = await createCapture(t.db, {
      cycleId: null,
      source: 'provincial',
      period,
      provinces: ['H19'],
      capturedAt: new Date(),
      planned: 1,
    });
    expect((await fetchProvincial(new ProvincialClient(http(), ocCfg, creds), ocCfg, captureId, spec)).outcome).toBe(
      'ok',
    );
    expect(scope.isDone()).toBe(true);
    const raws = await t.db.selectFrom('raw_payloads').selectAll().where('capture_id', '=', captureId).execute();
    const parsed = parseProvincial(
      'H19',
      raws.map((x) => ({ ...x, body: rawBody(x) })),
      { config: ocCfg, matcher: new NameMatcher([]), knownCodes: new Set() },
    );
    expect(
      parsed.observations.find((o) => o.unitCode === 'H19.07' && o.metric === 'PROV_ONLINE_SUBMISSION'),
    ).toMatchObject({ numerator: 90, denominator: 100, ratio: 90 });
    expect(parsed.notes.join('\n')).toMatch(/not \(yet\) in the registry.*H19\.07/);
  });
});
