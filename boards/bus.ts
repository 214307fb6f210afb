/**
 * A board's physical address map: MMIO devices (boards/device.ts) mapped at page-aligned
 * regions, answering the accesses a CPU's slow path sends to its Bus (runtime/bus.ts). Nothing
 * in it is specific to a board or a CPU. What an access to an address no device answers at does
 * is the board's policy: a bus fault (the CPU's data abort, say), or — as QEMU's versatilepb,
 * with ignore_memory_transaction_failures — read as zero and ignore writes.
 */
import { PAGE_SHIFT, PAGE_SIZE } from '../ops/core.js';
import type { Bus } from '../runtime/bus.js';
import type { MmioDevice } from './device.js';

/** What happens at an address no device answers at. */
export type UnassignedAccess =
  /** Nothing answers: the CPU takes its bus fault. */
  | 'fault'
  /** Reads return 0, writes are ignored; the CPU sees a normal access. */
  | 'read-as-zero';

export interface BoardBusOptions {
  unassigned: UnassignedAccess;
}

interface Mapping {
  base: number;
  device: MmioDevice;
}

/**
 * Devices are looked up by page: the CPU's page-flag table already sends whole pages to the bus,
 * so a page is the finest granularity a device region can have.
 */
export class BoardBus implements Bus {
  private readonly pages = new Map<number, Mapping>();
  private readonly unassigned: UnassignedAccess;

  constructor(options: BoardBusOptions) {
    this.unassigned = options.unassigned;
  }

  /** Map `device` at [base, base + size); both page-aligned. A later mapping replaces an earlier one. */
  map(base: number, size: number, device: MmioDevice): void {
    if (base % PAGE_SIZE !== 0 || size % PAGE_SIZE !== 0 || size <= 0) {
      throw new Error(`${device.name}: region 0x${base.toString(16)}+0x${size.toString(16)} is not whole pages`);
    }
    for (let a = base; a < base + size; a += PAGE_SIZE) this.pages.set(a >>> PAGE_SHIFT, { base, device });
  }

  /** The mapped regions in address order (the monitor's `info mtree`). */
  regions(): { base: number; size: number; name: string }[] {
    const out: { base: number; size: number; name: string }[] = [];
    for (const [page, m] of [...this.pages].sort((x, y) => x[0] - y[0])) {
      const last = out[out.length - 1];
      if (last && last.base === m.base && last.name === m.device.name) last.size = (page << PAGE_SHIFT >>> 0) + PAGE_SIZE - m.base;
      else out.push({ base: m.base, size: PAGE_SIZE, name: m.device.name });
    }
    return out;
  }

  deviceAt(addr: number): MmioDevice | undefined {
    return this.pages.get(addr >>> PAGE_SHIFT)?.device;
  }

  /** The device's value truncated to the access size (as QEMU's memory core does); a word is signed. */
  read(addr: number, bytes: number): number | undefined {
    const m = this.pages.get(addr >>> PAGE_SHIFT);
    if (!m) return this.unassigned === 'read-as-zero' ? 0 : undefined;
    const v = m.device.read((addr >>> 0) - m.base, bytes);
    return bytes === 4 ? v | 0 : bytes === 2 ? v & 0xffff : v & 0xff;
  }

  /** The device sees the value truncated to the access size. */
  write(addr: number, bytes: number, value: number): boolean {
    const m = this.pages.get(addr >>> PAGE_SHIFT);
    if (!m) return this.unassigned === 'read-as-zero';
    m.device.write((addr >>> 0) - m.base, bytes, bytes === 4 ? value >>> 0 : bytes === 2 ? value & 0xffff : value & 0xff);
    return true;
  }
}
