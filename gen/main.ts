/**
 * `npm run gen`: ops/ → binaryen → snippets with holes → runtime/generated/<target>/ops.ts.
 * Deterministic: the same sources always give the same bytes.
 */
import binaryen from 'binaryen';
import Handlebars from 'handlebars';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NUM_PARAMS, NUM_TEMPS } from '../ops/core.js';
import { blockLocalWords, collectOps, createProject, listTargets } from './collect.js';
import { decodeOp, extractSnippet, importMaps, localLayout, type Snippet } from './extract.js';
import { GenError, IMPORTS, OpLowering, PARAM_NAMES, TEMP_NAMES, localWordGlobal, relativePath, type HelperRef, type LoweredOp } from './lower.js';
import { parseModule } from './wasm-module.js';
import { blockModuleTypes } from '../runtime/wasm/module-builder.js';

/** The repository root: the nearest folder above this file with a package.json (works from dist/ too). */
const ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('gen: cannot find the repository root');
    dir = up;
  }
  return dir;
})();

interface Options { opsDir: string; outDir: string; quiet: boolean }

function parseArgs(argv: string[]): Options {
  const o: Options = { opsDir: 'ops', outDir: 'runtime/generated', quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--ops') o.opsDir = argv[++i];
    else if (a === '--out') o.outDir = argv[++i];
    else if (a === '--quiet' || a === '-q') o.quiet = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run gen [-- --ops DIR] [--out DIR] [--quiet]');
      process.exit(0);
    } else throw new UsageError(`unknown option ${a}`);
  }
  if (o.opsDir === undefined || o.outDir === undefined) throw new UsageError('--ops and --out need a value');
  return o;
}

class UsageError extends Error {}

export interface TargetSummary { target: string; ops: number; bytes: number; holes: number; helpers: number }

export function generate(opts: Options): TargetSummary[] {
  const log = (msg: string) => { if (!opts.quiet) process.stderr.write(msg + '\n'); };
  const project = createProject();
  const summaries: TargetSummary[] = [];
  const targets = listTargets(opts.opsDir);
  if (targets.length === 0) throw new Error(`${opts.opsDir}: no target folders (ops/<target>/)`);
  for (const target of targets) {
    const sources = collectOps(project, opts.opsDir, target);
    const localWords = blockLocalWords(project, opts.opsDir, target);
    log(`gen ${target}: ${sources.length} ops from ${new Set(sources.map((s) => s.file)).size} files`);

    // 1. Lower every op into one binaryen module; temps and params are imported globals so
    //    that binaryen cannot assume their values, exit_tb is an imported call.
    binaryen.setOptimizeLevel(2);
    binaryen.setShrinkLevel(0);
    const m = new binaryen.Module();
    m.setFeatures(binaryen.Features.MVP | binaryen.Features.SignExt | binaryen.Features.MutableGlobals);
    for (const t of TEMP_NAMES) m.addGlobalImport(t, IMPORTS.module, t, binaryen.i32, true);
    for (const p of PARAM_NAMES) m.addGlobalImport(p, IMPORTS.module, p, binaryen.i32, false);
    for (const k of localWords) m.addGlobalImport(localWordGlobal(k), IMPORTS.module, localWordGlobal(k), binaryen.i32, true);
    m.setMemory(1, -1, null, [], false, false, 'memory');
    m.addMemoryImport('memory', IMPORTS.module, 'memory');
    const helpers = new Map<string, HelperRef>();
    const lowered: LoweredOp[] = [];
    sources.forEach((src, i) => {
      progress(opts, `gen ${target}: lowering`, i + 1, sources.length);
      const op = new OpLowering(m, src.fn, src.expansion, helpers, localWords).lower();
      m.addFunction(src.name, binaryen.none, binaryen.none, op.vars, op.body);
      m.addFunctionExport(src.name, src.name);
      lowered.push(op);
    });
    const helperList = [...helpers.values()].sort((a, b) => a.name.localeCompare(b.name));
    for (const h of helperList) {
      m.addFunctionImport(h.name, IMPORTS.helperModule, h.name, binaryen.createType(Array(h.params).fill(binaryen.i32)), h.returnsValue ? binaryen.i32 : binaryen.none);
    }
    m.addFunctionImport(IMPORTS.exit, IMPORTS.module, IMPORTS.exit, binaryen.none, binaryen.none);
    if (!m.validate()) throw new Error(`${target}: binaryen rejected the lowered ops (see above)`);

    // 2. Optimise, emit, and cut the bodies out of the binary.
    log(`gen ${target}: optimising with binaryen`);
    m.optimize();
    const bin = m.emitBinary();
    m.dispose();
    const parsed = parseModule(bin);
    const helperIndex = new Map(helperList.map((h, i) => [h.name, i]));
    const maps = importMaps(parsed.imports, helperIndex, blockModuleTypes(helperList).helperTypes, localWords);
    const funcImports = maps.funcs.length;
    const decoded = sources.map((src) => {
      const idx = parsed.functionExports.get(src.name);
      if (idx === undefined) throw new Error(`op ${src.name} missing from binaryen's output`);
      return decodeOp(parsed.bodies[idx - funcImports]);
    });
    const layout = localLayout(decoded, NUM_TEMPS, localWords.length);
    const snippets: Snippet[] = decoded.map((d) => extractSnippet(d, layout, maps));
    snippets.forEach((sn, i) => {
      // The code generator reloads word locals only after such an op, not inside it.
      if (lowered[i].syncsLocals && (sn.wordReads | sn.wordWrites) !== 0) {
        throw new GenError(sources[i].fn, `${sources[i].name} calls a helper that may touch BLOCK_LOCAL_WORDS and also reads or writes them itself: split the op, or tag the helper @noLocalWords if it does not touch them`);
      }
    });

    // 3. Write the op table.
    const outDir = join(opts.outDir, target);
    mkdirSync(outDir, { recursive: true });
    const outFile = join(outDir, 'ops.ts');
    const text = render(target, outFile, sources, lowered, snippets, helperList, layout, localWords);
    writeFileSync(outFile, text);
    const summary = {
      target, ops: sources.length, bytes: snippets.reduce((a, s) => a + s.bytes.length, 0),
      holes: snippets.reduce((a, s) => a + s.holes.length, 0), helpers: helperList.length,
    };
    summaries.push(summary);
  }
  return summaries;
}

