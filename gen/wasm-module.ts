/** Just enough of a WebAssembly binary reader to cut function bodies out of binaryen's output. */
import { readUleb } from '../runtime/wasm/leb.js';

export interface ImportEntry { module: string; name: string; kind: number }
export interface FunctionBody { locals: { count: number; type: number }[]; code: Uint8Array }

export interface ParsedModule {
  imports: ImportEntry[];
  /** export name → function index (imports included) */
  functionExports: Map<string, number>;
  /** bodies of defined functions, in function-index order after the imports */
  bodies: FunctionBody[];
}

const KIND_FUNC = 0, KIND_TABLE = 1, KIND_MEMORY = 2, KIND_GLOBAL = 3;

function readName(buf: Uint8Array, pos: number): { value: string; next: number } {
  const len = readUleb(buf, pos);
  return { value: new TextDecoder().decode(buf.subarray(len.next, len.next + len.value)), next: len.next + len.value };
}

function skipLimits(buf: Uint8Array, pos: number): number {
  const flags = buf[pos++];
  pos = readUleb(buf, pos).next;
  if (flags & 1) pos = readUleb(buf, pos).next;
  return pos;
}

export function parseModule(bin: Uint8Array): ParsedModule {
  if (bin[0] !== 0 || bin[1] !== 0x61 || bin[2] !== 0x73 || bin[3] !== 0x6d) throw new Error('not a WebAssembly binary');
  const imports: ImportEntry[] = [];
  const functionExports = new Map<string, number>();
  const bodies: FunctionBody[] = [];
  let pos = 8;
  while (pos < bin.length) {
    const id = bin[pos++];
    const size = readUleb(bin, pos);
    const start = size.next, end = start + size.value;
    let p = start;
    if (id === 2) {
      const n = readUleb(bin, p); p = n.next;
      for (let i = 0; i < n.value; i++) {
        const mod = readName(bin, p); const name = readName(bin, mod.next); p = name.next;
        const kind = bin[p++];
        if (kind === KIND_FUNC) p = readUleb(bin, p).next;
        else if (kind === KIND_TABLE) { p++; p = skipLimits(bin, p); }
        else if (kind === KIND_MEMORY) p = skipLimits(bin, p);
        else if (kind === KIND_GLOBAL) p += 2;
        else throw new Error(`unknown import kind ${kind}`);
        imports.push({ module: mod.value, name: name.value, kind });
      }
    } else if (id === 7) {
      const n = readUleb(bin, p); p = n.next;
      for (let i = 0; i < n.value; i++) {
        const name = readName(bin, p); p = name.next;
        const kind = bin[p++];
        const idx = readUleb(bin, p); p = idx.next;
        if (kind === KIND_FUNC) functionExports.set(name.value, idx.value);
      }
    } else if (id === 10) {
      const n = readUleb(bin, p); p = n.next;
      for (let i = 0; i < n.value; i++) {
        const bodySize = readUleb(bin, p);
        const bodyEnd = bodySize.next + bodySize.value;
        let q = bodySize.next;
        const groups = readUleb(bin, q); q = groups.next;
        const locals: { count: number; type: number }[] = [];
        for (let g = 0; g < groups.value; g++) {
          const c = readUleb(bin, q); q = c.next;
          locals.push({ count: c.value, type: bin[q++] });
        }
        // The body's final `end` closes the function, not a block: leave it out.
        if (bin[bodyEnd - 1] !== 0x0b) throw new Error('function body does not end with `end`');
        bodies.push({ locals, code: bin.slice(q, bodyEnd - 1) });
        p = bodyEnd;
      }
    }
    pos = end;
  }
  return { imports, functionExports, bodies };
}

export const IMPORT_KIND = { func: KIND_FUNC, table: KIND_TABLE, memory: KIND_MEMORY, global: KIND_GLOBAL } as const;
