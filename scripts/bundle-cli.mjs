#!/usr/bin/env node
// The user-mode emulators' CLIs (dist/runtime/cli/{arm,i386}-linux.js) bundled into one module
// each, dist/runtime/cli/<cli>.bundle.mjs, by esbuild (koffi stays outside: a native addon).
// Node then loads one file instead of ~80 (about 50 ms less CPU time per emulator process, and
// every fork starts one: docs/performance.md). bin/launch.js runs a bundle only while no file it
// was made from is newer (the list is <cli>.bundle.mjs.inputs.json), so a `tsc` without this
// step falls back to dist/ as it is. Without esbuild installed, nothing is bundled.
// Run by `npm run gen` and `npm run build`, after tsc.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.error('bundle-cli: esbuild is not installed: the CLIs run from dist/ unbundled');
  process.exit(0);
}
for (const cli of ['arm-linux', 'i386-linux']) {
  const entry = join(ROOT, 'dist/runtime/cli', `${cli}.js`);
  const out = join(ROOT, 'dist/runtime/cli', `${cli}.bundle.mjs`);
  rmSync(`${out}.inputs.json`, { force: true });
  if (!existsSync(entry)) continue;
  const r = await esbuild.build({
    entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    external: ['koffi'], metafile: true, logLevel: 'warning',
  });
  // The inputs, absolute, then this script's own output (written last: its time is the bundle's).
  const inputs = Object.keys(r.metafile.inputs).map((f) => resolve(ROOT, f));
  writeFileSync(`${out}.inputs.json`, JSON.stringify(inputs));
}
