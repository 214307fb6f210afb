/**
 * The persistent translation cache: blocks one run of a program translated, kept on disk for
 * the next run of the same program (FEX's code cache, box64's DynaCache). A process that
 * starts runs most of its start-up code from here instead of translating it again.
 *
 * What is kept is ours: the blocks' micro-op streams (tb-transfer.ts), and the guest code
 * bytes each was made from. V8 cannot keep compiled WebAssembly across processes, so a block
 * taken from the cache runs as a new translation does, and is compiled once it proves hot.
 *
 * Safety: a block is taken only where its code is byte for byte what it was made from, at the
 * same addresses, with the pages still executable (CpuExec.fromStore checks); so a changed
 * binary, a library loaded elsewhere, or code the program wrote gets no stale translation. The
 * file is found by a key of everything else a translation depends on: the guest binary's
 * content, the op table, this build of dynwasm (its code files) and the translator's settings.
 * A file that is truncated, damaged, of another format or of another key is ignored, never
 * trusted (a SHA-1 over its contents). Writers write a file of their own and rename it into
 * place, so two emulators writing at once leave one whole file, never a mixture.
 *
 * Bounded: at most MAX_BLOCKS blocks and MAX_FILE_BYTES per program, and the directory is
 * pruned to MAX_DIR_BYTES (oldest files first) after a write.
 */
import { createHash } from 'node:crypto';
import {
  mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpTable } from './op-table.js';
import type { TranslationBlock } from './tb.js';
import { blockAt, blockIndex, blockWords, encodeBlockWords, indexedBlockWords, tableFingerprint, type BlockIndex } from './tb-transfer.js';

const MAGIC = 0x43545744; // "DWTC"
const FORMAT = 1;
const HEADER_BYTES = 4 + 4 + 20 + 20 + 4;
const MAX_BLOCKS = 32768;
const MAX_FILE_BYTES = 16 << 20;
const MAX_DIR_BYTES = 256 << 20;
const SUFFIX = '.tbc';

/** A block of the cache: what the translator made, and the code bytes it read (its ranges', in order). */
export interface StoredBlock {
  readonly tb: TranslationBlock;
  readonly code: Uint8Array;
}

/** Where blocks an earlier run translated can be found (CpuExec.blockStore). */
export interface BlockStore {
  find(pc: number, flags: number): StoredBlock | undefined;
}

/** The cache directory: DYNWASM_CACHE_DIR, else $XDG_CACHE_HOME/dynwasm, else ~/.cache/dynwasm. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DYNWASM_CACHE_DIR) return env.DYNWASM_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dynwasm');
}

/** DYNWASM_CACHE=off (or 0) turns the cache off, as `-accel …,cache=off` does. */
export function cacheDisabledByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.DYNWASM_CACHE;
  return v === 'off' || v === '0';
}

/**
 * What identifies a build at `path`: a file's size and time, or those of every `.js` file
 * under a directory. A rebuild changes it.
 */
export function filesIdentity(paths: readonly string[]): string {
  const h = createHash('sha1');
  const add = (file: string): void => {
    const s = statSync(file);
    if (s.isDirectory()) {
      for (const name of readdirSync(file).sort()) {
        const p = join(file, name);
        if (name.endsWith('.js') || statSync(p).isDirectory()) add(p);
      }
    } else h.update(`${file}\0${s.size}\0${s.mtimeMs}\0`);
  };
  for (const p of paths) add(p);
  return h.digest('hex');
}

let identity: string | undefined;
/**
 * This build of dynwasm: the running bundle (it holds all of our code), or unbundled, every
 * compiled file of runtime/ and ops/. Translations of another build are never taken. Empty if
 * it cannot be told (then nothing is cached).
 */
export function buildIdentity(): string {
  if (identity !== undefined) return identity;
  try {
    const here = fileURLToPath(import.meta.url);
    const dist = dirname(dirname(here));
    identity = filesIdentity(here.endsWith('.mjs') ? [here] : [join(dist, 'runtime'), join(dist, 'ops')]);
  } catch {
    identity = '';
  }
  return identity;
}

/** The key of a program's cache file: everything but the code bytes that its translations depend on. */
export interface CacheKey {
  /** The guest: the target's name. */
  target: string;
  table: OpTable;
  /** The guest binary's contents. */
  binary: Uint8Array;
  /** The translator's settings that shape blocks (e.g. the longest block). */
  settings: string;
}

