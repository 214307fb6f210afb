/**
 * The micro-op contract (dyngen's op.c world, in TypeScript).
 *
 * A micro-op is an exported function `op_<name>(s: OpState, …)` whose body uses only
 * what this file offers: temps `s.T0..s.T3`, constant parameters `s.P1..s.P3`, the CPU
 * state `s.env[i]` (32-bit words in WebAssembly memory at ENV_BASE), guest memory through
 * `s.ld*` / `s.st*`, helper calls (`helper_*(s, …)`), the pure intrinsics below, and
 * `s.exit_tb()` to leave the translation block. ops/README.md states the full rules.
 *
 * The same functions run unchanged in interpreter mode (this file is their run-time
 * library) and are the input of the generator (gen/), which lowers the very same bodies
 * to WebAssembly.
 */

/**
 * Byte address of the CPU state in linear memory, inside the emulator's area (EMULATOR_AREA),
 * which the TLB never maps for a guest access. A constant, so the generator folds it into
 * every load's offset.
 */
export const ENV_BASE = 0xffff8000;
/** Size of the CPU state area in 32-bit words (targets lay their state out inside it). */
export const ENV_WORDS = 1024;
/** The words of it that are the CPU's state (a forked child and a saved machine get them): all but the last 8, which reset() leaves alone too. */
export const ENV_STATE_WORDS = ENV_WORDS - 8;

/**
 * The software TLB (QEMU's softmmu, in v86's one-word form): per MMU index (the target's
 * privilege levels or address spaces) one 32-bit entry per 4 KiB virtual page, in linear
 * memory where no guest access can reach. An entry is the page's host (linear-memory) address
 * XOR its virtual address, with flag bits in the low 12 bits. A memory op takes its inline
 * fast path only when none of the bits that concern its kind of access is set; the host address
 * of a guest address `a` is then `(entry & ~0xfff) ^ a` (for a store, whose fast path needs
 * every flag clear, simply `entry ^ a`). Otherwise
 * it calls the slow path (runtime/exec.ts), which asks the target to fill the entry (identity
 * from page permissions in user mode, a page-table walk with an MMU) or raises the guest's
 * fault. An empty entry is TLB_INVALID (runtime/softmmu.ts initialises every table so).
 */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const PAGE_MASK = ~(PAGE_SIZE - 1);
/** Where the emulator's own state lives in linear memory: the top 16 MiB, never a guest page. */
export const EMULATOR_AREA = 0xff000000;
/** TLB of MMU index i: TLB_BASE + i * TLB_BYTES. */
export const TLB_BASE = 0xff000000;
export const TLB_ENTRIES = 1 << (32 - PAGE_SHIFT);
export const TLB_BYTES = 4 * TLB_ENTRIES;
export const NB_MMU_MODES = 2;
/** The entry maps nothing (yet): every access misses. */
export const TLB_INVALID = 1;
/** Stores take the slow path (a read-only page: the fill decides whether a store faults). */
export const TLB_READONLY = 2;
/** The page holds translated code: stores take the slow path, which invalidates it. */
export const TLB_CODE = 4;
/** A device page: every access goes to the bus, at the physical address the entry holds. */
export const TLB_DEVICE = 8;
/**
 * Not an entry bit: a TLB fill's answer that the mapping is finer than a page (ARM tiny pages,
 * subpages with different permissions), so the slow path uses it for this access only.
 */
export const TLB_NOCACHE = 16;
/**
 * Not an entry bit: the page is part of a larger mapping (an ARM section or large page, at
 * most 1 MiB), so invalidating any page of that MiB must forget this one too (QEMU's
 * large_page_addr/mask).
 */
export const TLB_LARGE = 32;
/** The bits that send a load, and a store, to the slow path. */
export const TLB_READ_MASK = TLB_INVALID | TLB_DEVICE;
export const TLB_WRITE_MASK = TLB_INVALID | TLB_READONLY | TLB_CODE | TLB_DEVICE;
/**
 * Entry bits that are all zero when a load may use the guest address itself as the host
 * address: an identity mapping (host page == virtual page, as in user mode and wherever RAM is
 * mapped 1:1) that sends loads nowhere else. Testing this first lets the CPU predict a branch
 * instead of waiting for the entry to compute the address (v86 always XORs; measured: crc32
 * 27 % slower that way, docs/performance.md). For stores the test is `entry === 0`.
 */
export const TLB_LOAD_IDENTITY_MASK = ~(TLB_READONLY | TLB_CODE);

/** Where accesses that miss the fast path go. It raises a guest fault by setting the target's exception word. */
export interface SlowMemory {
  load(addr: number, bytes: number, mmuIdx: number): number;
  store(addr: number, bytes: number, value: number, mmuIdx: number): void;
  /** The guest changed its address translation: forget every TLB entry (and lookup by virtual address). */
  tlbFlush(): void;
  /** The same for the page of `vaddr` only. */
  tlbFlushPage(vaddr: number): void;
}

