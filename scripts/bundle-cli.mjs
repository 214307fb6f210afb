#!/usr/bin/env node
// The user-mode emulators' CLIs (dist/runtime/cli/{arm,i386}-linux.js) bundled into one module
// each, dist/runtime/cli/<cli>.bundle.mjs, by esbuild (koffi stays outside: a native addon).
// Node then loads one file instead of ~80 (about 50 ms less CPU time per emulator process, and
// every fork starts one: docs/performance.md). bin/launch.js runs a bundle only while no file it
// was made from is newer (the list is <cli>.bundle.mjs.inputs.json), so a `tsc` without this
// step falls back to dist/ as it is. Without esbuild installed, nothing is bundled.
//
// Then each CLI's V8 start-up snapshot (runtime/cli/snapshot.ts): <cli>-snapshot.js bundled into
// one CommonJS script, <cli>.snapshot.cjs (a snapshot's entry may require built-in modules only:
// koffi is loaded at its first use, from the project's node_modules), run by
// `node --build-snapshot` into <cli>.blob, then <cli>.blob.json and <cli>.blob.sh (what snapshot.ts
// and bin/launch.sh check before they use the blob). A Node without --build-snapshot, or a build that fails, leaves no
// blob: the CLIs then start as before. DYNWASM_SNAPSHOT=0 makes none.
// Run by `npm run gen` and `npm run build`, after tsc.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI_DIR = join(ROOT, 'dist/runtime/cli');
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.error('bundle-cli: esbuild is not installed: the CLIs run from dist/ unbundled');
  process.exit(0);
}

/** The inputs of an esbuild build, absolute. */
const inputsOf = (r) => Object.keys(r.metafile.inputs).filter((f) => !f.includes(':')).map((f) => resolve(ROOT, f));

/**
 * koffi's native module, as koffi's loader finds it here (the snapshot loads it straight with
 * process.dlopen: koffi's loader, which looks for the host's C library and its own files, costs
 * ~10 ms of every start), and koffi's version; undefined without koffi.
 */
function koffiNative() {
  try {
    const require = createRequire(join(ROOT, 'package.json'));
    const { version } = require('koffi');
    const file = Object.keys(require.cache).find((f) => f.endsWith('.node') && require.cache[f].exports?.version === version);
    return file && { file, version };
  } catch {
    return undefined;
  }
}
const KOFFI = koffiNative();

/** koffi in the snapshot's bundle: loaded at its first use (after the start), koffi's loader if the native module is not where it was. */
const koffiAtFirstUse = {
  name: 'koffi-at-first-use',
  setup(b) {
    b.onResolve({ filter: /^koffi$/ }, () => ({ path: 'koffi', namespace: 'koffi-at-first-use' }));
    b.onLoad({ filter: /.*/, namespace: 'koffi-at-first-use' }, () => ({
      loader: 'js', resolveDir: ROOT,
      contents: `let koffi;
function native() {
  const m = { exports: {} };
  try { process.dlopen(m, ${JSON.stringify(KOFFI?.file ?? '')}); } catch { return undefined; }
  return m.exports.version === ${JSON.stringify(KOFFI?.version ?? '')} ? m.exports : undefined;
}
const load = () => koffi ??= native() ?? require('node:module').createRequire(${JSON.stringify(join(ROOT, 'package.json'))})('koffi');
module.exports = new Proxy({}, { get: (_, name) => load()[name] });`,
    }));
  },
};

/** Build dist/runtime/cli/<cli>.blob and its <cli>.blob.json, or remove them. */
async function buildSnapshot(cli) {
  const entry = join(CLI_DIR, `${cli}-snapshot.js`);
  const script = join(CLI_DIR, `${cli}.snapshot.cjs`);
  const blob = join(CLI_DIR, `${cli}.blob`);
  for (const f of [`${blob}.sh`, `${blob}.json`, blob, script]) rmSync(f, { force: true });
  if (process.env.DYNWASM_SNAPSHOT === '0' || !existsSync(entry)) return;
  const r = await esbuild.build({
    entryPoints: [entry], outfile: script, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    // Code that reads files beside itself reads them when the snapshot is built, as the ES
    // module bundle beside it, made from the same files (translation-cache.ts's buildIdentity is
    // that bundle's, so the cache's files are the same whichever way the CLI starts).
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(CLI_DIR, `${cli}.bundle.mjs`)).href) },
    plugins: [koffiAtFirstUse], metafile: true, logLevel: 'warning',
  });
  const tmp = `${blob}.tmp`;
  const made = spawnSync(process.execPath, ['--snapshot-blob', tmp, '--build-snapshot', script], { cwd: CLI_DIR, encoding: 'utf8' });
  if (made.status !== 0 || !existsSync(tmp)) {
    rmSync(tmp, { force: true });
    console.error(`bundle-cli: no start-up snapshot for ${cli} (${(made.stderr || made.error?.message || '').trim().split('\n')[0] || `status ${made.status}`}): it starts without one`);
    return;
  }
  renameSync(tmp, blob);
  const inputs = [...inputsOf(r), join(CLI_DIR, `${cli}.bundle.mjs`), join(ROOT, 'package.json'), ...(KOFFI ? [KOFFI.file] : [])];
  writeFileSync(`${blob}.json`, JSON.stringify({ node: process.version, execPath: process.execPath, size: statSync(blob).size, inputs }));
  // The same for bin/launch.sh, which chooses the snapshot before Node starts.
  const sh = (s) => `'${s.replaceAll("'", "'\\''")}'`;
  writeFileSync(`${blob}.sh`, `# scripts/bundle-cli.mjs: what ${cli}.blob was made by and from, for bin/launch.sh\n`
    + `snapshot_node=${sh(process.execPath)}\nsnapshot_inputs=${sh(inputs.join('\n'))}\n`);
}

for (const cli of ['arm-linux', 'i386-linux']) {
  const entry = join(CLI_DIR, `${cli}.js`);
  const out = join(CLI_DIR, `${cli}.bundle.mjs`);
  rmSync(`${out}.inputs.json`, { force: true });
  if (!existsSync(entry)) continue;
  const r = await esbuild.build({
    entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    external: ['koffi'], metafile: true, logLevel: 'warning',
  });
  // The inputs, absolute, then this script's own output (written last: its time is the bundle's).
  writeFileSync(`${out}.inputs.json`, JSON.stringify(inputsOf(r)));
  await buildSnapshot(cli);
}
