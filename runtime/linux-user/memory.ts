/**
 * A user-mode guest's address space: its 4 GiB map 1:1 onto the CPU's linear memory (reserved
 * lazily, so untouched pages cost nothing), with Linux page permissions per 4 KiB page. The
 * CPU's page-flag table is derived from them, so a guest access the page does not allow takes
 * the slow path and faults (SIGSEGV for the guest). Unmapped pages are zeroed when they are
 * unmapped, so that a new anonymous mapping reads as zeros, as mmap promises.
 *
 * The system calls read and write guest memory through the checked accessors here; an address
 * the guest could not access itself is a GuestFault, which the system call layer turns into
 * EFAULT, as the kernel's copy_from_user does.
 */
import { PAGE_SHIFT, PAGE_SIZE } from '../../ops/core.js';
import type { AddressSpaceLayout, LinuxCpu } from './target.js';

/** Page permissions (Linux's PROT_*), the values the CPU's pageProt option takes. */
export const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;

/** The main thread's stack size (RLIMIT_STACK's usual 8 MiB); it ends at the layout's stackTop. */
export const STACK_SIZE = 8 << 20;

/**
 * `layout` as qemu-user lays a 32-bit guest out on a 64-bit host: the stack is its first mmap
 * (at the mmap base, above a guard page), and mmap goes on above it. Only for comparing logs
 * with qemu's, where stack addresses show in the registers and in the flags computed from them.
 */
export function qemuUserLayout(layout: AddressSpaceLayout): AddressSpaceLayout {
  const stackTop = layout.mmapBase + PAGE_SIZE + STACK_SIZE;
  return { ...layout, mmapBase: stackTop, stackTop };
}

export const PAGES = 1 << (32 - PAGE_SHIFT);

export class GuestFault extends Error {
  constructor(readonly addr: number) {
    super(`guest address 0x${(addr >>> 0).toString(16)} is not accessible`);
  }
}

export const pageUp = (a: number): number => Math.ceil(a / PAGE_SIZE) * PAGE_SIZE;
export const pageDown = (a: number): number => Math.floor(a / PAGE_SIZE) * PAGE_SIZE;

export class GuestMemory {
  /** PROT_* of every page (0: unmapped). */
  readonly prot = new Uint8Array(PAGES);
  readonly u8: Uint8Array;
  readonly view: DataView;
  private cpu?: LinuxCpu;
  /** The program break: [brkStart, brk) is the heap. */
  brkStart = 0;
  brk = 0;
  /** Reads imply exec (LinuxTarget.readImpliesExec: ARMv5 Linux for binaries without a non-executable PT_GNU_STACK). */
  readImpliesExec = false;
  /** Pages of file mappings that lie wholly past the end of the file: touching them is SIGBUS. */
  private readonly beyondFile = new Set<number>();

  /** The end of user space, where mmap searches first, the stack's top (the target's). */
  readonly taskSize: number;
  readonly mmapBase: number;
  readonly stackTop: number;

  constructor(readonly memory: WebAssembly.Memory, layout: AddressSpaceLayout) {
    this.taskSize = layout.taskSize;
    this.mmapBase = layout.mmapBase;
    this.stackTop = layout.stackTop;
    this.u8 = new Uint8Array(memory.buffer);
    this.view = new DataView(memory.buffer);
  }

  /** The CPU whose page flags follow these permissions (set once it exists). */
  attach(cpu: LinuxCpu): void { this.cpu = cpu; }

  /** Set pages [addr, addr + len) to `prot` (0 unmaps them and zeroes what was mapped). */
  setProt(addr: number, len: number, prot: number): void {
    const first = addr >>> PAGE_SHIFT, count = pageUp(len) >>> PAGE_SHIFT;
    if (prot & PROT_READ && this.readImpliesExec) prot |= PROT_EXEC;
    for (let p = first; p < first + count; p++) {
      if (prot === 0 && this.prot[p] !== 0) { this.u8.fill(0, p * PAGE_SIZE, (p + 1) * PAGE_SIZE); this.beyondFile.delete(p); }
      this.prot[p] = prot;
    }
    this.cpu?.updatePageFlags(first, count);
  }

  /** A mapping over [addr, addr + len): whatever was there is replaced by zeros. */
  map(addr: number, len: number, prot: number): void {
    this.setProt(addr, len, 0);
    // PROT_NONE pages are still mapped (mmap's space is taken): mark them with a bit the CPU ignores.
    this.setProt(addr, len, prot === 0 ? PROT_NONE_MAPPED : prot);
  }

  unmap(addr: number, len: number): void { this.setProt(addr, len, 0); }

  markBeyondFile(addr: number, len: number): void {
    for (let p = addr >>> PAGE_SHIFT; p < (addr + len) >>> PAGE_SHIFT; p++) this.beyondFile.add(p);
  }
  isBeyondFile(page: number): boolean { return this.beyondFile.has(page); }

  isMapped(page: number): boolean { return this.prot[page] !== 0; }

  /** Lowest free run of `len` bytes at or above `from` (page-aligned), or undefined. */
  findFree(len: number, from = this.mmapBase): number | undefined {
    const need = pageUp(len) >>> PAGE_SHIFT, end = this.taskSize >>> PAGE_SHIFT;
    let run = 0;
    for (let p = from >>> PAGE_SHIFT; p < end; p++) {
      if (this.prot[p] !== 0) { run = 0; continue; }
      if (++run === need) return (p - need + 1) * PAGE_SIZE;
    }
    return undefined;
  }

