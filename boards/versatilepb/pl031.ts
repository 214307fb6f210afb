/**
 * ARM PrimeCell PL031 real-time clock, as QEMU's hw/rtc/pl031.c behaves (versatilepb maps one
 * at 0x101e8000, VIC line 10; Linux's rtc-pl031 driver binds to it by its PrimeCell ID):
 *
 * - DR (0x00) counts seconds: host wall-clock time (QEMU's default -rtc base=utc,clock=host)
 *   plus an offset that writing LR (0x08) sets, so that DR reads back what was loaded.
 * - MR (0x04) is the match value: when DR reaches it the raw interrupt RIS (0x14) is set
 *   (at once if DR equals it when MR or LR is written; it wraps as 32-bit arithmetic does).
 * - IMSC (0x10, bit 0) masks it to the output and to MIS (0x18); ICR (0x1c) clears it.
 * - CR (0x0c) reads 1 (always started) and ignores writes.
 * - 0xfe0-0xffc: the PrimeCell ID, PL031 revision 1.
 */
import type { MmioDevice } from '../device.js';
import { loadFields, saveFields, type Migratable, type StateObject, type StateValue } from '../../runtime/vmstate.js';

/** PrimeCell identification registers at 0xfe0..0xffc: PL031, then the PrimeCell ID. */
const PL031_ID = [0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

/** Wall-clock time in milliseconds since the Unix epoch. */
export type WallClock = () => number;

export class Pl031 implements MmioDevice, Migratable {
  static readonly FIELDS = ['offset', 'mr', 'lr', 'im', 'is', 'alarmAt?', 'level'] as const;
  saveState(): StateObject { return saveFields(this, Pl031.FIELDS); }
  loadState(s: StateValue, path: string): void { loadFields(this, Pl031.FIELDS, s, path); }
  readonly name = 'rtc';
  private offset = 0; // seconds added to the wall clock's
  private mr = 0;
  private lr = 0;
  private im = 0;
  private is = 0;
  /** When the alarm fires, in wall-clock ms; undefined when not armed. */
  private alarmAt: number | undefined;
  private level = false;

  constructor(private readonly setIrq: (level: boolean) => void, private readonly wall: WallClock = Date.now) {}

  private count(): number {
    return (Math.floor(this.wall() / 1000) + this.offset) >>> 0;
  }

  private update(): void {
    const level = (this.is & this.im) !== 0;
    if (level !== this.level) {
      this.level = level;
      this.setIrq(level);
    }
  }

  private setAlarm(): void {
    const ticks = (this.mr - this.count()) >>> 0;
    if (ticks === 0) {
      this.alarmAt = undefined;
      this.is = 1;
      this.update();
    } else {
      this.alarmAt = this.wall() + ticks * 1000;
    }
  }

  /** Raise the alarm if its time came (the board polls between slices). */
  poll(): void {
    if (this.alarmAt !== undefined && this.wall() >= this.alarmAt) {
      this.alarmAt = undefined;
      this.is = 1;
      this.update();
    }
  }

  read(offset: number): number {
    if (offset >= 0xfe0 && offset < 0x1000) return PL031_ID[(offset - 0xfe0) >> 2];
    this.poll();
    switch (offset) {
      case 0x00: return this.count();
      case 0x04: return this.mr;
      case 0x08: return this.lr;
      case 0x0c: return 1;
      case 0x10: return this.im;
      case 0x14: return this.is;
      case 0x18: return this.is & this.im;
      default: return 0; // ICR is write-only; the rest is reserved
    }
  }

  write(offset: number, _bytes: number, value: number): void {
    value >>>= 0;
    switch (offset) {
      case 0x04: this.mr = value; this.setAlarm(); break;
      case 0x08:
        this.offset = (this.offset + (value - this.count())) | 0;
        this.lr = value;
        this.setAlarm();
        break;
      case 0x10: this.im = value & 1; this.update(); break;
      case 0x1c: this.is &= ~value; this.update(); break;
      default: break; // CR: started for good; DR, RIS, MIS: read-only
    }
  }
}
