/** The portal HTTP client as configured: allowed origins, politeness delay, timeout, contact. */
import type { Config } from '../config/load.ts';
import { LocalPoliteness, PortalHttp, type Politeness } from './http.ts';

export function portalOrigins(config: Config): string[] {
  const origins = [config.env.dvcqgBaseUrl];
  if (config.provincial) {
    origins.push(config.provincial.baseUrl);
    if (config.provincial.tokenUrl) origins.push(config.provincial.tokenUrl);
  }
  return origins;
}

export function createPortalHttp(config: Config, politeness?: Politeness): PortalHttp {
  return new PortalHttp({
    allowedOrigins: portalOrigins(config),
    politeness: politeness ?? new LocalPoliteness(config.env.httpDelayMs),
    timeoutMs: config.portal.timeoutMs,
    contact: config.portal.contact,
  });
}
