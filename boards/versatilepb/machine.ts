/**
 * The ARM Versatile PB board (ARM926EJ-S), as QEMU's `-M versatilepb` models it, with the
 * devices this emulator has so far: RAM at 0, the system registers at 0x10000000, the four
 * PL011 UARTs, the PL190 vectored interrupt controller (VIC) at 0x10140000 with the secondary
 * controller (SIC) at 0x10003000 on its line 31, the two SP804 dual timers (VIC lines 4
 * and 5), the PL031 RTC at 0x101e8000 (VIC line 10) and the two PL181 MMC interfaces at
 * 0x10005000 and 0x1000b000 (the first and second -sd card; a slot without one is empty), the
 * two PL050 keyboard/mouse interfaces at 0x10006000 and 0x10007000 (SIC lines 3 and 4) with a
 * PS/2 keyboard and mouse. UART0-2 interrupt on VIC lines 12-14,
 * UART3 on SIC line 6, as in QEMU. Like QEMU's versatilepb (ignore_memory_transaction_failures),
 * an access to an address nothing answers at does not abort: reads return 0 and writes are
 * ignored — so the PrimeCells QEMU has and we do not (DMA, CLCD, GPIO, AACI, ...) read as
 * zero IDs and Linux binds no driver to them.
 *
 * `-kernel`: an ELF is loaded at its segments' physical addresses and entered at its entry
 * point in the reset state (SVC mode, IRQ/FIQ masked, registers zero); a -dtb goes at 0 if the
 * ELF leaves room, -initrd is ignored (QEMU does not take an ELF for Linux). Anything else is a
 * raw image (a Linux zImage, say), loaded at 0x10000 and entered through QEMU's boot stub at 0,
 * which sets r0 = 0, r1 = the board id (0x183), r2 = 0x100 (the ATAG list) or the dtb's address
 * and jumps to it; boards/arm/boot.ts places the initrd and the dtb.
 */
import { PAGE_SIZE } from '../../ops/core.js';
import { ArmCpu, loadArmTable } from '../../runtime/arm/cpu.js';
import { ElfError, isElf, parseElf } from '../../runtime/elf.js';
import type { Logger } from '../../runtime/log.js';
import { BoardBus } from '../bus.js';
import { Semihosting, type SemihostingHost } from '../arm/semihosting.js';
import { ATAG_ADDR, BootError, KERNEL_LOAD_ADDR, elfDtbBlob, linuxBootBlobs } from '../arm/boot.js';
import { Pl031 } from './pl031.js';
import { Pl050 } from './pl050.js';
import { Pl181 } from './pl181.js';
import { SdCard, type BlockBackend } from './sd-card.js';
import { SbconI2c } from './sbcon-i2c.js';
import { Pl011 } from './pl011.js';
import { Pl190, VpbSic } from './pl190.js';
import { Sp804 } from './sp804.js';
import { VirtualClock, hostClock, type Clock } from '../clock.js';
import {
  MigrationError, decodeVmState, encodeVmState, jsonSection, readJsonSection, section, stateObject, type Migratable, type Section, type StateObject,
} from '../../runtime/vmstate.js';
import { SysCtl } from './sysctl.js';

export const VERSATILEPB_BOARD_ID = 0x183;
export const VERSATILEPB_MAX_RAM = 256 * 1024 * 1024;
export const VERSATILEPB_DEFAULT_RAM = 128 * 1024 * 1024;
export { ATAG_ADDR, KERNEL_LOAD_ADDR };

/**
 * The board's device map, in one place: each device's name and base address (every one a 4 KiB
 * page). The models below are mapped from it, and the bare-metal device fuzzer
 * (scripts/fuzz/bare.mjs) reads it to know where the devices are.
 */