function progress(opts: Options, what: string, i: number, n: number): void {
  if (opts.quiet || !process.stderr.isTTY) return;
  if (i === n || i % 16 === 0) process.stderr.write(`\r${what} ${i}/${n}` + (i === n ? '\n' : ''));
}

function importPath(fromFile: string, file: string): string {
  let p = relative(dirname(fromFile), file).replace(/\\/g, '/').replace(/\.ts$/, '.js');
  if (!p.startsWith('.')) p = './' + p;
  return p;
}

function render(
  target: string, outFile: string, sources: ReturnType<typeof collectOps>, lowered: LoweredOp[],
  snippets: Snippet[], helpers: HelperRef[], layout: ReturnType<typeof localLayout>, localWords: number[],
): string {
  const byFile = new Map<string, Set<string>>();
  const add = (file: string, name: string) => {
    const abs = join(ROOT, file.startsWith('/') ? relativePath(file) : file);
    if (!byFile.has(abs)) byFile.set(abs, new Set());
    byFile.get(abs)!.add(name);
  };
  for (const s of sources) add(s.file, s.fn.getName()!);
  for (const h of helpers) add(h.file, h.name);
  const imports = [...byFile].sort((a, b) => a[0].localeCompare(b[0])).map(([file, names]) => ({
    path: importPath(join(ROOT, outFile), file),
    names: [...names].sort().join(', '),
  }));
  const ops = sources.map((s, id) => {
    const fname = s.fn.getName()!;
    const args = [...s.expansion.values()];
    return {
      id, name: s.name, params: lowered[id].params, mayExit: lowered[id].mayExit, writesMemory: lowered[id].writesMemory,
      source: `${s.file}:${s.line}-${s.endLine}`,
      code: Buffer.from(snippets[id].bytes).toString('hex'),
      holes: snippets[id].holes,
      exits: snippets[id].exits,
      wordReads: snippets[id].wordReads, wordWrites: snippets[id].wordWrites,
      syncsWords: lowered[id].syncsLocals && localWords.length > 0,
      interp: args.length ? `(s) => ${fname}(s, ${args.join(', ')})` : fname,
      paramNames: Array.from({ length: lowered[id].params }, (_, k) => `p${k + 1}`),
    };
  });
  const template = Handlebars.compile(readFileSync(join(ROOT, 'gen/templates/ops.ts.hbs'), 'utf8'), { noEscape: true });
  return template({ target, imports, helpers, ops, layout, localWords: localWords.join(', ') });
}

function main(): void {
  const t0 = performance.now();
  let opts: Options;
  try {
    opts = parseArgs(process.argv.slice(2));
    if (!existsSync(opts.opsDir)) throw new UsageError(`${opts.opsDir}: no such directory`);
  } catch (e) {
    console.error(`gen: ${(e as Error).message}`);
    process.exit(2);
  }
  try {
    const summaries = generate(opts);
    const ms = performance.now() - t0;
    for (const s of summaries) {
      console.log(`gen: ${s.target}: ${s.ops} ops, ${s.bytes} snippet bytes, ${s.holes} holes, ${s.helpers} helpers, ${(ms / 1000).toFixed(1)} s`);
    }
    process.exit(0);
  } catch (e) {
    if (e instanceof GenError) {
      console.error(e.message);
      process.exit(1);
    }
    // An internal error: keep the stack, but not binaryen's megabyte-long minified source lines.
    const stack = ((e as Error).stack ?? String(e)).split('\n').map((l) => (l.length > 300 ? l.slice(0, 300) + '…' : l));
    console.error(`gen: internal error: ${stack.join('\n')}`);
    process.exit(70);
  }
}

main();
