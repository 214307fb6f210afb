/**
 * ARM SP804 dual timer, modelled on QEMU's hw/timer/arm_timer.c on top of a port of its
 * countdown timer (hw/core/ptimer.c, the legacy policy the SP804 uses): each half counts
 * down at 1 MHz (divided by 1, 16 or 256) from Load; periodic mode reloads from Load (which
 * BGLoad changes without restarting), free-running mode wraps at 0xffff/0xffffffff, one-shot
 * stops at zero. Reaching zero sets the raw interrupt (RIS) until IntClr; the output is RIS
 * and the control register's interrupt enable; the two halves' outputs are ORed.
 *
 * Time is the machine's virtual clock, which (like QEMU's without -icount) is host time: the
 * timer expires when it should in wall-clock terms, and the board notices at its next poll()
 * or device access (the CPU only takes interrupts between blocks anyway).
 */
import type { MmioDevice } from '../device.js';

import type { Clock } from '../clock.js';
import { loadFields, saveFields, stateObject, MigrationError, type Migratable, type StateObject, type StateValue } from '../../runtime/vmstate.js';

const CTRL_ONESHOT = 1 << 0;
const CTRL_32BIT = 1 << 1;
const CTRL_IE = 1 << 5;
const CTRL_PERIODIC = 1 << 6;
const CTRL_ENABLE = 1 << 7;

/** A periodic countdown timer, as QEMU's ptimer (legacy policy). */
export class Ptimer {
  /** 0 disabled, 1 periodic, 2 one-shot. */
  private enabled = 0;
  private limit = 0;
  private delta = 0;
  /** Nanoseconds per count (fractional for odd frequencies). */
  private period = 0;
  private nextEvent = 0;

  constructor(private readonly clock: Clock, private readonly onTrigger: () => void) {}

  /** Saved with the machine: the deadline is in the machine's virtual clock, which is saved too. */
  static readonly FIELDS = ['enabled', 'limit', 'delta', 'period', 'nextEvent'] as const;

  /** Count down to `now`, firing (once, however many periods went by) if zero was reached. */
  advance(now = this.clock()): void {
    if (!this.enabled || now < this.nextEvent) return;
    this.onTrigger();
    this.delta = 0;
    if (this.enabled === 2) { this.enabled = 0; return; }
    // Periodic: reload; periods the host slept through fire together, as one level change.
    this.delta = this.limit;
    const span = this.span(this.delta);
    if (span <= 0) { this.enabled = 0; return; }
    this.nextEvent += span * (Math.floor((now - this.nextEvent) / span) + 1);
  }

  /** The time `delta` counts take; QEMU keeps a periodic timer at 10 µs or more (no -icount). */
  private span(delta: number): number {
    if (delta === 0 || this.period === 0) return 0;
    return this.enabled === 1 && delta * this.period < 10000 ? 10000 : delta * this.period;
  }

  private reload(now: number): void {
    if (this.delta === 0) {
      this.onTrigger();
      this.delta = this.limit;
    }
    const span = this.span(this.delta);
    if (span === 0) { this.enabled = 0; return; } // QEMU: "Timer with period zero, disabling"
    this.nextEvent = now + span;
  }

  get count(): number {
    if (!this.enabled) return this.delta;
    const now = this.clock();
    this.advance(now);
    if (!this.enabled) return this.delta;
    if (now >= this.nextEvent || this.period === 0) return 0;
    return Math.min(this.delta, Math.floor((this.nextEvent - now) / this.period));
  }

  run(oneshot: boolean): void {
    if (this.enabled || this.period === 0) return;
    this.enabled = oneshot ? 2 : 1;
    this.reload(this.clock());
  }

  stop(): void {
    if (!this.enabled) return;
    this.delta = this.count;
    this.enabled = 0;
  }

  setFreq(hz: number): void {
    this.period = 1e9 / hz;
    if (this.enabled) this.reload(this.clock());
  }

  setLimit(limit: number, reload: boolean): void {
    this.limit = limit >>> 0;
    if (reload) this.delta = this.limit;
    if (this.enabled && reload) this.reload(this.clock());
  }
}

/** One half of an SP804 (QEMU's arm_timer_state). */
class ArmTimer {
  static readonly FIELDS = ['control', 'limit', 'intLevel'] as const;
  control = CTRL_IE;
  limit = 0;
  intLevel = 0;
  readonly timer: Ptimer;