export const VERSATILEPB_DEVICES = {
  sysctl: 0x10000000,
  i2c: 0x10002000,
  sic: 0x10003000,
  mmci0: 0x10005000,
  kmi0: 0x10006000,
  kmi1: 0x10007000,
  uart3: 0x10009000,
  mmci1: 0x1000b000,
  vic: 0x10140000,
  timer01: 0x101e2000,
  timer23: 0x101e3000,
  rtc: 0x101e8000,
  uart0: 0x101f1000,
  uart1: 0x101f2000,
  uart2: 0x101f3000,
} as const;
const D = VERSATILEPB_DEVICES;
export const UART_BASES = [D.uart0, D.uart1, D.uart2, D.uart3] as const;
export const SYSCTL_BASE = D.sysctl;
export const VIC_BASE = D.vic;
export const SIC_BASE = D.sic;
export const TIMER_BASES = [D.timer01, D.timer23] as const;
export const RTC_BASE = D.rtc;
export const I2C_BASE = D.i2c;
export const MMCI_BASES = [D.mmci0, D.mmci1] as const;
/** The keyboard's and the mouse's KMI, and their SIC lines (QEMU: sic[3] and sic[4]). */
export const KMI_BASES = [D.kmi0, D.kmi1] as const;
const KMI_SIC_LINES = [3, 4] as const;
const MMCI_SIC_LINES = [[22, 1], [23, 2]] as const;
const RTC_VIC_LINE = 10;
/** Where the UARTs' interrupts go: VIC lines for UART0-2, SIC line 6 for UART3. */
const UART_VIC_LINES = [12, 13, 14] as const;
const UART3_SIC_LINE = 6;
const TIMER_VIC_LINES = [4, 5] as const;

/** A loading problem the user can fix (bad file, wrong size): one line, no stack trace. */
export class MachineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MachineError';
  }
}

export interface VersatilePbOptions {
  engine: 'jit' | 'interp';
  /** Bytes of RAM (default 128 MiB, at most 256 MiB as in QEMU). */
  ramSize?: number;
  /** The -kernel image and its name (for messages and the semihosting command line). */
  kernel: Uint8Array;
  kernelName: string;
  /** -append: the kernel command line (ATAG_CMDLINE or the dtb's /chosen/bootargs; semihosting's fallback). */
  append?: string;
  /** -initrd: the initial RAM disk for a raw image (ATAG_INITRD2 or /chosen/linux,initrd-*). */
  initrd?: Uint8Array;
  initrdName?: string;
  /** -dtb: a device tree blob, fixed up and passed in r2 instead of ATAGs (see boards/arm/boot.ts). */
  dtb?: Uint8Array;
  dtbName?: string;
  /** Enable semihosting with this host side. */
  semihosting?: SemihostingHost;
  /** -semihosting-config arg=...: the semihosting command line words. */
  semihostingArgs?: string[];
  /** -sd: the cards in MMCI0's and MMCI1's slots, in that order (a slot without one is empty). */
  sd?: (BlockBackend | undefined)[];
  /** Output of each UART (index 0..3); a missing sink drops the bytes. */
  uartOutput?: ((byte: number) => void)[];
  log?: Logger;
  /** The CPU's TB cache size and JIT batch size (tests). */
  tbCacheSize?: number;
  batchSize?: number;
  /** The host clock the machine's virtual clock follows, in ns (default: host time, as QEMU without -icount). */
  clock?: Clock;
  /** One guest instruction per block (-singlestep). */
  singleStep?: boolean;
  /** Chain blocks inside WebAssembly (the JIT's default; -accel jit,chain=off turns it off). */
  chain?: boolean;
  /** Interpreted runs before the JIT compiles a block (-accel jit,hot=N). */
  hotThreshold?: number;
}

