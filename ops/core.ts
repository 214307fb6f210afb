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
 * Byte address of the CPU state in linear memory. In user mode the guest's 4 GiB map 1:1
 * onto linear memory, so the state sits in the top of the address space that no 32-bit
 * Linux process can map (ARM user space ends at 0xbf000000; the vector/kuser page is
 * 0xffff0000..0xffff0fff). A constant, so the generator folds it into every load's offset.
 */
export const ENV_BASE = 0xffff8000;
/** Size of the CPU state area in 32-bit words (targets lay their state out inside it). */
export const ENV_WORDS = 1024;

/**
 * The page-flag table: one byte per 4 KiB guest page, in linear memory below the CPU state.
 * A memory op takes its inline fast path only when its page's byte has no SLOW bit for the
 * access; otherwise it calls the slow path (devices, faults, pages holding translated code),
 * as QEMU's softmmu does through its TLB flags. All zero (a fresh memory) means flat RAM.
 */
export const PAGE_FLAGS_BASE = 0xffe00000;
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
/** Loads from the page go to the slow path (device or unmapped). */
export const PAGE_SLOW_READ = 1;
/** Stores to the page go to the slow path (device, unmapped, read-only or holding code). */
export const PAGE_SLOW_WRITE = 2;
/** The page holds translated code (with PAGE_SLOW_WRITE, so stores invalidate it). */
export const PAGE_CODE = 4;

/** Where accesses to slow pages go. It raises a guest fault by setting the target's exception word. */
export interface SlowMemory {
  load(addr: number, bytes: number): number;
  store(addr: number, bytes: number, value: number): void;
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
      store: (a, n, v) => (n === 1 ? this.stb(a, v) : n === 2 ? this.stw(a, v) : this.stl(a, v)),
    };
  }

  /** Leave the translation block; the next pc is whatever the op stored in env. */
  exit_tb(): void {
    this.exited = true;
  }

  // Guest memory, user-mode flat mapping: guest address == linear address.
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
