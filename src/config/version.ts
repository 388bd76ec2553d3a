/** The package version, read once from package.json (found from src/ or from dist/src/). */
import { existsSync, readFileSync } from 'node:fs';

function findPackageJson(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(url)) {
      const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'chiso766' && pkg.version) return pkg.version;
    }
  }
  return '0.0.0';
}

export const VERSION = findPackageJson();
