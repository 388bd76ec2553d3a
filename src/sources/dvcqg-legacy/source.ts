/** The legacy form API (`rest.jsp`) as a source: history before 2026, one request per scope. */
import type { Source } from '../source.ts';
import {
  LEGACY_PATH,
  LEGACY_SOURCE,
  legacyFormBody,
  legacyRequests,
  parseLegacy,
  type LegacyRequestSpec,
} from './legacy.ts';

export const legacySource: Source<LegacyRequestSpec> = {
  name: LEGACY_SOURCE,
  requests: ({ provinces, period }) => legacyRequests(provinces, period),
  page: (spec, _page, config) => ({
    key: spec.key,
    request: {
      method: 'POST',
      url: `${config.env.dvcqgBaseUrl.replace(/\/+$/, '')}${LEGACY_PATH}`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
        'x-requested-with': 'XMLHttpRequest',
      },
      body: legacyFormBody(spec),
    },
  }),
  validate: (spec, key, body) => {
    parseLegacy(key, spec.scope, body);
    return { totalPages: 1 };
  },
  parse: (scope, answers) => parseLegacy(answers[0]!.request_key, scope, answers[0]!.body!),
};
