/**
 * The Versatile/RealView system registers at 0x10000000 (QEMU's hw/misc/arm_sysctl.c, as
 * configured for versatilepb): board ID, LEDs, lock, flags, the 24 MHz counter, PROCID.
 * Unknown offsets read as zero and ignore writes, as QEMU's do.
 */
import type { MmioDevice } from '../device.js';
import { monotonicNs } from '../../runtime/host.js';

const LOCK_VALUE = 0xa05f;

export class SysCtl implements MmioDevice {
  readonly name = 'sysctl';
  private leds = 0;
  private lockval = 0;
  private cfgdata1 = 0;
  private cfgdata2 = 0;
  private flags = 0;
  private nvflags = 0;
  private resetlevel = 0;
  private sysMci = 0;
  private sysClcd = 0x1f00;
  private readonly t0 = monotonicNs();

  /**
   * @param sysId SYS_ID (0x41007004 on QEMU's versatilepb)
   * @param procId PROCID0 (0x02000000: ARM926 core tile)
   * @param onReset called when the guest requests a board reset through SYS_RESETCTL
   */
  constructor(readonly sysId = 0x41007004, readonly procId = 0x02000000, private readonly onReset?: () => void) {}

  read(offset: number): number {
    switch (offset) {
      case 0x00: return this.sysId;
      case 0x08: return this.leds;
      case 0x20: return this.lockval;
      case 0x28: return this.cfgdata1;
      case 0x2c: return this.cfgdata2;
      case 0x30: return this.flags;
      case 0x38: return this.nvflags;
      case 0x40: return this.resetlevel;
      case 0x44: return 1; // PCICTL
      case 0x48: return this.sysMci;
      case 0x50: return this.sysClcd;
      case 0x5c: // 24 MHz counter since power-on (host time, as QEMU's virtual clock without -icount)
        return Number(((monotonicNs() - this.t0) * 24n / 1000n) & 0xffffffffn);
      case 0x84: return this.procId;
      case 0x88: return 0xff000000; // PROCID1
      default: return 0; // SW, OSCn, 100HZ and the rest: zero in QEMU too
    }
  }

  write(offset: number, _bytes: number, value: number): void {
    value >>>= 0;
    switch (offset) {
      case 0x08: this.leds = value; break;
      case 0x20: this.lockval = value === LOCK_VALUE ? value : value & 0x7fff; break;
      case 0x28: this.cfgdata1 = value; break;
      case 0x2c: this.cfgdata2 = value; break;
      case 0x30: this.flags |= value; break;
      case 0x34: this.flags &= ~value; break;
      case 0x38: this.nvflags |= value; break;
      case 0x3c: this.nvflags &= ~value; break;
      case 0x40: // RESETCTL (PB926 encoding): bit 8 resets the board when unlocked
        if (this.lockval === LOCK_VALUE) {
          this.resetlevel = value;
          if (value & 0x100) this.onReset?.();
        }
        break;
      case 0x50: this.sysClcd = (this.sysClcd & 0x3f00) | (value & ~0x3f00); break;
      default: break;
    }
  }
}