/** The cache file for `key` in `dir` (a readable name and the key's hash), or undefined if this build cannot be identified. */
export function cacheFileFor(dir: string, name: string, key: CacheKey, build = buildIdentity()): { file: string; key: string } | undefined {
  if (!build) return undefined;
  const h = createHash('sha1');
  h.update(`dynwasm translation cache ${FORMAT}\0${key.target}\0${tableFingerprint(key.table)}\0${build}\0${key.settings}\0`);
  h.update(createHash('sha1').update(key.binary).digest());
  const k = h.digest('hex');
  const readable = basename(name).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'program';
  return { file: join(dir, `${readable}-${k.slice(0, 16)}${SUFFIX}`), key: k };
}

const keyOf = (pc: number, flags: number): string => `${pc >>> 0}/${flags | 0}`;

/** A block to write: its words in the stream (tb-transfer.ts) and its code bytes. */
interface Entry {
  readonly words: Int32Array;
  readonly code: Uint8Array;
}

export class TranslationCache implements BlockStore {
  /**
   * The file's blocks, found through an index and decoded when first asked for: a process
   * uses a fraction of them, and making an object per block at load costs more than the
   * translations it saves (measured: 40 ms for 11,000 blocks).
   */
  private index?: BlockIndex;
  /** Where each block's code bytes start in `payload`. */
  private codeAt = new Int32Array(0);
  private payload: Uint8Array = new Uint8Array(0);
  /** The first block of each pc, and the next block of the same pc (-1: none). */
  private readonly byPc = new Map<number, number>();
  private samePc = new Int32Array(0);
  private readonly decoded = new Map<number, StoredBlock>();
  /** Why the file was not used, if it was not. */
  readonly rejected?: string;

