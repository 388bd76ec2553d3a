/** The national portal's 2026 API (DVCQG) as a source: 8 requests per province and period. */
import { provinceByCode } from '../../domain/provinces.ts';
import type { Source } from '../source.ts';
import { captureRequests, endpointUrl, pageRequest, type Endpoint, type RequestSpec } from './endpoints.ts';
import { parseNational, parseProvince, SOURCE, totalPagesOf, validateResponse, type ScopePages } from './parse.ts';

export const dvcqgSource: Source<RequestSpec> = {
  name: SOURCE,
  requests: ({ provinces, period }) => captureRequests(provinces, period),
  page: (spec, page, config) => {
    const { key, body } = pageRequest(spec, page);
    return {
      key,
      request: {
        method: 'POST',
        url: endpointUrl(config.env.dvcqgBaseUrl, spec.endpoint),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
    };
  },
  // Checking the shape of a fresh answer does not need NFC (the parser normalises when it reads).
  validate: (spec, key, body) => ({
    totalPages: totalPagesOf(
      validateResponse(key, spec.endpoint, spec.scope, spec.rootDepartmentId, body, { normalize: false }),
    ),
  }),
  parse: (scope, answers, ctx) => {
    if (scope === 'national') {
      const a = answers[0]!;
      return parseNational(
        validateResponse(a.request_key, 'service-results', scope, null, a.body!, { trusted: ctx.trusted }),
      );
    }
    const root = provinceByCode(scope).rootDepartmentId;
    const pages: ScopePages = {};
    for (const a of answers) {
      const endpoint = a.endpoint as Endpoint;
      (pages[endpoint] ??= []).push(
        validateResponse(a.request_key, endpoint, scope, root, a.body!, { trusted: ctx.trusted }),
      );
    }
    return parseProvince(scope, pages);
  },
};
