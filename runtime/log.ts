/**
 * QEMU-style logging: `-d in_asm,op,out_asm,exec,int` with `-D logfile` (stderr otherwise).
 * The items print guest disassembly per translated block, its micro-op stream, the generated
 * WebAssembly, every block executed, and every exception taken.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { OpBuffer } from './op-buffer.js';
import type { OpTable } from './op-table.js';
import type { RegionModule } from './codegen.js';
import type { TranslationBlock } from './tb.js';
import { disassemble } from './wasm/instructions.js';

export const LOG_ITEMS = {
  in_asm: 'guest instructions of each translated block',
  op: 'the micro-op stream of each translated block, with parameters',
  out_asm: 'the WebAssembly generated for each block (JIT)',
  exec: 'a line per block executed',
  cpu: 'the CPU registers before each block executed (QEMU\'s format)',
  int: 'exceptions and interrupts taken',
} as const;
export type LogItem = keyof typeof LOG_ITEMS;

/** Parse `-d` items; throws with a message listing the valid ones. */
export function parseLogItems(spec: string): Set<LogItem> {
  const items = new Set<LogItem>();
  for (const raw of spec.split(',')) {
    const it = raw.trim();
    if (it === '') continue;
    if (!(it in LOG_ITEMS)) {
      throw new Error(`unknown log item '${it}'; valid items: ${Object.keys(LOG_ITEMS).join(', ')}`);
    }
    items.add(it as LogItem);
  }
  return items;
}

/** What the target tells the log about its block flags and exceptions (the log names no CPU). */
export interface LogTarget {
  /** Text after a block's address for its flags word (e.g. ' thumb'), '' for none. */
  flagsText(flags: number): string;
  exceptionName(excp: number): string;
}
const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

export class Logger {
  private fd: number;
  private buf: string[] = [];
  private pending = 0;

  constructor(readonly items: Set<LogItem>, file?: string) {
    // /dev/fd/N is written directly: opening it fails when N is a socket (Node's child pipes).
    const inherited = file ? /^\/dev\/fd\/(\d+)$/.exec(file) : null;
    this.fd = inherited ? Number(inherited[1]) : file ? openSync(file, 'w') : 2;
    this.owned = !inherited && file !== undefined;
  }
  private owned: boolean;

  /** Log to `file` from now on (the monitor's `logfile`); throws if it cannot be opened. */
  setFile(file: string): void {
    const fd = openSync(file, 'w');
    this.flush();
    if (this.owned) closeSync(this.fd);
    this.fd = fd;
    this.owned = true;
  }

  has(item: LogItem): boolean { return this.items.has(item); }
  /** Set by the CPU. */
  target: LogTarget = { flagsText: (f) => (f ? ` flags=${f.toString(16)}` : ''), exceptionName: () => '?' };

  private write(s: string): void {
    this.buf.push(s);
    this.pending += s.length;
    if (this.pending > 1 << 16) this.flush();
  }
  flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.pending = 0;
  }
  close(): void {
    this.flush();
    if (this.owned) closeSync(this.fd);
  }

  inAsm(insns: { pc: number; insn: number; size: number; bytes?: number[]; text: string }[]): void {
    let s = '----------------\nIN:\n';
    for (const i of insns) {
      const code = i.bytes ? i.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(20) : `${(i.insn >>> 0).toString(16).padStart(i.size * 2, '0')}    `;
      s += `0x${hex8(i.pc)}:  ${code}  ${i.text}\n`;
    }
    this.write(s + '\n');
  }

  ops(table: OpTable, ob: OpBuffer, pc: number): void {
    let s = `OP: (block at 0x${hex8(pc)}, ${ob.count} ops)\n`;
    const w = ob.words;
    for (let i = 0; i < ob.length;) {
      const opc = w[i], np = table.paramCount[opc];
      const params = Array.from(w.subarray(i + 1, i + 1 + np), (p) => `0x${(p >>> 0).toString(16)}`);
      s += ` ${table.opName(opc)}${params.length ? ' ' + params.join(', ') : ''}\n`;
      i += 1 + np;
    }
    this.write(s + '\n');
  }

  /** The region functions of a freshly compiled module (codegen.ts buildRegionModule), as WebAssembly text. */
  outAsm(module: RegionModule, tbs: TranslationBlock[]): void {
    const bodies = codeSectionBodies(module.bytes);
    let s = `OUT: module of ${tbs.length} block(s), ${module.bytes.length} bytes\n`;
    module.regions.forEach((members, r) => {
      const names = members.map((i) => `0x${hex8(tbs[i].pc)}${this.target.flagsText(tbs[i].flags)}`);
      s += `;; region of ${members.length} block(s): ${names.join(', ')}\n`;
      if (bodies[r]) for (const line of disassemble(bodies[r])) s += `  ${line}\n`;
    });
    this.write(s + '\n');
  }

  /** Text the target formats itself (the `cpu` item's register dump). */
  text(s: string): void { this.write(s); }

  exec(tb: TranslationBlock): void {
    this.write(`Trace: [${hex8(tb.pc)}${this.target.flagsText(tb.flags)}] ${tb.insns} insns\n`);
  }

  /** An exception taken at `pc` in a block with `flags`; `faultAddr` for data aborts and page faults. */
  interrupt(excp: number, pc: number, flags: number, faultAddr?: number): void {
    const extra = faultAddr !== undefined ? ` addr 0x${hex8(faultAddr)}` : '';
    this.write(`Taking exception ${excp} [${this.target.exceptionName(excp)}] at pc 0x${hex8(pc)}${this.target.flagsText(flags)}${extra}\n`);
  }
}

/** Split a module's code section into function bodies (without their locals header). */
function codeSectionBodies(m: Uint8Array): Uint8Array[] {
  let p = 8;
  const uleb = (): number => { let v = 0, shift = 0, b; do { b = m[p++]; v |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80); return v >>> 0; };
  while (p < m.length) {
    const id = m[p++], size = uleb(), end = p + size;
    if (id !== 10) { p = end; continue; }
    const n = uleb();
    const out: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const len = uleb(), bodyEnd = p + len;
      const groups = uleb();
      for (let g = 0; g < groups; g++) { uleb(); p++; }
      out.push(m.subarray(p, bodyEnd));
      p = bodyEnd;
    }
    return out;
  }
  return [];
}