  /** Whether the guest itself could access [addr, addr + len) with `need` (PROT_READ / PROT_WRITE). */
  accessible(addr: number, len: number, need: number): boolean {
    if (len === 0) return true;
    if (addr < 0 || addr + len > 2 ** 32) return false;
    for (let p = addr >>> PAGE_SHIFT; p <= (addr + len - 1) >>> PAGE_SHIFT; p++) if ((this.prot[p] & need) !== need) return false;
    return true;
  }

  private check(addr: number, len: number, need: number): void {
    if (!this.accessible(addr, len, need)) {
      // The first byte that is not accessible, for si_addr-like messages.
      let a = addr;
      while (a < addr + len && (this.prot[a >>> PAGE_SHIFT] & need) === need) a = pageDown(a) + PAGE_SIZE;
      throw new GuestFault(a);
    }
  }

  /** A view of guest bytes the guest may read (the host kernel writes into it for read()). */
  readable(addr: number, len: number): Uint8Array {
    addr >>>= 0;
    this.check(addr, len, PROT_READ);
    return this.u8.subarray(addr, addr + len);
  }

  /**
   * A view of guest bytes the guest may write. Translated code from those pages is dropped
   * first (a read() into a code buffer is self-modifying code too).
   */
  writable(addr: number, len: number): Uint8Array {
    addr >>>= 0;
    this.check(addr, len, PROT_WRITE);
    this.invalidateCode(addr, len);
    return this.u8.subarray(addr, addr + len);
  }

  invalidateCode(addr: number, len: number): void {
    if (!this.cpu || len === 0) return;
    for (let p = addr >>> PAGE_SHIFT; p <= (addr + len - 1) >>> PAGE_SHIFT; p++) this.cpu.tbs.invalidatePage(p);
  }

  read(addr: number, len: number): Uint8Array { return Uint8Array.from(this.readable(addr, len)); }
  write(addr: number, data: Uint8Array): void { this.writable(addr, data.length).set(data); }
  /** Write bytes regardless of the guest's permissions (the loader, the kernel's own pages). */
  poke(addr: number, data: Uint8Array): void { this.invalidateCode(addr >>> 0, data.length); this.u8.set(data, addr >>> 0); }

  u32(addr: number): number { this.check(addr >>> 0, 4, PROT_READ); return this.view.getUint32(addr >>> 0, true); }
  i32(addr: number): number { return this.u32(addr) | 0; }
  u16(addr: number): number { this.check(addr >>> 0, 2, PROT_READ); return this.view.getUint16(addr >>> 0, true); }
  u64(addr: number): bigint { this.check(addr >>> 0, 8, PROT_READ); return this.view.getBigUint64(addr >>> 0, true); }
  i64(addr: number): bigint { this.check(addr >>> 0, 8, PROT_READ); return this.view.getBigInt64(addr >>> 0, true); }
  setU32(addr: number, v: number): void { this.writable(addr >>> 0, 4); this.view.setUint32(addr >>> 0, v >>> 0, true); }
  setU16(addr: number, v: number): void { this.writable(addr >>> 0, 2); this.view.setUint16(addr >>> 0, v & 0xffff, true); }
  setU64(addr: number, v: bigint): void { this.writable(addr >>> 0, 8); this.view.setBigUint64(addr >>> 0, BigInt.asUintN(64, v), true); }

  /** A NUL-terminated string (at most `max` bytes, else ENAMETOOLONG-like GuestFault at the limit). */
  cstring(addr: number, max = 4096): string {
    return Buffer.from(this.cbytes(addr, max)).toString('utf8');
  }

  cbytes(addr: number, max = 4096): Uint8Array {
    addr >>>= 0;
    let end = addr;
    for (;;) {
      if (end - addr >= max) throw new GuestFault(end);
      if (!(this.prot[end >>> PAGE_SHIFT] & PROT_READ)) throw new GuestFault(end);
      if (this.u8[end] === 0) break;
      end++;
    }
    return this.u8.subarray(addr, end);
  }

  /** A NULL-terminated array of string pointers (argv, envp). */
  cstringArray(addr: number): string[] {
    const out: string[] = [];
    if (addr === 0) return out;
    for (let i = 0; ; i++) {
      const p = this.u32(addr + 4 * i);
      if (p === 0) return out;
      out.push(this.cstring(p, 128 * 1024));
    }
  }

  /** The mapped pages as [first page, prot, bytes] runs (fork copies them into the child). */
  *mappedRuns(): Generator<{ addr: number; prot: number; len: number }> {
    const end = this.taskSize >>> PAGE_SHIFT;
    for (let p = 0; p < end;) {
      if (this.prot[p] === 0) { p++; continue; }
      const prot = this.prot[p];
      let q = p;
      while (q < end && this.prot[q] === prot) q++;
      yield { addr: p * PAGE_SIZE, prot, len: (q - p) * PAGE_SIZE };
      p = q;
    }
  }
}

/** A prot value for mapped PROT_NONE pages: no access bit, but the space is taken. */
export const PROT_NONE_MAPPED = 0x80;