export interface VersatilePb {
  cpu: ArmCpu;
  uarts: Pl011[];
  sysctl: SysCtl;
  vic: Pl190;
  sic: VpbSic;
  timers: Sp804[];
  rtc: Pl031;
  /** MMCI0 and MMCI1, with their -sd cards if any. */
  mmci: Pl181[];
  /** The keyboard's and the mouse's PL050. */
  kmi: Pl050[];
  /** The clock the timers run on: stopped while the machine is paused, saved with it. */
  clock: VirtualClock;
  /** Every device with state, by the name a saved machine gives it. */
  devices: Record<string, Migratable>;
  ramSize: number;
  /**
   * Bring the timers up to the present, raising the interrupts of those that expired. The CPU
   * only looks at its interrupt lines between blocks, so the run loop calls this between slices.
   */
  poll(): void;
  semihosting?: Semihosting;
  /** Where the kernel was loaded: [start, end) ranges (`what`: "segment 0", the dtb…), and the pc the machine starts at. */
  loaded: { start: number; end: number; what: string }[];
  entry: number;
  /** Set when the guest asked for a board reset (SYS_RESETCTL); we stop instead, as -no-reboot. */
  resetRequested: boolean;
}

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

/** Run a boot-loader step, its BootError becoming the machine's one-line error. */
function bootStep<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof BootError) throw new MachineError(e.message);
    throw e;
  }
}