/** Number of temps and parameters; the generator and runtime read these too. */
export const NUM_TEMPS = 4;
export const NUM_PARAMS = 3;

/** State seen by a micro-op: dyngen's T0/T1/T2 + PARAM1..3 + env. */
export class OpState {
  T0 = 0;
  T1 = 0;
  T2 = 0;
  T3 = 0;
  P1 = 0;
  P2 = 0;
  P3 = 0;
  /** Set by exit_tb(); the interpreter stops the block when it sees it. */
  exited = false;

  readonly env: Int32Array;
  /** The slow path of memory ops (set by the machine; flat access by default). */
  slow: SlowMemory;
  private readonly view: DataView;
  private readonly u8: Uint8Array;

  constructor(readonly memory: WebAssembly.Memory) {
    this.env = new Int32Array(memory.buffer, ENV_BASE, ENV_WORDS);
    this.view = new DataView(memory.buffer);
    this.u8 = new Uint8Array(memory.buffer);
    this.slow = {
      load: (a, n) => (n === 1 ? this.ldub(a) : n === 2 ? this.lduw(a) : this.ldl(a)),
      store: (a, n, v) => { if (n === 1) this.stb(a, v); else if (n === 2) this.stw(a, v); else this.stl(a, v); },
      tlbFlush: () => {},
      tlbFlushPage: () => {},
    };
  }

  /** Leave the translation block; the next pc is whatever the op stored in env. */
  exit_tb(): void {
    this.exited = true;
  }

  // Linear memory by host address (what a TLB entry yields, or the TLB itself).
  // Addresses are 32-bit unsigned; `>>> 0` makes a negative i32 address index correctly.
  ldub(addr: number): number { return this.u8[addr >>> 0]; }
  ldsb(addr: number): number { return (this.u8[addr >>> 0] << 24) >> 24; }
  lduw(addr: number): number { return this.view.getUint16(addr >>> 0, true); }
  ldsw(addr: number): number { return this.view.getInt16(addr >>> 0, true); }
  ldl(addr: number): number { return this.view.getInt32(addr >>> 0, true); }
  lduw_be(addr: number): number { return this.view.getUint16(addr >>> 0, false); }
  ldsw_be(addr: number): number { return this.view.getInt16(addr >>> 0, false); }
  ldl_be(addr: number): number { return this.view.getInt32(addr >>> 0, false); }
  stb(addr: number, v: number): void { this.u8[addr >>> 0] = v; }
  stw(addr: number, v: number): void { this.view.setUint16(addr >>> 0, v, true); }
  stl(addr: number, v: number): void { this.view.setInt32(addr >>> 0, v, true); }
  stw_be(addr: number, v: number): void { this.view.setUint16(addr >>> 0, v, false); }
  stl_be(addr: number, v: number): void { this.view.setInt32(addr >>> 0, v, false); }
}

/** Names of the OpState members that are guest-memory accessors (the generator's list). */
export const MEMORY_ACCESSORS = {
  ldub: { bytes: 1, signed: false, be: false, store: false },
  ldsb: { bytes: 1, signed: true, be: false, store: false },
  lduw: { bytes: 2, signed: false, be: false, store: false },
  ldsw: { bytes: 2, signed: true, be: false, store: false },
  ldl: { bytes: 4, signed: true, be: false, store: false },
  lduw_be: { bytes: 2, signed: false, be: true, store: false },
  ldsw_be: { bytes: 2, signed: true, be: true, store: false },
  ldl_be: { bytes: 4, signed: true, be: true, store: false },
  stb: { bytes: 1, signed: false, be: false, store: true },
  stw: { bytes: 2, signed: false, be: false, store: true },
  stl: { bytes: 4, signed: false, be: false, store: true },
  stw_be: { bytes: 2, signed: false, be: true, store: true },
  stl_be: { bytes: 4, signed: false, be: true, store: true },
} as const;
export type MemoryAccessor = keyof typeof MEMORY_ACCESSORS;

/** High 32 bits of the unsigned 64-bit product a*b (UMULL's RdHi). */
export function mulhu(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const lo = a0 * b0;
  const mid1 = a1 * b0 + (lo >>> 16);
  const mid2 = a0 * b1 + (mid1 & 0xffff);
  return (a1 * b1 + Math.floor(mid1 / 65536) + Math.floor(mid2 / 65536)) | 0;
}

/** High 32 bits of the signed 64-bit product a*b (SMULL's RdHi). */
export function mulhs(a: number, b: number): number {
  // Signed high word = unsigned high word minus the corrections for negative operands.
  return (mulhu(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** The pure intrinsics the generator knows, with their WebAssembly lowering named in gen/lower.ts. */
export const PURE_INTRINSICS = ['mulhu', 'mulhs'] as const;
