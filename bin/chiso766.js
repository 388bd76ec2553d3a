#!/usr/bin/env node
// Entry point. From a source checkout the TypeScript runs through tsx (no build step needed);
// an image that ships only the compiled dist/ runs that.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/src/cli/main.js', import.meta.url).href);
}
