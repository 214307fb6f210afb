/**
 * The Versatile's two-wire serial bus interface (ARM "SBCon", at 0x10002000), as QEMU's
 * versatile_i2c models it: software drives SCL (bit 0) and SDA (bit 1) by writing SB_CONTROLS
 * (0x00, set bits) and SB_CONTROLC (0x04, clear bits) and reads the lines back at 0x00. Linux
 * bit-bangs I2C through it (i2c-versatile).
 *
 * No device answers on this bus (QEMU has a DS1338 RTC at 0x68; the PL031 is the RTC here), so
 * the lines read as the master drives them, pulled up: every address is not acknowledged and
 * Linux's probe of the DS1338 fails cleanly. Reading zero instead (an unassigned address) would
 * look like a bus held low, and Linux would spin in its clock-stretching timeouts for seconds.
 */
import type { MmioDevice } from '../device.js';
import { loadFields, saveFields, type Migratable, type StateObject, type StateValue } from '../../runtime/vmstate.js';

const SCL = 1, SDA = 2;

export class SbconI2c implements MmioDevice, Migratable {
  static readonly FIELDS = ['out'] as const;
  saveState(): StateObject { return saveFields(this, SbconI2c.FIELDS); }
  loadState(s: StateValue, path: string): void { loadFields(this, SbconI2c.FIELDS, s, path); }
  readonly name = 'i2c';
  private out = SCL | SDA;

  read(offset: number): number {
    return offset === 0 ? this.out : 0;
  }

  write(offset: number, _bytes: number, value: number): void {
    if (offset === 0) this.out |= value & (SCL | SDA);
    else if (offset === 4) this.out &= ~value & (SCL | SDA);
  }
}
