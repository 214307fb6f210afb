/**
 * ARM PrimeCell PL181 MultiMedia Card Interface, as QEMU 7.2's hw/sd/pl181.c behaves, with an
 * SD card (sd-card.ts) behind it or an empty slot. versatilepb has two: MMCI0 at 0x10005000
 * (the -sd card) and MMCI1 at 0x1000b000 (empty). Linux's mmci driver (the "arm,pl180"
 * compatible; PL181 by its PrimeCell ID) runs it in PIO mode.
 *
 * - Writing COMMAND (0x0c) with CPSM enable (bit 10) sends the command at once: the response
 *   lands in RESPONSE0-3 and STATUS gets CMDRESPEND (or CMDSENT without a wanted response,
 *   CMDTIMEOUT when the card gives none, a short one for a long, or there is no card). The
 *   enable bit clears; the interrupt and pending bits are not implemented (QEMU: "LOG_UNIMP").
 * - DATACTRL (0x2c) with enable (bit 0) loads DATACNT from DATALENGTH (16 bits) and starts the
 *   data path; bit 1 is the direction (1: card to host). Data moves between the card and a
 *   16-word FIFO (0x80-0xbc, bytes in little-endian order) as soon as there is room or data,
 *   with no timing: a read fills the FIFO, a FIFO write drains to the card at once.
 * - STATUS (0x34) bits: the FIFO bits of the active direction (ACTIVE, HALFEMPTY/HALFFULL,
 *   FULL, EMPTY, DATAAVLBL) while data is outstanding, DATAEND and DATABLOCKEND whenever DATACNT
 *   is 0 after a command or data step (QEMU sets both together, also after a command with no
 *   data); CLEAR (0x38) clears bits 0-10.
 * - QEMU's "linux_hack": after a FIFO read, the FIFO is not refilled until STATUS or FIFOCNT is
 *   read (old Linux drivers misbehaved when data arrived while they emptied the FIFO).
 * - FIFOCNT (0x48) reads the words left: (DATACNT + 3) / 4.
 * - Two interrupt outputs: irq[i] = STATUS & MASKi != 0 (MASK0 0x3c, MASK1 0x40).
 * - 0xfe0-0xffc: the PrimeCell ID, PL181.
 */
import type { MmioDevice } from '../device.js';
import type { SdCard } from './sd-card.js';
import { loadFields, saveFields, stateObject, MigrationError, type Migratable, type StateObject, type StateValue } from '../../runtime/vmstate.js';

const PL181_ID = [0x81, 0x11, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1];
const FIFO_LEN = 16;

const CMD_INDEX = 0x3f, CMD_RESPONSE = 1 << 6, CMD_LONGRESP = 1 << 7, CMD_INTERRUPT = 1 << 8, CMD_PENDING = 1 << 9, CMD_ENABLE = 1 << 10;
const DATA_ENABLE = 1 << 0, DATA_DIRECTION = 1 << 1;

export const STATUS = {
  CMDCRCFAIL: 1 << 0, DATACRCFAIL: 1 << 1, CMDTIMEOUT: 1 << 2, DATATIMEOUT: 1 << 3, TXUNDERRUN: 1 << 4,
  RXOVERRUN: 1 << 5, CMDRESPEND: 1 << 6, CMDSENT: 1 << 7, DATAEND: 1 << 8, DATABLOCKEND: 1 << 10,
  CMDACTIVE: 1 << 11, TXACTIVE: 1 << 12, RXACTIVE: 1 << 13, TXFIFOHALFEMPTY: 1 << 14, RXFIFOHALFFULL: 1 << 15,
  TXFIFOFULL: 1 << 16, RXFIFOFULL: 1 << 17, TXFIFOEMPTY: 1 << 18, RXFIFOEMPTY: 1 << 19, TXDATAAVLBL: 1 << 20,
  RXDATAAVLBL: 1 << 21,
} as const;
const S = STATUS;
const TX_FIFO = S.TXACTIVE | S.TXFIFOHALFEMPTY | S.TXFIFOFULL | S.TXFIFOEMPTY | S.TXDATAAVLBL;
const RX_FIFO = S.RXACTIVE | S.RXFIFOHALFFULL | S.RXFIFOFULL | S.RXFIFOEMPTY | S.RXDATAAVLBL;

