/** A Config for in-process tests: the YAML given, the environment given (no file, no process env). */
import { loadEnv, parseConfigText, type Config } from '../../src/config/load.ts';

export function testConfig(yaml = 'province: H19\n', env: Record<string, string> = {}): Config {
  const { province, ...rest } = parseConfigText(yaml, 'test.yaml');
  const provinces =
    province === undefined ? [] : province === 'all' ? [] : Array.isArray(province) ? province : [province];
  return {
    ...rest,
    file: null,
    provinces,
    nationalMode: provinces.length > 1,
    env: loadEnv({ LOG_LEVEL: 'silent', CHISO766_HTTP_DELAY_MS: '0', ...env }),
  };
}