/** Parse a `-m` size like QEMU: a number with an optional K/M/G/T suffix (default M). */
export function parseRamSize(spec: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([kKmMgGtT]?)[bB]?$/.exec(spec.trim());
  if (!m) return undefined;
  const mul = { '': 2 ** 20, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const v = Math.floor(Number(m[1]) * mul);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

export async function createVersatilePb(opts: VersatilePbOptions): Promise<VersatilePb> {
  let ramSize = opts.ramSize ?? VERSATILEPB_DEFAULT_RAM;
  if (ramSize > VERSATILEPB_MAX_RAM) throw new MachineError('versatilepb: memory size must not exceed 256MB');
  ramSize = Math.ceil(ramSize / 8192) * 8192; // QEMU aligns RAM to 8 KiB

  // Work out what goes where before building anything, so that errors come first.
  const blobs: { addr: number; data: Uint8Array; memsz: number; what: string }[] = [];
  let entry: number;
  if (isElf(opts.kernel)) {
    let elf;
    try {
      elf = parseElf(opts.kernel);
    } catch (e) {
      if (e instanceof ElfError) throw new MachineError(`${opts.kernelName}: ${e.message}`);
      throw e;
    }
    for (const s of elf.segments) {
      if (s.memsz === 0) continue;
      if (s.paddr + s.memsz > ramSize) {
        throw new MachineError(`${opts.kernelName}: segment ${s.index} at ${hex(s.paddr)}-${hex(s.paddr + s.memsz - 1)} is outside RAM (${ramSize / 2 ** 20} MiB at 0x0)`);
      }
      blobs.push({ addr: s.paddr, data: s.data, memsz: s.memsz, what: `segment ${s.index}` });
    }
    entry = elf.entry;
    // QEMU treats an ELF as not Linux: -initrd is ignored, a -dtb goes at 0 if there is room.
    if (opts.dtb) {
      const low = Math.min(...blobs.map((b) => b.addr)), high = Math.max(...blobs.map((b) => b.addr + b.memsz));
      const dtb = bootStep(() => elfDtbBlob({ ramBase: 0, ramSize, cmdline: opts.append, dtb: opts.dtb!, dtbName: opts.dtbName }, low, high));
      if (dtb) blobs.push({ ...dtb, memsz: dtb.data.length });
    }
  } else {
    if (opts.kernel.length === 0) throw new MachineError(`${opts.kernelName}: empty kernel image`);
    const boot = bootStep(() => linuxBootBlobs({
      ramBase: 0, ramSize, boardId: VERSATILEPB_BOARD_ID, kernel: opts.kernel, kernelName: opts.kernelName,
      cmdline: opts.append, initrd: opts.initrd, initrdName: opts.initrdName, dtb: opts.dtb, dtbName: opts.dtbName,
    }));
    for (const b of boot) blobs.push({ ...b, memsz: b.data.length });
    entry = 0;
  }

  // Unassigned addresses read as zero and ignore writes (see above).
  const bus = new BoardBus({ unassigned: 'read-as-zero' });
  // The interrupt controllers drive the CPU's lines (the CPU exists from below on).
  let cpuRef: ArmCpu | undefined;
  const vic = new Pl190((irq, fiq) => { if (cpuRef) { cpuRef.irqLine = irq; cpuRef.fiqLine = fiq; } });
  const sic = new VpbSic((n, level) => vic.setIrq(n, level));
  bus.map(VIC_BASE, PAGE_SIZE, vic);
  bus.map(SIC_BASE, PAGE_SIZE, sic);

  const out = opts.uartOutput ?? [];
  const uarts = UART_BASES.map((_, i) => new Pl011(`uart${i}`, out[i],
    i < 3 ? (level) => vic.setIrq(UART_VIC_LINES[i], level) : (level) => sic.setIrq(UART3_SIC_LINE, level)));
  UART_BASES.forEach((base, i) => bus.map(base, PAGE_SIZE, uarts[i]));

  const virtualClock = new VirtualClock(opts.clock ?? hostClock);
  const clock = virtualClock.now;
  const timers = TIMER_BASES.map((base, i) => {
    const t = new Sp804(`timer${i * 2}-${i * 2 + 1}`, clock, (level) => vic.setIrq(TIMER_VIC_LINES[i], level));
    bus.map(base, PAGE_SIZE, t);
    return t;
  });

  const rtc = new Pl031((level) => vic.setIrq(RTC_VIC_LINE, level));
  bus.map(RTC_BASE, PAGE_SIZE, rtc);
  const i2c = new SbconI2c();
  bus.map(I2C_BASE, PAGE_SIZE, i2c);
  const mmci = MMCI_BASES.map((base, i) => {
    const backend = opts.sd?.[i];
    const card = backend ? new SdCard(backend) : undefined;
    const m = new Pl181(`mmci${i}`, card, (n, level) => sic.setIrq(MMCI_SIC_LINES[i][n], level));
    bus.map(base, PAGE_SIZE, m);
    return m;
  });

  const kmi = KMI_BASES.map((base, i) => {
    const k = new Pl050(`kmi${i}`, i === 0 ? 'keyboard' : 'mouse', (level) => sic.setIrq(KMI_SIC_LINES[i], level));
    bus.map(base, PAGE_SIZE, k);
    return k;
  });

  const loaded = blobs.map((b) => ({ start: b.addr, end: b.addr + b.memsz, what: b.what })).sort((a, b) => a.start - b.start);
  let semihosting: Semihosting | undefined;
  if (opts.semihosting) {
    // SYS_HEAPINFO: QEMU gives the largest gap between loaded blobs in RAM.
    let best = { base: 0, limit: 0 }, at = 0;
    for (const r of [...loaded, { start: ramSize, end: ramSize }]) {
      if (r.start - at > best.limit - best.base) best = { base: at, limit: r.start };
      at = Math.max(at, r.end);
    }
    const words = opts.semihostingArgs?.length ? opts.semihostingArgs : [opts.kernelName, ...(opts.append ? opts.append.split(' ').filter(Boolean) : [])];
    semihosting = new Semihosting({ host: opts.semihosting, cmdline: words.join(' '), heapBase: best.base, heapLimit: best.limit });
  }

  const table = await loadArmTable();
  const cpu = new ArmCpu(table, {
    engine: opts.engine, ramSize, bus, onSwi: semihosting?.onSwi, log: opts.log,
    tbCacheSize: opts.tbCacheSize, batchSize: opts.batchSize, singleStep: opts.singleStep, chain: opts.chain, hotThreshold: opts.hotThreshold,
  });
  cpuRef = cpu;
  cpu.irqLine = vic.irq;
  cpu.fiqLine = vic.fiq;
  const machine: VersatilePb = {
    cpu, uarts, sysctl: undefined as unknown as SysCtl, vic, sic, timers, rtc, mmci, kmi, semihosting, loaded, entry, resetRequested: false,
    clock: virtualClock, devices: {}, ramSize,
    poll: () => { for (const t of timers) t.poll(); rtc.poll(); },
  };
  machine.sysctl = new SysCtl(0x41007004, 0x02000000, () => { machine.resetRequested = true; cpu.halted = true; }, clock);
  bus.map(SYSCTL_BASE, PAGE_SIZE, machine.sysctl);
  machine.devices = {
    sysctl: machine.sysctl, vic, sic, i2c, rtc,
    ...Object.fromEntries(uarts.map((u, i) => [`uart${i}`, u])),
    ...Object.fromEntries(timers.map((t, i) => [`timer${i * 2}${i * 2 + 1}`, t])),
    ...Object.fromEntries(mmci.map((m, i) => [`mmci${i}`, m])),
    ...Object.fromEntries(kmi.map((k, i) => [`kmi${i}`, k])),
  };

  for (const b of blobs) {
    cpu.writeBytes(b.addr, b.data);
    if (b.memsz > b.data.length) cpu.writeBytes(b.addr + b.data.length, new Uint8Array(b.memsz - b.data.length));
  }
  cpu.reset();
  cpu.pc = entry;
  return machine;
}

// --- saving and restoring the machine (QEMU's migration; docs/migration.md) -----------------

const BOARD = 'versatilepb';

/** RAM as a page bitmap and the pages that are not all zero. */
function encodeRam(ram: Uint8Array): { data: Uint8Array; pages: number; savedPages: number } {
  const pages = ram.length / PAGE_SIZE;
  const words = new Int32Array(ram.buffer, ram.byteOffset, ram.length / 4);
  const used: number[] = [];
  for (let p = 0; p < pages; p++) {
    for (let w = p * (PAGE_SIZE / 4), end = w + PAGE_SIZE / 4; w < end; w++) {
      if (words[w] !== 0) { used.push(p); break; }
    }
  }
  const bitmapBytes = Math.ceil(pages / 8);
  const out = new Uint8Array(4 + bitmapBytes + used.length * PAGE_SIZE);
  new DataView(out.buffer).setUint32(0, pages, true);
  used.forEach((p, i) => {
    out[4 + (p >> 3)] |= 1 << (p & 7);
    out.set(ram.subarray(p * PAGE_SIZE, (p + 1) * PAGE_SIZE), 4 + bitmapBytes + i * PAGE_SIZE);
  });
  return { data: out, pages, savedPages: used.length };
}

function decodeRam(data: Uint8Array, ram: Uint8Array): void {
  const pages = ram.length / PAGE_SIZE, bitmapBytes = Math.ceil(pages / 8);
  if (data.length < 4 || new DataView(data.buffer, data.byteOffset).getUint32(0, true) !== pages) {
    throw new MigrationError(`ram: the saved machine has a different RAM size`);
  }
  let used = 0;
  for (let i = 0; i < bitmapBytes && 4 + i < data.length; i++) for (let b = data[4 + i]; b; b &= b - 1) used++;
  if (data.length !== 4 + bitmapBytes + used * PAGE_SIZE) throw new MigrationError('ram: corrupt page list');
  ram.fill(0);
  let at = 4 + bitmapBytes;
  for (let p = 0; p < pages; p++) {
    if (!(data[4 + (p >> 3)] & (1 << (p & 7)))) continue;
    ram.set(data.subarray(at, at + PAGE_SIZE), p * PAGE_SIZE);
    at += PAGE_SIZE;
  }
}

/** An SD card's -snapshot overlay: u32 block size, then (u32 block number, the block) each. */
function encodeOverlay(o: NonNullable<BlockBackend['overlay']>): Uint8Array {
  const out = new Uint8Array(4 + o.blocks.size * (4 + o.blockSize));
  const view = new DataView(out.buffer);
  view.setUint32(0, o.blockSize, true);
  let at = 4;
  for (const [n, b] of [...o.blocks].sort((x, y) => x[0] - y[0])) {
    view.setUint32(at, n, true);
    out.set(b, at + 4);
    at += 4 + o.blockSize;
  }
  return out;
}

function decodeOverlay(data: Uint8Array, o: NonNullable<BlockBackend['overlay']>, size: number, what: string): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 4 || view.getUint32(0, true) !== o.blockSize || (data.length - 4) % (4 + o.blockSize) !== 0) {
    throw new MigrationError(`${what}: corrupt overlay`);
  }
  const blocks = new Map<number, Uint8Array>();
  for (let at = 4; at < data.length; at += 4 + o.blockSize) {
    const n = view.getUint32(at, true);
    if ((n + 1) * o.blockSize > size) throw new MigrationError(`${what}: overlay block ${n} is outside the card`);
    blocks.set(n, data.slice(at + 4, at + 4 + o.blockSize));
  }
  o.blocks.clear();
  for (const [n, b] of blocks) o.blocks.set(n, b);
}

