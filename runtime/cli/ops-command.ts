/** `dynwasm ops`: what the generator produced, for people (a table) and machines (--json). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OpTable, type GeneratedTable } from '../op-table.js';
import { disassemble } from '../wasm/instructions.js';

const GENERATED = join(dirname(fileURLToPath(import.meta.url)), '..', 'generated');
/** Repository root, for reading op sources (dist/runtime/cli → ../../..). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export async function loadTables(): Promise<OpTable[]> {
  if (!existsSync(GENERATED)) throw new CliError('no generated op tables: run `npm run gen` first');
  const targets = readdirSync(GENERATED, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const tables: OpTable[] = [];
  for (const t of targets) {
    const mod = (await import(pathToFileURL(join(GENERATED, t, 'ops.js')).href)) as GeneratedTable;
    tables.push(new OpTable(mod));
  }
  return tables;
}

class CliError extends Error {}

export async function opsCommand(args: string[]): Promise<number> {
  let json = false, target: string | undefined, name: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === '--target') { target = args[++i]; if (!target) return usage('--target needs a value'); }
    else if (a.startsWith('-')) return usage(`unknown option ${a}`);
    else if (name === undefined) name = a;
    else return usage(`unexpected argument ${a}`);
  }
  let tables: OpTable[];
  try {
    tables = await loadTables();
  } catch (e) {
    if (e instanceof CliError) { console.error(`dynwasm ops: ${e.message}`); return 1; }
    throw e;
  }
  if (target) {
    tables = tables.filter((t) => t.target === target);
    if (tables.length === 0) return usage(`unknown target '${target}'`);
  }
  if (name === undefined) {
    if (json) console.log(JSON.stringify(tables.map(tableJson), null, 2));
    else for (const t of tables) printTable(t);
    return 0;
  }
  const found = tables.flatMap((t) => (t.byName.has(name!) ? [[t, t.byName.get(name!)!] as const] : []));
  if (found.length === 0) {
    const all = tables.flatMap((t) => t.ops.map((o) => o.name));
    const close = all.filter((n) => n.includes(name!) || name!.includes(n)).slice(0, 8);
    console.error(`dynwasm ops: no op named '${name}'${close.length ? ` (did you mean ${close.join(', ')}?)` : ''}`);
    return 1;
  }
  if (json) console.log(JSON.stringify(found.map(([t, op]) => opJson(t, op.id, true)), null, 2));
  else for (const [t, op] of found) printOp(t, op.id);
  return 0;
}

function usage(msg: string): number {
  console.error(`dynwasm ops: ${msg}\nusage: dynwasm ops [name] [--target T] [--json]`);
  return 2;
}

function holesText(t: OpTable, opc: number): string {
  return t.ops[opc].holes.map((h) => `P${h.param}@${h.offset}`).join(' ');
}

function printTable(t: OpTable): void {
  const rows = t.ops.map((op) => [String(op.id), op.name, String(op.params), String(t.codeSize[op.id]), op.mayExit ? 'exit' : '', holesText(t, op.id), op.source]);
  const head = ['id', 'name', 'params', 'bytes', 'exit', 'holes', 'source'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 || i === 2 || i === 3 ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ').trimEnd();
  console.log(`target ${t.target}`);
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  const holes = t.ops.reduce((a, op) => a + op.holes.length, 0);
  console.log(`${t.ops.length} ops, ${t.code.length} snippet bytes, ${holes} holes, ${t.helpers.length} helpers; block functions declare ${t.locals.temps} temps, ${t.locals.scratchI32} i32 and ${t.locals.scratchI64} i64 scratch locals`);
}

/** Names for the disassembly: locals as the block function lays them out, calls as helpers. */
function names(t: OpTable) {
  const { temps, scratchI32 } = t.locals;
  return {
    local: (i: number) => (i < temps ? `$T${i}` : i < temps + scratchI32 ? `$s${i - temps}` : `$d${i - temps - scratchI32}`),
    func: (i: number) => `$${t.helpers[i]?.name ?? i}`,
  };
}

function sourceText(source: string): string {
  const m = /^(.*):(\d+)-(\d+)$/.exec(source);
  if (!m) return '';
  const file = join(ROOT, m[1]);
  if (!existsSync(file)) return `(source ${source} not found)`;
  return readFileSync(file, 'utf8').split('\n').slice(Number(m[2]) - 1, Number(m[3])).join('\n');
}

/** Hex bytes, 16 a line, holes shown as [P1:xx xx xx xx xx]. */
function hexWithHoles(t: OpTable, opc: number): string[] {
  const bytes = t.snippet(opc);
  const holeAt = new Map(t.ops[opc].holes.map((h) => [h.offset, h.param]));
  const cells: string[] = [];
  for (let i = 0; i < bytes.length;) {
    const p = holeAt.get(i);
    if (p !== undefined) {
      cells.push(`[P${p}:${Array.from(bytes.subarray(i, i + 5), (b) => b.toString(16).padStart(2, '0')).join(' ')}]`);
      i += 5;
    } else cells.push(bytes[i++].toString(16).padStart(2, '0'));
  }
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += 16) lines.push(cells.slice(i, i + 16).join(' '));
  return lines;
}

function printOp(t: OpTable, opc: number): void {
  const op = t.ops[opc];
  console.log(`op ${op.name} (target ${t.target}, id ${op.id}): ${op.params} param(s), ${t.codeSize[opc]} bytes${op.mayExit ? ', may leave the block' : ''}`);
  console.log(`\n-- TypeScript (${op.source})\n${sourceText(op.source)}`);
  console.log(`\n-- WebAssembly snippet (holes are the i32.const 0 of a parameter)`);
  for (const l of disassemble(t.snippet(opc), names(t))) console.log('  ' + l);
  console.log(`\n-- bytes (holes: ${holesText(t, opc) || 'none'})`);
  for (const l of hexWithHoles(t, opc)) console.log('  ' + l);
}

function opJson(t: OpTable, opc: number, full: boolean) {
  const op = t.ops[opc];
  return {
    id: op.id, name: op.name, target: t.target, params: op.params, size: t.codeSize[opc], mayExit: op.mayExit,
    holes: op.holes, source: op.source,
    ...(full ? { code: op.code, wat: disassemble(t.snippet(opc), names(t)), typescript: sourceText(op.source) } : {}),
  };
}

function tableJson(t: OpTable) {
  return { target: t.target, locals: t.locals, helpers: t.helpers.map((h) => ({ name: h.name, params: h.params, returnsValue: h.returnsValue })), ops: t.ops.map((op) => opJson(t, op.id, false)) };
}