export class Pl181 implements MmioDevice, Migratable {
  static readonly FIELDS = ['power', 'clock', 'cmdarg', 'cmd', 'datatimer', 'datalength', 'response', 'datactrl', 'datacnt',
    'status', 'mask', 'fifo', 'fifoPos', 'fifoLen', 'linuxHack', 'levels'] as const;
  saveState(): StateObject { return { ...saveFields(this, Pl181.FIELDS), card: this.card ? this.card.saveState() : null }; }
  loadState(s: StateValue, path: string): void {
    const card = stateObject(s, path).card;
    if ((card === null) !== (this.card === undefined)) {
      throw new MigrationError(`${path}: the saved machine ${card === null ? 'had no' : 'had an'} SD card in this slot`);
    }
    if (this.card) this.card.loadState(card, `${path}.card`);
    loadFields(this, Pl181.FIELDS, s, path);
  }
  private power = 0;
  private clock = 0;
  private cmdarg = 0;
  private cmd = 0;
  private datatimer = 0;
  private datalength = 0;
  private readonly response = new Uint32Array(4);
  private datactrl = 0;
  private datacnt = 0;
  private status = 0;
  private readonly mask = new Uint32Array(2);
  private readonly fifo = new Uint32Array(FIFO_LEN);
  private fifoPos = 0;
  private fifoLen = 0;
  private linuxHack = false;
  private readonly levels = [false, false];
  /** Guest mistakes QEMU logs (unexpected FIFO accesses, bad offsets): the first 100, for tests. */
  readonly guestErrors: string[] = [];

  /**
   * @param card the SD card in the slot, or undefined for an empty slot
   * @param setIrq drives interrupt output 0 or 1
   */
  constructor(readonly name: string, readonly card: SdCard | undefined, private readonly setIrq: (n: 0 | 1, level: boolean) => void) {}

  private guestError(what: string): void {
    if (this.guestErrors.length < 100) this.guestErrors.push(what);
  }

  private update(): void {
    for (const i of [0, 1] as const) {
      const level = (this.status & this.mask[i]) !== 0;
      if (level !== this.levels[i]) {
        this.levels[i] = level;
        this.setIrq(i, level);
      }
    }
  }

  private push(v: number): void {
    if (this.fifoLen === FIFO_LEN) { this.guestError('FIFO overflow'); return; }
    this.fifo[(this.fifoPos + this.fifoLen) & (FIFO_LEN - 1)] = v;
    this.fifoLen++;
  }

  private pop(): number {
    if (this.fifoLen === 0) { this.guestError('FIFO underflow'); return 0; }
    const v = this.fifo[this.fifoPos];
    this.fifoPos = (this.fifoPos + 1) & (FIFO_LEN - 1);
    this.fifoLen--;
    return v;
  }

  private sendCommand(): void {
    const rsp = this.card ? this.card.command(this.cmd & CMD_INDEX, this.cmdarg) : new Uint8Array(0);
    if (this.cmd & CMD_RESPONSE) {
      const rlen = rsp.length;
      if (rlen === 0 || (rlen === 4 && (this.cmd & CMD_LONGRESP)) || (rlen !== 4 && rlen !== 16)) {
        this.status |= S.CMDTIMEOUT;
        return;
      }
      const word = (n: number) => ((rsp[n] << 24) | (rsp[n + 1] << 16) | (rsp[n + 2] << 8) | rsp[n + 3]) >>> 0;
      this.response[0] = word(0);
      if (rlen === 4) {
        this.response[1] = this.response[2] = this.response[3] = 0;
      } else {
        this.response[1] = word(4);
        this.response[2] = word(8);
        this.response[3] = word(12) & ~1;
      }
      this.status |= S.CMDRESPEND;
    } else {
      this.status |= S.CMDSENT;
    }
  }

