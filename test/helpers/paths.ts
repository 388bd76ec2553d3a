import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEMO_DVCQG = path.join(ROOT, 'demo/dvcqg');
export const CAPTURE_16 = path.join(DEMO_DVCQG, 'capture-2026-11-16');
export const CAPTURE_23 = path.join(DEMO_DVCQG, 'capture-2026-11-23');
export const FIXTURES = path.join(ROOT, 'test/fixtures');
export const ERRORS = path.join(FIXTURES, 'dvcqg/errors');
export const LEGACY = path.join(FIXTURES, 'dvcqg/legacy-2025');
export const BIN = path.join(ROOT, 'bin/chiso766.js');