  /** The cache in `file` for `key` (empty if there is none, or it is not a good one). Never throws. */
  constructor(readonly file: string, readonly key: string, private readonly table: OpTable) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return; // none yet
    }
    this.rejected = this.load(bytes);
    if (this.rejected) { this.index = undefined; this.byPc.clear(); }
  }

  /** Blocks in the file. */
  get size(): number { return this.index ? this.index.starts.length - 1 : 0; }

  private load(bytes: Buffer): string | undefined {
    if (bytes.length < HEADER_BYTES) return 'truncated';
    if (bytes.readUInt32LE(0) !== MAGIC) return 'not a translation cache';
    if (bytes.readUInt32LE(4) !== FORMAT) return 'another format';
    if (bytes.subarray(8, 28).toString('hex') !== this.key) return 'another key';
    const payloadLength = bytes.readUInt32LE(48);
    const payload = bytes.subarray(HEADER_BYTES);
    if (payload.length !== payloadLength) return 'truncated';
    if (!createHash('sha1').update(payload).digest().equals(bytes.subarray(28, 48))) return 'damaged';
    if (payload.length < 4) return 'damaged';
    const streamLength = payload.readUInt32LE(0);
    if (4 + streamLength > payload.length) return 'damaged';
    const index = blockIndex(this.table, payload.subarray(4, 4 + streamLength));
    if (!index) return 'another op table';
    const { words, starts } = index;
    const n = starts.length - 1;
    const codeAt = new Int32Array(n), samePc = new Int32Array(n);
    let at = 4 + streamLength;
    for (let i = 0; i < n; i++) {
      const pc = words[starts[i]] >>> 0, size = words[starts[i] + 4];
      if (size < 0 || at + size > payload.length) return 'damaged';
      codeAt[i] = at;
      at += size;
      samePc[i] = this.byPc.get(pc) ?? -1;
      this.byPc.set(pc, i);
    }
    if (at !== payload.length) return 'damaged';
    this.index = index;
    this.codeAt = codeAt;
    this.samePc = samePc;
    this.payload = payload;
    return undefined;
  }

  /** The number of the file's block at (pc, flags), or -1. */
  private numberOf(pc: number, flags: number): number {
    const words = this.index?.words, starts = this.index?.starts;
    let i = this.byPc.get(pc >>> 0) ?? -1;
    while (i >= 0 && words![starts![i] + 1] !== flags) i = this.samePc[i];
    return i;
  }

  /** Block `i` of the file as it is written there. */
  private entry(i: number): Entry {
    const words = indexedBlockWords(this.index!, i);
    return { words, code: this.payload.subarray(this.codeAt[i], this.codeAt[i] + words[4]) };
  }

  find(pc: number, flags: number): StoredBlock | undefined {
    const i = this.numberOf(pc, flags);
    if (i < 0) return undefined;
    let b = this.decoded.get(i);
    if (!b) {
      const { words, code } = this.entry(i);
      this.decoded.set(i, b = { tb: blockAt(words, 0), code });
    }
    return b;
  }

  /**
   * Write the file again if this run has blocks it does not have: `live` (the TB
   * cache's blocks; their code read from `u8` at their ranges, which hold what they were made
   * from while they live) first, then the file's other blocks, up to the bounds. Errors (a
   * read-only or full disk) leave the cache as it was. Returns whether it wrote.
   */
  save(live: readonly TranslationBlock[], u8: Uint8Array): boolean {
    // Blocks it has (taken from it, or handed over by a fork parent that had them) are not news.
    if (!live.some((tb) => storable(tb) && this.numberOf(tb.pc, tb.flags) < 0)) return false;
    const chosen: Entry[] = [];
    const seen = new Set<string>();
    let fileBytes = HEADER_BYTES + 20;
    const add = (e: Entry): void => {
      const k = keyOf(e.words[0], e.words[1]);
      const bytes = e.code.length + 4 * e.words.length;
      if (seen.has(k) || chosen.length >= MAX_BLOCKS || fileBytes + bytes > MAX_FILE_BYTES) return;
      seen.add(k);
      chosen.push(e);
      fileBytes += bytes;
    };
    for (const tb of live) {
      if (!storable(tb)) continue;
      const code = new Uint8Array(tb.size);
      let at = 0;
      for (let i = 0; i < tb.ranges.length; i += 2) {
        code.set(u8.subarray(tb.ranges[i], tb.ranges[i + 1]), at);
        at += tb.ranges[i + 1] - tb.ranges[i];
      }
      add({ words: blockWords(tb), code });
    }
    // What other processes of the program (a fork's children above all) wrote since this one
    // read the file comes next, then what it read.
    const now = new TranslationCache(this.file, this.key, this.table);
    for (const cache of [now, this]) for (let i = 0; i < cache.size; i++) add(cache.entry(i));
    const stream = encodeBlockWords(this.table, chosen.map((e) => e.words));
    const payload = Buffer.alloc(4 + stream.length + chosen.reduce((n, b) => n + b.code.length, 0));
    payload.writeUInt32LE(stream.length, 0);
    payload.set(stream, 4);
    let at = 4 + stream.length;
    for (const b of chosen) { payload.set(b.code, at); at += b.code.length; }
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32LE(MAGIC, 0);
    header.writeUInt32LE(FORMAT, 4);
    header.write(this.key, 8, 20, 'hex');
    createHash('sha1').update(payload).digest().copy(header, 28);
    header.writeUInt32LE(payload.length, 48);
    const tmp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    // The guest's umask is the emulator process's: ours while writing (a guest's 0777 would make the files unreadable).
    const guestUmask = process.umask(0o077);
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(tmp, Buffer.concat([header, payload]), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch {
      try { unlinkSync(tmp); } catch { /* never made */ }
      return false;
    } finally {
      process.umask(guestUmask);
    }
    pruneDir(dirname(this.file), this.file);
    return true;
  }
}

/** A block that depends on nothing but its code bytes (not one that ends in a fetch fault). */
function storable(tb: TranslationBlock): boolean {
  return !tb.fetchFault && tb.ranges.length > 0;
}

/**
 * Keep the directory under MAX_DIR_BYTES: the oldest cache files go first (never `keep`), and
 * so do temporary files an emulator killed while writing left behind.
 */
function pruneDir(dir: string, keep: string): void {
  try {
    const names = readdirSync(dir);
    for (const n of names) {
      if (!n.endsWith('.tmp')) continue;
      const p = join(dir, n);
      try { if (statSync(p).mtimeMs < Date.now() - 3600_000) unlinkSync(p); } catch { /* gone */ }
    }
    const files = names.filter((n) => n.endsWith(SUFFIX)).map((n) => {
      const p = join(dir, n);
      const s = statSync(p);
      return { p, size: s.size, mtime: s.mtimeMs };
    });
    let total = files.reduce((n, f) => n + f.size, 0);
    files.sort((a, b) => a.mtime - b.mtime);
    for (const f of files) {
      if (total <= MAX_DIR_BYTES) break;
      if (f.p === keep) continue;
      try { unlinkSync(f.p); total -= f.size; } catch { /* another emulator took it */ }
    }
  } catch {
    // a directory we cannot list: nothing to prune
  }
}