/**
 * The whole machine as a migration stream: CPU, RAM, every device, the virtual clock, the
 * guest's writes to -snapshot SD cards. Call it between runs (the CPU stopped at a block
 * boundary). Semihosting's host side (open host files) is not part of it.
 */
export function saveVersatilePb(m: VersatilePb): { stream: Uint8Array; ramPages: number; savedPages: number } {
  const devices: StateObject = {};
  const ram = encodeRam(m.cpu.ram);
  for (const [name, d] of Object.entries(m.devices)) devices[name] = d.saveState();
  const sections: Section[] = [
    jsonSection('machine', {
      board: BOARD, ramSize: m.ramSize, clock: m.clock.now(), resetRequested: m.resetRequested,
      sdOverlays: m.mmci.map((c) => c.card?.backend.overlay !== undefined),
      cpu: m.cpu.saveState(), devices,
    }),
    { name: 'ram', data: ram.data },
  ];
  m.mmci.forEach((c, i) => {
    const o = c.card?.backend.overlay;
    if (o) sections.push({ name: `sd${i}`, data: encodeOverlay(o) });
  });
  return { stream: encodeVmState(sections), ramPages: ram.pages, savedPages: ram.savedPages };
}

/**
 * Restore a machine saved by saveVersatilePb into `m`, a machine created with the same
 * configuration that has not run. Throws MigrationError (a corrupt or truncated stream, another
 * version, another machine); the machine must then be thrown away.
 */