  /** Move data between the card and the FIFO, then recompute the FIFO status bits. */
  private fifoRun(): void {
    const isRead = (this.datactrl & DATA_DIRECTION) !== 0;
    const card = this.card;
    if (this.datacnt !== 0 && (!isRead || (card?.dataReady ?? false)) && !this.linuxHack) {
      if (isRead) {
        let n = 0, value = 0;
        while (this.datacnt && this.fifoLen < FIFO_LEN) {
          value |= (card ? card.readData() : 0) << (n * 8);
          this.datacnt--;
          if (++n === 4) {
            this.push(value >>> 0);
            n = 0;
            value = 0;
          }
        }
        if (n !== 0) this.push(value >>> 0);
      } else {
        let n = 0, value = 0;
        while (this.datacnt > 0 && (this.fifoLen > 0 || n > 0)) {
          if (n === 0) {
            value = this.pop();
            n = 4;
          }
          n--;
          this.datacnt--;
          card?.writeData(value & 0xff);
          value >>>= 8;
        }
      }
    }
    this.status &= ~(RX_FIFO | TX_FIFO);
    if (this.datacnt === 0) this.status |= S.DATAEND | S.DATABLOCKEND;
    if (this.datacnt === 0 && this.fifoLen === 0) {
      this.datactrl &= ~DATA_ENABLE;
    } else {
      let bits = S.TXACTIVE | S.RXACTIVE;
      bits |= this.fifoLen === 0 ? S.TXFIFOEMPTY | S.RXFIFOEMPTY : S.TXDATAAVLBL | S.RXDATAAVLBL;
      if (this.fifoLen === 16) bits |= S.TXFIFOFULL | S.RXFIFOFULL;
      if (this.fifoLen <= 8) bits |= S.TXFIFOHALFEMPTY;
      if (this.fifoLen >= 8) bits |= S.RXFIFOHALFFULL;
      this.status |= bits & (this.datactrl & DATA_DIRECTION ? RX_FIFO : TX_FIFO);
    }
  }

  /** Reading STATUS or FIFOCNT lets a held-back FIFO refill happen (QEMU's linux_hack). */
  private releaseHack(): void {
    if (this.linuxHack) {
      this.linuxHack = false;
      this.fifoRun();
      this.update();
    }
  }

  read(offset: number, _bytes?: number): number {
    if (offset >= 0xfe0 && offset < 0x1000) return PL181_ID[(offset - 0xfe0) >> 2];
    switch (offset) {
      case 0x00: return this.power;
      case 0x04: return this.clock;
      case 0x08: return this.cmdarg;
      case 0x0c: return this.cmd;
      case 0x10: return 0; // RESPCMD: QEMU never sets it
      case 0x14: case 0x18: case 0x1c: case 0x20: return this.response[(offset - 0x14) >> 2];
      case 0x24: return this.datatimer;
      case 0x28: return this.datalength;
      case 0x2c: return this.datactrl;
      case 0x30: return this.datacnt;
      case 0x34: {
        const v = this.status;
        this.releaseHack();
        return v;
      }
      case 0x3c: return this.mask[0];
      case 0x40: return this.mask[1];
      case 0x48: {
        const v = (this.datacnt + 3) >>> 2;
        this.releaseHack();
        return v;
      }
      default:
        if (offset >= 0x80 && offset < 0xc0) {
          if (this.fifoLen === 0) {
            this.guestError('unexpected FIFO read');
            return 0;
          }
          const v = this.pop();
          this.linuxHack = true;
          this.fifoRun();
          this.update();
          return v;
        }
        this.guestError(`read of bad offset 0x${offset.toString(16)}`);
        return 0;
    }
  }

  write(offset: number, _bytes: number, value: number): void {
    value >>>= 0;
    switch (offset) {
      case 0x00: this.power = value & 0xff; break;
      case 0x04: this.clock = value & 0xff; break;
      case 0x08: this.cmdarg = value; break;
      case 0x0c:
        this.cmd = value;
        if (this.cmd & CMD_ENABLE) {
          if (this.cmd & CMD_INTERRUPT) this.guestError('interrupt mode not implemented');
          if (this.cmd & CMD_PENDING) {
            this.guestError('pending commands not implemented');
          } else {
            this.sendCommand();
            this.fifoRun();
          }
          this.cmd &= ~CMD_ENABLE; // the command has completed one way or the other
        }
        break;
      case 0x24: this.datatimer = value; break;
      case 0x28: this.datalength = value & 0xffff; break;
      case 0x2c:
        this.datactrl = value & 0xff;
        if (value & DATA_ENABLE) {
          this.datacnt = this.datalength;
          this.fifoRun();
        }
        break;
      case 0x38: this.status &= ~(value & 0x7ff); break;
      case 0x3c: this.mask[0] = value; break;
      case 0x40: this.mask[1] = value; break;
      default:
        if (offset >= 0x80 && offset < 0xc0) {
          if (this.datacnt === 0) {
            this.guestError('unexpected FIFO write');
          } else {
            this.push(value);
            this.fifoRun();
          }
          break;
        }
        this.guestError(`write of bad offset 0x${offset.toString(16)}`);
    }
    this.update();
  }
}
