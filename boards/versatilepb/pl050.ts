/**
 * ARM PrimeCell PL050 keyboard/mouse interface (KMI), as QEMU 7.2's hw/input/pl050.c behaves:
 * versatilepb has two, the keyboard's at 0x10006000 (SIC line 3) and the mouse's at 0x10007000
 * (SIC line 4), each with its PS/2 device (boards/ps2.ts).
 *
 * - KMICR (0x00): read/write; bit 4 enables the receive interrupt, bit 3 the transmit one.
 * - KMISTAT (0x04): TXEMPTY always (a byte written is taken at once), RXFULL while the device
 *   has a byte for us, RXPARITY the parity of the byte read last.
 * - KMIDATA (0x08): a read takes the device's next byte (or gives the last one again when there
 *   is none); a write sends a byte to the device.
 * - KMICLKDIV (0x0c): read/write storage.
 * - KMIIR (0x10): bit 0 receive pending, bit 1 (transmit ready) always set.
 * - The output interrupt: receive pending with bit 4, or bit 3 alone (transmit is always ready).
 * - 0xfe0-0xffc: the PrimeCell ID, PL050.
 */
import type { MmioDevice } from '../device.js';
import { loadFields, saveFields, stateObject, type Migratable, type StateObject, type StateValue } from '../../runtime/vmstate.js';
import { Ps2Keyboard, Ps2Mouse } from '../ps2.js';

/** PrimeCell identification registers at 0xfe0..0xffc: PL050, then the PrimeCell ID. */
const PL050_ID = [0x50, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

const STAT_TXEMPTY = 1 << 6;
const STAT_RXFULL = 1 << 4;
const STAT_RXPARITY = 1 << 2;
const CR_RXINTREN = 1 << 4;
const CR_TXINTREN = 1 << 3;

export class Pl050 implements MmioDevice, Migratable {
  static readonly FIELDS = ['cr', 'clkdiv', 'last', 'pending', 'level'] as const;
  saveState(): StateObject { return { ...saveFields(this, Pl050.FIELDS), device: this.device.saveState() }; }
  loadState(s: StateValue, path: string): void {
    this.device.loadState(stateObject(s, path).device, `${path}.device`);
    loadFields(this, Pl050.FIELDS, s, path);
  }
  readonly device: Ps2Keyboard | Ps2Mouse;
  private cr = 0;
  private clkdiv = 0;
  private last = 0;
  /** The PS/2 device's interrupt: it has a byte for us. */
  private pending = false;
  private level = false;

  constructor(readonly name: string, kind: 'keyboard' | 'mouse', private readonly setIrq: (level: boolean) => void) {
    const input = (level: boolean): void => { this.pending = level; this.update(); };
    this.device = kind === 'keyboard' ? new Ps2Keyboard(input) : new Ps2Mouse(input);
  }

  private update(): void {
    const level = (this.pending && (this.cr & CR_RXINTREN) !== 0) || (this.cr & CR_TXINTREN) !== 0;
    if (level !== this.level) {
      this.level = level;
      this.setIrq(level);
    }
  }

  read(offset: number, _bytes: number): number {
    if (offset >= 0xfe0 && offset < 0x1000) return PL050_ID[(offset - 0xfe0) >> 2];
    switch (offset >> 2) {
      case 0: return this.cr;
      case 1: {
        let parity = this.last;
        parity ^= parity >> 4;
        parity ^= parity >> 2;
        parity = (parity ^ (parity >> 1)) & 1;
        return STAT_TXEMPTY | (parity ? STAT_RXPARITY : 0) | (this.pending ? STAT_RXFULL : 0);
      }
      case 2:
        if (this.pending) this.last = this.device.readData();
        return this.last;
      case 3: return this.clkdiv;
      case 4: return (this.pending ? 1 : 0) | 2;
      default: return 0;
    }
  }

  write(offset: number, _bytes: number, value: number): void {
    value >>>= 0;
    switch (offset >> 2) {
      case 0: this.cr = value; this.update(); break;
      case 2: this.device.write(value); break;
      case 3: this.clkdiv = value; break;
      default: break;
    }
  }
}