  constructor(clock: Clock, private readonly freq: number, private readonly setIrq: (level: boolean) => void) {
    this.timer = new Ptimer(clock, () => { this.intLevel = 1; this.update(); });
    this.timer.setFreq(freq);
  }

  private update(): void { this.setIrq(this.intLevel !== 0 && (this.control & CTRL_IE) !== 0); }

  private recalibrate(reload: boolean): void {
    let limit: number;
    if ((this.control & (CTRL_PERIODIC | CTRL_ONESHOT)) === 0) limit = this.control & CTRL_32BIT ? 0xffffffff : 0xffff; // free running
    else limit = this.limit;
    this.timer.setLimit(limit, reload);
  }

  read(reg: number): number {
    switch (reg) {
      case 0: case 6: return this.limit; // Load, BGLoad
      case 1: return this.timer.count; // Value
      case 2: return this.control;
      case 4: this.timer.advance(); return this.intLevel; // RIS
      case 5: this.timer.advance(); return this.control & CTRL_IE ? this.intLevel : 0; // MIS
      default: return 0;
    }
  }

  write(reg: number, value: number): void {
    switch (reg) {
      case 0: this.limit = value >>> 0; this.recalibrate(true); break; // Load
      case 1: break; // Value is read-only (Linux writes it)
      case 2: { // Control
        // QEMU pauses a running timer around the change (losing a little time).
        if (this.control & CTRL_ENABLE) this.timer.stop();
        this.control = value;
        let freq = this.freq;
        if (((value >> 2) & 3) === 1) freq /= 16;
        else if (((value >> 2) & 3) === 2) freq /= 256;
        this.recalibrate((this.control & CTRL_ENABLE) !== 0);
        this.timer.setFreq(freq);
        if (this.control & CTRL_ENABLE) this.timer.run((this.control & CTRL_ONESHOT) !== 0);
        break;
      }
      case 3: this.timer.advance(); this.intLevel = 0; break; // IntClr
      case 6: this.limit = value >>> 0; this.recalibrate(false); break; // BGLoad
      default: return;
    }
    this.update();
  }
}

/** PrimeCell identification registers at 0xfe0..0xffc: SP804, then the PrimeCell ID. */
const SP804_ID = [0x04, 0x18, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

export class Sp804 implements MmioDevice, Migratable {
  private readonly timers: ArmTimer[];
  private readonly levels = [false, false];

  saveState(): StateObject {
    return {
      ...saveFields(this, ['levels']),
      timers: this.timers.map((t) => ({ ...saveFields(t, ArmTimer.FIELDS), ptimer: saveFields(t.timer, Ptimer.FIELDS) })),
    };
  }

  loadState(state: StateValue, path: string): void {
    const s = stateObject(state, path);
    const timers = s.timers;
    if (!Array.isArray(timers) || timers.length !== 2) throw new MigrationError(`${path}.timers: not an array of 2`);
    timers.forEach((t, i) => {
      loadFields(this.timers[i], ArmTimer.FIELDS, t, `${path}.timers[${i}]`);
      loadFields(this.timers[i].timer, Ptimer.FIELDS, stateObject(t, path).ptimer, `${path}.timers[${i}].ptimer`);
    });
    loadFields(this, ['levels'], s, path);
  }

  /**
   * @param setIrq the combined interrupt output (level)
   * @param freq the timers' input clock (the Versatile PB's: 1 MHz)
   */
  constructor(readonly name: string, clock: Clock, private readonly setIrq: (level: boolean) => void, freq = 1_000_000) {
    this.timers = [0, 1].map((n) => new ArmTimer(clock, freq, (level) => {
      this.levels[n] = level;
      this.setIrq(this.levels[0] || this.levels[1]);
    }));
  }

  /** Bring both timers up to the clock's present (fires the interrupt of any that expired). */
  poll(): void { for (const t of this.timers) t.timer.advance(); }

  read(offset: number, _bytes: number): number {
    if (offset < 0x20) return this.timers[0].read(offset >> 2);
    if (offset < 0x40) return this.timers[1].read((offset - 0x20) >> 2);
    if (offset >= 0xfe0 && offset <= 0xffc) return SP804_ID[(offset - 0xfe0) >> 2];
    return 0;
  }

  write(offset: number, _bytes: number, value: number): void {
    if (offset < 0x20) this.timers[0].write(offset >> 2, value);
    else if (offset < 0x40) this.timers[1].write((offset - 0x20) >> 2, value);
  }
}
