/**
 * The house's arrows (docs/design.md), checked on every import of src/: a test that fails the day a
 * room starts to lean on one it must not.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.ts';

const SRC = path.join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

interface Edge {
  from: string;
  /** `src/…` path for our modules, the package name otherwise. */
  to: string;
  typeOnly: boolean;
}

const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8');
    const from = path.relative(ROOT, file);
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[3] ?? m[4]!;
      const to = spec.startsWith('.')
        ? path.relative(ROOT, path.resolve(path.dirname(file), spec))
        : spec.split('/')[0]!.startsWith('@')
          ? spec.split('/').slice(0, 2).join('/')
          : spec.split('/')[0]!;
      out.push({ from, to, typeOnly: Boolean(m[2]) });
    }
  }
  return out;
}

const all = edges();
const room = (p: string) => (p.startsWith('src/') ? p.split('/')[1]!.replace(/\.ts$/, '') : null);
const violations = (pred: (e: Edge) => boolean) => all.filter(pred).map((e) => `${e.from} → ${e.to}`);

describe('architecture', () => {
  it('reads the imports of the whole house', () => {
    expect(all.length).toBeGreaterThan(300);
    expect(new Set(all.map((e) => room(e.from)))).toEqual(
      new Set([
        'alerts',
        'cli',
        'config',
        'cycle',
        'db',
        'domain',
        'drilldown',
        'log',
        'mail',
        'offline',
        'processes',
        'queue',
        'report',
        'rules',
        'server',
        'snapshots',
        'sources',
        'units',
      ]),
    );
  });

  it('domain/ is pure vocabulary: it imports nothing else of src/', () => {
    expect(violations((e) => room(e.from) === 'domain' && room(e.to) !== null && room(e.to) !== 'domain')).toEqual([]);
  });

  it('rules/ imports only domain/ (and config types)', () => {
    expect(
      violations(
        (e) =>
          room(e.from) === 'rules' &&
          room(e.to) !== null &&
          !['rules', 'domain'].includes(room(e.to)!) &&
          !(room(e.to) === 'config' && e.typeOnly),
      ),
    ).toEqual([]);
  });

  it('sources/ imports only domain/ and config/', () => {
    expect(
      violations(
        (e) =>
          room(e.from) === 'sources' && room(e.to) !== null && !['sources', 'domain', 'config'].includes(room(e.to)!),
      ),
    ).toEqual([]);
  });

  it('only queue/ imports bullmq; cycle/ never does', () => {
    expect(violations((e) => e.to === 'bullmq' && room(e.from) !== 'queue')).toEqual([]);
    expect(violations((e) => room(e.from) === 'cycle' && room(e.to) === 'queue')).toEqual([]);
  });

  it('nothing imports offline/ except cli/', () => {
    expect(violations((e) => room(e.to) === 'offline' && !['cli', 'offline'].includes(room(e.from)!))).toEqual([]);
  });

  it('the arrows point inward: nothing imports cli/; the pure core imports no I/O package', () => {
    expect(violations((e) => room(e.to) === 'cli' && room(e.from) !== 'cli')).toEqual([]);
    const io = [
      'kysely',
      'pg',
      'ioredis',
      'bullmq',
      'undici',
      'nodemailer',
      'express',
      'node:fs',
      'node:http',
      'node:net',
      'node:child_process',
      '@electric-sql/pglite',
    ];
    expect(violations((e) => ['domain', 'rules'].includes(room(e.from)!) && io.includes(e.to))).toEqual([]);
  });
});