export function loadVersatilePb(m: VersatilePb, bytes: Uint8Array): void {
  const sections = decodeVmState(bytes);
  const s = readJsonSection(sections, 'machine');
  if (s.board !== BOARD) throw new MigrationError(`the saved machine is a '${String(s.board)}', not a ${BOARD}`);
  if (s.ramSize !== m.ramSize) throw new MigrationError(`the saved machine has ${String(s.ramSize)} bytes of RAM, this one ${m.ramSize} (use the same -m)`);
  const overlays = s.sdOverlays;
  if (!Array.isArray(overlays) || overlays.length !== m.mmci.length) throw new MigrationError('machine.sdOverlays: not an array of 2');
  m.mmci.forEach((c, i) => {
    const o = c.card?.backend.overlay;
    if (overlays[i] === true && !o) throw new MigrationError(`the saved machine kept SD card ${i}'s writes in memory: restore it with -snapshot`);
    if (overlays[i] === true && o && c.card) decodeOverlay(section(sections, `sd${i}`), o, c.card.size, `sd${i}`);
  });
  const devices = stateObject(s.devices, 'devices');
  for (const [name, d] of Object.entries(m.devices)) d.loadState(devices[name], name);
  if (typeof s.clock !== 'number' || !Number.isFinite(s.clock)) throw new MigrationError('machine.clock: not a number');
  if (typeof s.resetRequested !== 'boolean') throw new MigrationError('machine.resetRequested: not a boolean');
  decodeRam(section(sections, 'ram'), m.cpu.ram);
  m.cpu.loadState(s.cpu, 'cpu');
  m.clock.set(s.clock);
  m.resetRequested = s.resetRequested;
  m.cpu.irqLine = m.vic.irq;
  m.cpu.fiqLine = m.vic.fiq;
}
