/**
 * ARM PrimeCell PL011 UART, modelled on QEMU's hw/char/pl011.c: transmit is immediate (the
 * data register write goes straight to the output sink, TXFF never sets), receive goes through
 * a 16-entry FIFO (1 entry with FIFOs disabled) fed by the host's input. Registers the model
 * does not give meaning to (baud rate, line control, DMA) are plain read/write storage.
 */
import type { MmioDevice } from '../device.js';
import { loadFields, saveFields, type Migratable, type StateObject, type StateValue } from '../../runtime/vmstate.js';

export const PL011_FR_BUSY = 1 << 3;
export const PL011_FR_RXFE = 1 << 4;
export const PL011_FR_TXFF = 1 << 5;
export const PL011_FR_RXFF = 1 << 6;
export const PL011_FR_TXFE = 1 << 7;

export const PL011_INT_RX = 1 << 4;
export const PL011_INT_TX = 1 << 5;

const LCR_FEN = 1 << 4;
const FIFO_DEPTH = 16;
/** PrimeCell identification registers at 0xfe0..0xffc: PL011 rev 1, then the PrimeCell ID. */
const ID = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

export class Pl011 implements MmioDevice, Migratable {
  /** Saved with the machine (the host's input waiting in `pending` is the host's, not saved). */
  static readonly FIELDS = ['flags', 'rsr', 'ilpr', 'ibrd', 'fbrd', 'lcr', 'cr', 'ifl', 'intEnabled', 'intLevel', 'dmacr', 'fifo', 'readPos', 'readCount'] as const;
  private flags = PL011_FR_TXFE | PL011_FR_RXFE;
  private rsr = 0;
  private ilpr = 0;
  private ibrd = 0;
  private fbrd = 0;
  private lcr = 0;
  private cr = 0x300;
  private ifl = 0x12;
  private intEnabled = 0;
  private intLevel = 0;
  private dmacr = 0;
  private readonly fifo = new Uint16Array(FIFO_DEPTH);
  private readPos = 0;
  private readCount = 0;
  /** Host bytes waiting for room in the FIFO. */
  private readonly pending: number[] = [];

  /**
   * @param output called with each byte the guest transmits (undefined: output is dropped)
   * @param onIrq the interrupt line, for a board that wires one (level)
   */
  constructor(readonly name: string, private readonly output?: (byte: number) => void, private readonly onIrq?: (level: boolean) => void) {}

  /**
   * A host input source the receiver pulls from whenever its FIFO has room (shared with other
   * consumers of the same stream, e.g. semihosting's console reads). Call pollInput() when it
   * has new data.
   */
  inputSource?: () => number | undefined;

  pollInput(): void { this.fillFifo(); }

  saveState(): StateObject { return saveFields(this, Pl011.FIELDS); }
  loadState(s: StateValue, path: string): void { loadFields(this, Pl011.FIELDS, s, path); }

  /** Host input for the receiver (stdin); bytes the FIFO cannot take yet wait their turn. */
  pushInput(data: Uint8Array | number[]): void {
    for (const b of data) this.pending.push(b & 0xff);
    this.fillFifo();
  }

  /** Bytes received but not yet read by the guest (FIFO and backlog). */
  get inputBacklog(): number { return this.readCount + this.pending.length; }

  private fifoCapacity(): number { return this.lcr & LCR_FEN ? FIFO_DEPTH : 1; }

  private fillFifo(): void {
    while (this.readCount < this.fifoCapacity()) {
      const b = this.pending.length ? this.pending.shift() : this.inputSource?.();
      if (b === undefined) break;
      const slot = (this.readPos + this.readCount) & (FIFO_DEPTH - 1);
      this.fifo[slot] = b;
      this.readCount++;
      this.flags &= ~PL011_FR_RXFE;
      if (this.readCount === this.fifoCapacity()) this.flags |= PL011_FR_RXFF;
      // QEMU triggers the RX interrupt as soon as the FIFO is non-empty (read_trigger = 1).
      if (this.readCount === 1) this.intLevel |= PL011_INT_RX;
    }
    this.update();
  }

  private update(): void { this.onIrq?.((this.intLevel & this.intEnabled) !== 0); }

  read(offset: number, _bytes: number): number {
    if (offset >= 0xfe0 && offset < 0x1000) return ID[(offset - 0xfe0) >> 2];
    switch (offset >> 2) {
      case 0: { // DR
        this.flags &= ~PL011_FR_RXFF;
        const c = this.fifo[this.readPos];
        if (this.readCount > 0) {
          this.readCount--;
          this.readPos = (this.readPos + 1) & (FIFO_DEPTH - 1);
        }
        if (this.readCount === 0) { this.flags |= PL011_FR_RXFE; this.intLevel &= ~PL011_INT_RX; }
        this.rsr = c >> 8;
        this.fillFifo();
        return c;
      }
      case 1: return this.rsr;
      case 6: return this.flags;
      case 8: return this.ilpr;
      case 9: return this.ibrd;
      case 10: return this.fbrd;
      case 11: return this.lcr;
      case 12: return this.cr;
      case 13: return this.ifl;
      case 14: return this.intEnabled;
      case 15: return this.intLevel;
      case 16: return this.intLevel & this.intEnabled;
      case 18: return this.dmacr;
      default: return 0;
    }
  }

  write(offset: number, _bytes: number, value: number): void {
    switch (offset >> 2) {
      case 0: // DR: transmitted at once
        this.output?.(value & 0xff);
        this.intLevel |= PL011_INT_TX;
        this.update();
        break;
      case 1: this.rsr = 0; break; // ECR: clear errors
      case 6: break; // FR is read-only
      case 8: this.ilpr = value; break;
      case 9: this.ibrd = value; break;
      case 10: this.fbrd = value; break;
      case 11: // LCR_H: toggling FEN resets the receive FIFO
        if ((this.lcr ^ value) & LCR_FEN) { this.readCount = 0; this.readPos = 0; this.flags = (this.flags | PL011_FR_RXFE) & ~PL011_FR_RXFF; }
        this.lcr = value;
        this.fillFifo();
        break;
      case 12: this.cr = value; break;
      case 13: this.ifl = value; break;
      case 14: this.intEnabled = value; this.update(); break;
      case 17: this.intLevel &= ~value; this.update(); break; // ICR
      case 18: this.dmacr = value; break;
      default: break;
    }
  }
}
