/**
 * The Versatile PB's interrupt controllers, modelled on QEMU:
 *
 * - `Pl190`: the ARM PrimeCell PL190 vectored interrupt controller (hw/intc/pl190.c), the
 *   primary controller at 0x10140000. 32 level-sensitive inputs plus SOFTINT, each routed to
 *   IRQ or FIQ by INTSELECT; FIQ ignores INTENABLE (as in QEMU). Sixteen vectored slots give
 *   priorities: reading VECTADDR raises the current priority to the highest pending vectored
 *   interrupt's (masking it and everything below from the IRQ output), writing VECTADDR drops
 *   back to the previous one.
 * - `VpbSic`: the secondary interrupt controller at 0x10003000 (QEMU's "versatilepb_sic" in
 *   hw/arm/versatilepb.c): its inputs, masked by ENABLE, are ORed onto primary line 31; with
 *   PICENABLE, inputs 21..30 also pass straight through to the same primary lines.
 */
import type { MmioDevice } from '../device.js';
import { loadFields, saveFields, type Migratable, type StateObject, type StateValue } from '../../runtime/vmstate.js';

const NUM_PRIO = 17;
/** PrimeCell identification registers at 0xfe0..0xffc: PL190, then the PrimeCell ID. */
const PL190_ID = [0x90, 0x11, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

export class Pl190 implements MmioDevice, Migratable {
  static readonly FIELDS = ['level', 'softLevel', 'irqEnable', 'fiqSelect', 'vectControl', 'vectAddr', 'prioMask', 'prevPriority', 'priority', 'protection', 'irqOut', 'fiqOut'] as const;
  saveState(): StateObject { return saveFields(this, Pl190.FIELDS); }
  loadState(s: StateValue, path: string): void { loadFields(this, Pl190.FIELDS, s, path); }
  readonly name = 'pl190';
  private level = 0;
  private softLevel = 0;
  private irqEnable = 0;
  private fiqSelect = 0;
  private readonly vectControl = new Uint8Array(16);
  /** 0..15: VECTADDR0-15; 16: DEFVECTADDR. */
  private readonly vectAddr = new Uint32Array(NUM_PRIO);
  /** prioMask[i]: the interrupts with a priority higher than i (enabled vectored slots < i). */
  private readonly prioMask = new Uint32Array(NUM_PRIO + 1);
  private readonly prevPriority = new Int32Array(NUM_PRIO + 1);
  private priority = NUM_PRIO;
  private protection = 0;
  private irqOut = false;
  private fiqOut = false;

  /** @param setOutputs called whenever an output may have changed, with the IRQ and FIQ levels */
  constructor(private readonly setOutputs: (irq: boolean, fiq: boolean) => void) {
    this.reset();
  }

  reset(): void {
    this.level = this.softLevel = this.irqEnable = this.fiqSelect = this.protection = 0;
    this.vectControl.fill(0);
    this.vectAddr.fill(0);
    this.prevPriority.fill(0);
    this.prioMask[NUM_PRIO] = 0xffffffff;
    this.priority = NUM_PRIO;
    this.updateVectors();
  }

  /** Input line `n` (0..31) at `level`. */
  setIrq(n: number, level: boolean): void {
    if (level) this.level |= 1 << n;
    else this.level &= ~(1 << n);
    this.update();
  }

  get irq(): boolean { return this.irqOut; }
  get fiq(): boolean { return this.fiqOut; }

  private irqLevel(): number { return (this.level | this.softLevel) & this.irqEnable & ~this.fiqSelect; }

  private update(): void {
    this.irqOut = (this.irqLevel() & this.prioMask[this.priority]) !== 0;
    this.fiqOut = ((this.level | this.softLevel) & this.fiqSelect) !== 0;
    this.setOutputs(this.irqOut, this.fiqOut);
  }

  private updateVectors(): void {
    let mask = 0;
    for (let i = 0; i < 16; i++) {
      this.prioMask[i] = mask;
      if (this.vectControl[i] & 0x20) mask |= 1 << (this.vectControl[i] & 0x1f);
    }
    this.prioMask[16] = mask;
    this.update();
  }

  read(offset: number, _bytes: number): number {
    if (offset >= 0xfe0 && offset < 0x1000) return PL190_ID[(offset - 0xfe0) >> 2];
    if (offset >= 0x100 && offset < 0x140) return this.vectAddr[(offset - 0x100) >> 2];
    if (offset >= 0x200 && offset < 0x240) return this.vectControl[(offset - 0x200) >> 2];
    switch (offset >> 2) {
      case 0: return this.irqLevel(); // IRQSTATUS
      case 1: return (this.level | this.softLevel) & this.fiqSelect; // FIQSTATUS
      case 2: return this.level | this.softLevel; // RAWINTR
      case 3: return this.fiqSelect; // INTSELECT
      case 4: return this.irqEnable; // INTENABLE
      case 6: return this.softLevel; // SOFTINT
      case 8: return this.protection; // PROTECTION
      case 12: { // VECTADDR: the start of an ISR raises the priority to the current interrupt's
        // An enabled vectored interrupt X at priority P sets bit X in prioMask[Y] for all Y > P,
        // so this stops at the priority of the highest-priority pending interrupt.
        let i = 0;
        for (; i < this.priority; i++) {
          if ((this.level | this.softLevel) & this.prioMask[i + 1]) break;
        }
        // No interrupt pending: undefined; QEMU returns the default address.
        if (i === NUM_PRIO) return this.vectAddr[16];
        if (i < this.priority) {
          this.prevPriority[i] = this.priority;
          this.priority = i;
          this.update();
        }
        return this.vectAddr[this.priority];
      }
      case 13: return this.vectAddr[16]; // DEFVECTADDR
      default: return 0;
    }
  }

  write(offset: number, _bytes: number, value: number): void {
    if (offset >= 0x100 && offset < 0x140) {
      this.vectAddr[(offset - 0x100) >> 2] = value;
      this.updateVectors();
      return;
    }
    if (offset >= 0x200 && offset < 0x240) {
      this.vectControl[(offset - 0x200) >> 2] = value;
      this.updateVectors();
      return;
    }
    switch (offset >> 2) {
      case 0: break; // IRQSTATUS is read-only (Linux writes it anyway)
      case 3: this.fiqSelect = value | 0; break; // INTSELECT
      case 4: this.irqEnable |= value; break; // INTENABLE
      case 5: this.irqEnable &= ~value; break; // INTENCLEAR
      case 6: this.softLevel |= value; break; // SOFTINT
      case 7: this.softLevel &= ~value; break; // SOFTINTCLEAR
      case 8: this.protection = value & 1; break; // PROTECTION (not enforced, as in QEMU)
      case 12: // VECTADDR: the end of an ISR restores the previous priority (value ignored)
        if (this.priority < NUM_PRIO) this.priority = this.prevPriority[this.priority];
        break;
      case 13: this.vectAddr[16] = value; break; // DEFVECTADDR
      case 0xc0: break; // ITCR: test mode not implemented
      default: return;
    }
    this.update();
  }
}

export class VpbSic implements MmioDevice, Migratable {
  static readonly FIELDS = ['level', 'mask', 'picEnable'] as const;
  saveState(): StateObject { return saveFields(this, VpbSic.FIELDS); }
  loadState(s: StateValue, path: string): void { loadFields(this, VpbSic.FIELDS, s, path); }
  readonly name = 'vpb_sic';
  private level = 0;
  private mask = 0;
  private picEnable = 0;

  /**
   * @param setParent drives primary-controller line `n`
   * @param parentIrq the primary line the ORed, masked inputs go to (31 on the Versatile PB)
   */
  constructor(private readonly setParent: (n: number, level: boolean) => void, private readonly parentIrq = 31) {}

  /** Input line `n` (0..31) at `level`. */
  setIrq(n: number, level: boolean): void {
    if (level) this.level |= 1 << n;
    else this.level &= ~(1 << n);
    if (this.picEnable & (1 << n)) this.setParent(n, level);
    this.update();
  }

  private update(): void { this.setParent(this.parentIrq, (this.level & this.mask) !== 0); }

  private updatePic(): void {
    for (let i = 21; i <= 30; i++) {
      const m = 1 << i;
      if (this.picEnable & m) this.setParent(i, (this.level & m) !== 0);
    }
  }

  read(offset: number, _bytes: number): number {
    switch (offset >> 2) {
      case 0: return this.level & this.mask; // STATUS
      case 1: return this.level; // RAWSTAT
      case 2: return this.mask; // ENABLE
      case 4: return this.level & 1; // SOFTINT
      case 8: return this.picEnable; // PICENABLE
      default: return 0;
    }
  }

  write(offset: number, _bytes: number, value: number): void {
    switch (offset >> 2) {
      case 2: this.mask |= value; break; // ENSET
      case 3: this.mask &= ~value; break; // ENCLR
      case 4: if (value) this.mask |= 1; break; // SOFTINTSET (QEMU sets the enable bit)
      case 5: if (value) this.mask &= ~1; break; // SOFTINTCLR
      case 8: this.picEnable |= value & 0x7fe00000; this.updatePic(); break; // PICENSET
      case 9: this.picEnable &= ~value; this.updatePic(); break; // PICENCLR
      default: return;
    }
    this.update();
  }
}
