#!/usr/bin/env node
// Launcher: the CLI is TypeScript compiled by `npm run gen` into dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const main = fileURLToPath(new URL('../dist/runtime/cli/system-arm.js', import.meta.url));
if (!existsSync(main)) {
  console.error('dynwasm-system-arm: not built yet: run `npm run gen` first');
  process.exit(2);
}
await import(pathToFileURL(main).href);
