/**
 * Booting a Linux kernel on a 32-bit ARM board the way qemu-system-arm's -kernel/-initrd/-dtb
 * do (QEMU's hw/arm/boot.c; the facts, not the code): where the kernel, initrd and device tree
 * go in RAM, the boot stub that enters the kernel, and what is written for the kernel to read —
 * an ATAG list, or the -dtb blob with /memory and /chosen filled in.
 *
 * Layout for a raw image (a zImage), RAM at 0:
 * - the boot stub at 0: r0 = 0, r1 = the board id, r2 = the ATAG list (0x100) or the dtb; then
 *   a jump to the kernel at 0x10000;
 * - the initrd at half of RAM (at most 128 MiB up), or just above the kernel if that is higher,
 *   1 KiB aligned (the ARM926's target page);
 * - the dtb just above the initrd, 4 KiB aligned (at the initrd's address without -initrd).
 */
import { FdtEditor, FdtError } from '../fdt.js';
import { latin1Bytes } from '../../runtime/host.js';

export const KERNEL_LOAD_ADDR = 0x10000;
export const ATAG_ADDR = 0x100;

/** A boot input the user can fix (bad dtb, no room); the message is one line. */
export class BootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootError';
  }
}

/** QEMU's 32-bit boot stub, written at the start of RAM for a raw image. */
export function bootStub(boardId: number, argPtr: number, entry: number): Uint8Array {
  const words = [
    0xe3a00000, // mov r0, #0
    0xe59f1004, // ldr r1, [pc, #4]
    0xe59f2004, // ldr r2, [pc, #4]
    0xe59ff004, // ldr pc, [pc, #4]
    boardId,
    argPtr,
    entry,
  ];
  return new Uint8Array(Uint32Array.from(words, (w) => w >>> 0).buffer);
}

/** The ATAG list QEMU writes: CORE, MEM, INITRD2 (with an initrd), CMDLINE (if any), NONE. */
export function atags(ramBase: number, ramSize: number, cmdline: string | undefined, initrd?: { start: number; size: number }): Uint8Array {
  const words = [5, 0x54410001, 1, 0x1000, 0, 4, 0x54410002, ramSize, ramBase];
  if (initrd && initrd.size) words.push(4, 0x54420005, initrd.start, initrd.size);
  if (cmdline) {
    const bytes = latin1Bytes(cmdline + '\0');
    const n = (bytes.length - 1 >> 2) + 1;
    const padded = new Uint8Array(n * 4);
    padded.set(bytes.subarray(0, Math.min(bytes.length, n * 4)));
    words.push(n + 2, 0x54410009, ...Array.from(new Uint32Array(padded.buffer)));
  }
  words.push(0, 0);
  return new Uint8Array(Uint32Array.from(words, (w) => w >>> 0).buffer);
}

const alignUp = (v: number, a: number): number => Math.ceil(v / a) * a;
const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

/** Where a raw image's initrd goes (QEMU's rule, above). */
export function initrdAddress(ramBase: number, ramSize: number, kernelEnd: number): number {
  const start = Math.max(ramBase + Math.min(ramSize / 2, 128 * 2 ** 20), kernelEnd);
  return alignUp(start, 1024);
}

/** Where the dtb goes: above the initrd (or where it would be), 4 KiB aligned. */
export function dtbAddress(initrdStart: number, initrdSize: number): number {
  return alignUp(initrdStart + initrdSize, 4096);
}

export interface DtbFixup {
  ramBase: number;
  ramSize: number;
  /** -append; empty or absent leaves /chosen/bootargs alone. */
  cmdline?: string;
  initrd?: { start: number; size: number };
  /** Random bytes for the rng-seed properties (default: crypto); null leaves them (as qemu's dumpdtb shows them). */
  random?: ((n: number) => Uint8Array) | null;
}

/**
 * The -dtb blob as QEMU hands it to the kernel, byte for byte: opened into (file size + 10000)
 * * 2 bytes (QEMU's load_device_tree leaves that room), the root's memory nodes ("memory",
 * "memory@...") turned into NOPs and a memory@<base> node of the RAM added (device_type, reg),
 * /chosen (added if missing) given bootargs (a non-empty -append) and linux,initrd-start/-end
 * (with an initrd; #address-cells wide), and every rng-seed property below the root refilled
 * with random bytes (QEMU does that at reset, on the copy in guest memory). The edits are
 * libfdt's, in QEMU's order (see FdtEditor).
 */
