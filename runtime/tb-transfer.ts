/**
 * Translated blocks handed from one emulator process to another that has the same guest
 * memory: a forked child gets its parent's blocks with the fork's state, and runs them without
 * translating the same code again (fork.ts). The blocks travel as their micro-op streams (the
 * front end's output), not as WebAssembly: V8 cannot share compiled code between processes, so
 * the child compiles what proves hot in it, as it would its own translations.
 *
 * The stream is only valid for the same op table (the same build of the generator's output)
 * and the same memory contents: it carries the table's fingerprint, and the child takes it
 * before it runs any guest code, right after the memory was copied.
 *
 * Layout (little-endian i32 words): MAGIC, VERSION, fingerprint, block count, then per block
 * pc, flags, phys, insns, size, range words n, ranges[n], successors m, (pc, flags)[m],
 * op count, op words k, ops[k].
 */
import { OpBuffer } from './op-buffer.js';
import type { OpTable } from './op-table.js';
import type { TranslationBlock } from './tb.js';
import type { BlockKey } from './translator.js';

const MAGIC = 0x42545744; // "DWTB"
const VERSION = 1;

const fingerprints = new WeakMap<OpTable, number>();

/** A hash of what the op numbers mean: every op's name, parameter count and snippet bytes (FNV-1a). */
export function tableFingerprint(table: OpTable): number {
  let h = fingerprints.get(table);
  if (h !== undefined) return h;
  h = 0x811c9dc5;
  const mix = (b: number): void => { h = Math.imul(h! ^ b, 0x01000193); };
  for (const op of table.ops) {
    for (let i = 0; i < op.name.length; i++) mix(op.name.charCodeAt(i));
    mix(op.params);
  }
  for (let i = 0; i < table.code.length; i++) mix(table.code[i]);
  h >>>= 0;
  fingerprints.set(table, h);
  return h;
}

/** One block's words in the stream's layout (blockAt reads them back). */
export function blockWords(tb: TranslationBlock): Int32Array {
  const out = new Int32Array(9 + tb.ranges.length + 2 * tb.successors.length + tb.ob.length);
  let at = 0;
  out[at++] = tb.pc; out[at++] = tb.flags; out[at++] = tb.phys; out[at++] = tb.insns; out[at++] = tb.size;
  out[at++] = tb.ranges.length;
  for (const r of tb.ranges) out[at++] = r;
  out[at++] = tb.successors.length;
  for (const k of tb.successors) { out[at++] = k.pc; out[at++] = k.flags; }
  out[at++] = tb.ob.count;
  out[at++] = tb.ob.length;
  out.set(tb.ob.words.subarray(0, tb.ob.length), at);
  return out;
}

/** A stream of blocks given by their words (blockWords, or indexedBlockWords of another stream). */
export function encodeBlockWords(table: OpTable, blocks: readonly Int32Array[]): Uint8Array {
  const out = new Int32Array(4 + blocks.reduce((n, b) => n + b.length, 0));
  out[0] = MAGIC; out[1] = VERSION; out[2] = tableFingerprint(table); out[3] = blocks.length;
  let at = 4;
  for (const b of blocks) { out.set(b, at); at += b.length; }
  return new Uint8Array(out.buffer);
}

/** The blocks as one byte array (see the layout above). */
export function encodeBlocks(table: OpTable, blocks: readonly TranslationBlock[]): Uint8Array {
  return encodeBlockWords(table, blocks.map(blockWords));
}

/** A well-formed block stream's words, and where each block starts in them (blockIndex). */
export interface BlockIndex {
  readonly words: Int32Array;
  /** Each block's first word (its pc), and (last) the stream's end. */
  readonly starts: Int32Array;
}

/** The words of block `i` of an index, as blockWords made them. */
export function indexedBlockWords(index: BlockIndex, i: number): Int32Array {
  return index.words.subarray(index.starts[i], index.starts[i + 1]);
}

/**
 * Check `bytes` and find its blocks without decoding them: undefined if they were made by
 * another op table or are not a well-formed block stream. blockAt decodes one. The words are
 * a view of `bytes` where it is 4-byte aligned (a copy otherwise).
 */
export function blockIndex(table: OpTable, bytes: Uint8Array): BlockIndex | undefined {
  if (bytes.length % 4 !== 0 || bytes.length < 16) return undefined;
  const w = bytes.byteOffset % 4 === 0
    ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
    : new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  if (w[0] !== MAGIC || w[1] !== VERSION || w[2] >>> 0 !== tableFingerprint(table)) return undefined;
  const count = w[3], end = w.length;
  if (count < 0 || count > (end - 4) / 9) return undefined;
  const starts = new Int32Array(count + 1);
  let at = 4;
  // Each count must leave the block inside the stream: a damaged count cannot send a reader past it.
  for (let b = 0; b < count; b++) {
    starts[b] = at;
    if (at + 6 > end) return undefined;
    const ranges = w[at + 5]; // the header, then the ranges
    if (ranges < 0 || (at += 6 + ranges) + 1 > end) return undefined;
    const successors = w[at]; // their count, then (pc, flags) pairs
    if (successors < 0 || (at += 1 + 2 * successors) + 2 > end) return undefined;
    const ops = w[at + 1]; // the op count, the op words, then the ops
    if (ops < 0 || (at += 2 + ops) > end) return undefined;
  }
  starts[count] = at;
  return at === end ? { words: w, starts } : undefined;
}

/** The block that starts at word `at` of an indexed stream (blockIndex). */
export function blockAt(w: Int32Array, at: number): TranslationBlock {
  const [pc, flags, phys, insns, size, nRanges] = w.subarray(at, at + 6);
  at += 6;
  const ranges = Array.from(w.subarray(at, at + nRanges), (r) => r >>> 0);
  at += nRanges;
  const nSucc = w[at++];
  const successors: BlockKey[] = [];
  for (let i = 0; i < nSucc; i++) successors.push({ pc: w[at + 2 * i] >>> 0, flags: w[at + 2 * i + 1] });
  at += 2 * nSucc;
  const opCount = w[at++], opWords = w[at++];
  const ob = new OpBuffer(0);
  ob.words = w.slice(at, at + opWords);
  ob.length = opWords;
  ob.count = opCount;
  return { pc: pc >>> 0, flags, phys: phys >>> 0, ranges, size, insns, ob, successors };
}

/**
 * The blocks of `bytes`, or undefined if they were made by another op table or are not a
 * well-formed block stream (then the receiver just translates, as without them).
 */
export function decodeBlocks(table: OpTable, bytes: Uint8Array): TranslationBlock[] | undefined {
  const index = blockIndex(table, bytes);
  return index && Array.from(index.starts.subarray(0, -1), (at) => blockAt(index.words, at));
}