export function fixupDtb(blob: Uint8Array, f: DtbFixup): Uint8Array {
  const ed = new FdtEditor(blob, (blob.length + 10000) * 2);
  const root = ed.root();
  const cell = (name: string): number => {
    const v = ed.getProp(root, name);
    if (!v) throw new FdtError(`invalid (no ${name} in /)`);
    if (v.length !== 4) throw new FdtError(`invalid (${name} in / is ${v.length} bytes, not one cell)`);
    return new DataView(v.buffer, v.byteOffset, 4).getUint32(0);
  };
  const acells = cell('#address-cells'), scells = cell('#size-cells');
  if (acells === 0 || scells === 0) throw new FdtError('invalid (#address-cells or #size-cells 0)');
  if (acells > 2 || scells > 2) throw new FdtError(`unsupported #address-cells ${acells} / #size-cells ${scells} (1 or 2)`);
  const sized = (cells: number, v: number): number[] => cells === 2 ? [Math.floor(v / 2 ** 32), v >>> 0] : [v >>> 0];

  for (const c of ed.children(root)) {
    const name = ed.name(c);
    if (name === 'memory' || name.startsWith('memory@')) ed.nopNode(c);
  }
  const mem = ed.addSubnode(root, `memory@${f.ramBase.toString(16)}`);
  ed.setString(mem, 'device_type', 'memory');
  ed.setCells(mem, 'reg', [...sized(acells, f.ramBase), ...sized(scells, f.ramSize)]);

  const chosen = ed.path('/chosen') ?? ed.addSubnode(root, 'chosen');
  if (f.cmdline) ed.setString(chosen, 'bootargs', f.cmdline);
  if (f.initrd && f.initrd.size) {
    ed.setCells(chosen, 'linux,initrd-start', sized(acells, f.initrd.start));
    ed.setCells(chosen, 'linux,initrd-end', sized(acells, f.initrd.start + f.initrd.size));
  }
  if (f.random !== null) {
    const random = f.random ?? ((n: number) => crypto.getRandomValues(new Uint8Array(n)));
    for (const n of ed.allNodes().slice(1)) {
      for (const p of ed.props(n)) if (p.name === 'rng-seed') ed.buf.set(random(p.len), p.data);
    }
  }
  return ed.buf;
}

export interface LinuxBootInput {
  ramBase: number;
  ramSize: number;
  boardId: number;
  kernel: Uint8Array;
  kernelName: string;
  cmdline?: string;
  initrd?: Uint8Array;
  initrdName?: string;
  dtb?: Uint8Array;
  dtbName?: string;
}

export interface Blob { addr: number; data: Uint8Array; what: string }

/** What a raw image's boot puts where: the stub, ATAGs or dtb, kernel, initrd. Entry is ramBase. */
export function linuxBootBlobs(b: LinuxBootInput): Blob[] {
  const ramEnd = b.ramBase + b.ramSize;
  const kernelAddr = b.ramBase + KERNEL_LOAD_ADDR;
  if (kernelAddr + b.kernel.length > ramEnd) {
    throw new BootError(`${b.kernelName}: raw image of ${b.kernel.length} bytes does not fit in RAM at ${hex(kernelAddr)}`);
  }
  const blobs: Blob[] = [];
  const initrdStart = initrdAddress(b.ramBase, b.ramSize, kernelAddr + b.kernel.length);
  let initrd: { start: number; size: number } | undefined;
  if (b.initrd) {
    if (initrdStart >= ramEnd) throw new BootError('not enough space after kernel to load initrd');
    if (initrdStart + b.initrd.length > ramEnd) {
      throw new BootError(`could not load initrd '${b.initrdName}': ${b.initrd.length} bytes do not fit in RAM at ${hex(initrdStart)} (${hex(ramEnd - initrdStart)} bytes left; use -m for more RAM)`);
    }
    initrd = { start: initrdStart, size: b.initrd.length };
  }
  let argPtr = b.ramBase + ATAG_ADDR;
  if (b.dtb) {
    const dtbStart = dtbAddress(initrdStart, initrd?.size ?? 0);
    if (dtbStart >= ramEnd) throw new BootError('not enough space for the DTB after kernel/initrd');
    let dtb: Uint8Array;
    try {
      dtb = fixupDtb(b.dtb, { ramBase: b.ramBase, ramSize: b.ramSize, cmdline: b.cmdline, initrd });
    } catch (e) {
      if (e instanceof FdtError) throw new BootError(`dtb file ${b.dtbName}: ${e.message}`);
      throw e;
    }
    if (dtbStart + dtb.length > ramEnd) throw new BootError(`dtb file ${b.dtbName}: ${dtb.length} bytes do not fit in RAM at ${hex(dtbStart)}`);
    blobs.push({ addr: dtbStart, data: dtb, what: 'dtb' });
    argPtr = dtbStart;
  } else {
    blobs.push({ addr: b.ramBase + ATAG_ADDR, data: atags(b.ramBase, b.ramSize, b.cmdline, initrd), what: 'ATAGs' });
  }
  blobs.push({ addr: b.ramBase, data: bootStub(b.boardId, argPtr, kernelAddr), what: 'boot stub' });
  blobs.push({ addr: kernelAddr, data: b.kernel, what: 'kernel' });
  if (b.initrd && initrd) blobs.push({ addr: initrd.start, data: b.initrd, what: 'initrd' });
  return blobs;
}

/**
 * An ELF kernel with -dtb: QEMU puts the (fixed-up) dtb at the start of RAM if the ELF leaves
 * room there below its lowest segment, and leaves it out if it does not fit; the ELF is not
 * Linux to QEMU, so there is no initrd and no boot stub.
 */
export function elfDtbBlob(b: { ramBase: number; ramSize: number; cmdline?: string; dtb: Uint8Array; dtbName?: string }, elfLow: number, elfHigh: number): Blob | undefined {
  if (!(elfLow > b.ramBase || elfHigh < b.ramBase)) return undefined;
  const limit = elfLow < b.ramBase ? 0 : elfLow;
  let dtb: Uint8Array;
  try {
    dtb = fixupDtb(b.dtb, { ramBase: b.ramBase, ramSize: b.ramSize, cmdline: b.cmdline });
  } catch (e) {
    if (e instanceof FdtError) throw new BootError(`dtb file ${b.dtbName}: ${e.message}`);
    throw e;
  }
  if (limit > b.ramBase && dtb.length > limit - b.ramBase) return undefined;
  return { addr: b.ramBase, data: dtb, what: 'dtb' };
}
