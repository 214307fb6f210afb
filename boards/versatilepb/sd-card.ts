/**
 * An SD memory card in SD (not SPI) mode, as QEMU 7.2's hw/sd/sd.c behaves for a controller
 * that talks to it a command and a byte at a time (the PL181, pl181.ts). What Linux's MMC core
 * uses is modelled: CMD0, CMD2, CMD3, CMD6 (the switch-function status), CMD7, CMD8, CMD9,
 * CMD10, CMD12, CMD13, CMD16, CMD17/18, CMD23, CMD24/25, CMD55 and ACMD6, ACMD13, ACMD22,
 * ACMD41, ACMD42, ACMD51; the SDIO probes (CMD5, CMD52, CMD53) and anything else are illegal:
 * no response, which the PL181 reports as a command timeout.
 *
 * The card QEMU makes: CID "QEMU!" (manufacturer 0xaa, OEM "XY", revision 1, serial 0xdeadbeef,
 * made 2006-02), RCA 0x4567, an SCR of physical layer spec 2.00 with 1- and 4-bit buses, OCR
 * 0x00ff8000 and, for images above 2 GiB, a high-capacity card (CSD version 2, block addressing,
 * OCR bit 30); up to 2 GiB a standard-capacity one (CSD version 1, byte addresses). The first
 * ACMD41 that asks for a voltage powers the card up at once; an enquiry (no voltage bits) only
 * starts QEMU's 0.5 ms power-up timer.
 *
 * The data lives in a BlockBackend: reads and writes go straight to it, a block at a time, as
 * QEMU's block layer does with a raw image (-sd FILE writes back to FILE).
 */
import { loadFields, saveFields, stateObject, MigrationError, type Migratable, type StateObject, type StateValue } from '../../runtime/vmstate.js';

/** Where an SD card's data lives: `size` bytes, read and written at byte offsets. */
export interface BlockBackend {
  readonly size: number;
  read(offset: number, into: Uint8Array): void;
  write(offset: number, data: Uint8Array): void;
  /**
   * The guest's writes kept in memory instead of the image (-snapshot), by block number: a saved
   * machine carries them.
   */
  readonly overlay?: { readonly blockSize: number; readonly blocks: Map<number, Uint8Array> };
}

/** A BlockBackend in memory (tests; the array is the card). */
export function memoryBackend(data: Uint8Array): BlockBackend {
  return {
    size: data.length,
    read: (offset, into) => { into.set(data.subarray(offset, offset + into.length)); },
    write: (offset, d) => { data.set(d, offset); },
  };
}

const enum State { Inactive = -1, Idle = 0, Ready, Identification, Standby, Transfer, SendingData, ReceivingData, Programming, Disconnect }
const enum Mode { Inactive, CardIdentification, DataTransfer }
/** sd.c's response types: none, R1, R2 (CID), R2 (CSD), R3, R6, R7, R1b, illegal. */
const enum Rsp { R0, R1, R2i, R2s, R3, R6, R7, R1b, Illegal }

// Card status bits (SD physical layer spec 4.10.1).
const ADDRESS_ERROR = 1 << 30;
const BLOCK_LEN_ERROR = 1 << 29;
const WP_VIOLATION = 1 << 26;
const ILLEGAL_COMMAND = 1 << 22;
const CURRENT_STATE = 0xf << 9;
const READY_FOR_DATA = 1 << 8;
const APP_CMD = 1 << 5;
/** Cleared when the status is sent in an R1 ("C": clear on read). */
const CARD_STATUS_C = 0xfd39a028;
/** Cleared after each valid command ("B": related to the previous command). */
const CARD_STATUS_B = 0x00c01e00;

const OCR_POWER_UP = 0x80000000;
const OCR_CCS = 1 << 30;
const OCR_VDD_WINDOW = 0x00ffffff;
const ACMD41_ENQUIRY_MASK = 0x00ffffff;
const OCR_POWER_DELAY_MS = 0.5;
/** Standard-capacity cards go up to 2 GiB; larger ones are high capacity (SDHC). */
export const SDSC_MAX_CAPACITY = 2 * 2 ** 30;

const HWBLOCK_SHIFT = 9, SECTOR_SHIFT = 5, WPGROUP_SHIFT = 7, CMULT_SHIFT = 9;

/** The SD command index's class (sd.c's sd_cmd_type: ac and adtc commands carry the RCA). */
const CMD_TYPE_AC = new Set([7, 9, 10, 12, 13, 15, 16, 28, 29, 32, 33, 38, 55]);
const CMD_TYPE_ADTC = new Set([6, 11, 17, 18, 24, 25, 26, 27, 30, 42, 56]);

/** The CRC7 that ends CID and CSD (x^7 + x^3 + 1), over the first 15 bytes. */
export function crc7(bytes: Uint8Array, n: number): number {
  let reg = 0;
  for (let i = 0; i < n; i++) {
    for (let bit = 7; bit >= 0; bit--) {
      reg = (reg << 1) & 0xff;
      if (((reg >> 7) ^ ((bytes[i] >> bit) & 1)) !== 0) reg ^= 0x89;
    }
  }
  return reg & 0x7f;
}

export class SdCard implements Migratable {
  static readonly FIELDS = ['state', 'ocr', 'cid', 'csd', 'scr', 'sdStatus', 'rca', 'cardStatus', 'vhs', 'blkLen', 'multiBlkCnt',
    'blkWritten', 'functionGroup', 'expectingAcmd', 'currentCmd', 'dataStart', 'dataOffset', 'data'] as const;
  /** The card's registers and transfer state; the power-up delay still to wait, in host ms (the clock is the process's). */
  saveState(): StateObject {
    return { ...saveFields(this, SdCard.FIELDS), size: this.size, powerUpIn: this.powerUpAt === undefined ? null : Math.max(0, this.powerUpAt - this.now()) };
  }
  loadState(state: StateValue, path: string): void {
    const s = stateObject(state, path);
    if (s.size !== this.size) throw new MigrationError(`${path}: the saved machine's SD card has ${String(s.size)} bytes, this one ${this.size}`);
    const wait = { powerUpIn: s.powerUpIn };
    loadFields(wait, ['powerUpIn?'], wait, path);
    loadFields(this, SdCard.FIELDS, s, path);
    this.powerUpAt = typeof s.powerUpIn === 'number' ? this.now() + s.powerUpIn : undefined;
  }
  private state = State.Idle;
  private ocr = 0;
  private powerUpAt: number | undefined;
  readonly cid = new Uint8Array(16);
  readonly csd = new Uint8Array(16);
  readonly scr = new Uint8Array(8);
  private readonly sdStatus = new Uint8Array(64);
  private rca = 0;
  private cardStatus = READY_FOR_DATA;
  private vhs = 0;
  private blkLen = 512;
  private multiBlkCnt = 0;
  private blkWritten = 0;
  private readonly functionGroup = new Uint8Array(6);
  private expectingAcmd = false;
  private currentCmd = 0;
  private dataStart = 0;
  private dataOffset = 0;
  private readonly data = new Uint8Array(512);

  /** @param now milliseconds, for the 0.5 ms power-up delay after an enquiry ACMD41 */
  constructor(readonly backend: BlockBackend, private readonly now: () => number = () => performance.now()) {
    this.reset();
  }

  get size(): number { return this.backend.size; }
  private get highCapacity(): boolean { return this.size > SDSC_MAX_CAPACITY; }

  reset(): void {
    this.state = State.Idle;
    this.rca = 0;
    this.ocr = 0x00ff8000; // all voltages 2.7-3.6 V, not powered up
    this.powerUpAt = undefined;
    this.scr.set([0x02, 0x25, 0, 0, 0, 0, 0, 0]); // SCR 1.0, spec 2.00; SDSC security 1.01; 1- and 4-bit buses
    this.cid.set([0xaa, 0x58, 0x59, 0x51, 0x45, 0x4d, 0x55, 0x21, 0x01, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x62]);
    this.cid[15] = (crc7(this.cid, 15) << 1) | 1;
    this.setCsd();
    this.cardStatus = READY_FOR_DATA;
    this.sdStatus.fill(0);
    this.functionGroup.fill(0);
    this.blkLen = 512;
    this.expectingAcmd = false;
    this.multiBlkCnt = 0;
  }

  private setCsd(): void {
    const size = this.size, c = this.csd;
    if (!this.highCapacity) {
      // A 2 GiB card says so with 1024-byte blocks (C_SIZE has 12 bits).
      const hw = size === SDSC_MAX_CAPACITY ? HWBLOCK_SHIFT + 1 : HWBLOCK_SHIFT;
      const csize = Math.floor(size / 2 ** (CMULT_SHIFT + hw)) - 1;
      const sectsize = (1 << (SECTOR_SHIFT + 1)) - 1, wpsize = (1 << (WPGROUP_SHIFT + 1)) - 1;
      c[0] = 0x00; c[1] = 0x26; c[2] = 0x00; c[3] = 0x32; c[4] = 0x5f;
      c[5] = 0x50 | hw;
      c[6] = 0xe0 | ((csize >> 10) & 0x03);
      c[7] = (csize >> 2) & 0xff;
      c[8] = 0x3f | ((csize << 6) & 0xc0);
      c[9] = 0xfc | ((CMULT_SHIFT - 2) >> 1);
      c[10] = 0x40 | (((CMULT_SHIFT - 2) << 7) & 0x80) | (sectsize >> 1);
      c[11] = ((sectsize << 7) & 0x80) | wpsize;
      c[12] = 0x90 | (hw >> 2);
      c[13] = 0x20 | ((hw << 6) & 0xc0);
      c[14] = 0x00;
    } else {
      const csize = Math.floor(size / (512 * 1024)) - 1;
      c.set([0x40, 0x0e, 0x00, 0x32, 0x5b, 0x59, 0x00, (csize >> 16) & 0xff, (csize >> 8) & 0xff, csize & 0xff, 0x7f, 0x80, 0x0a, 0x40, 0x00]);
    }
    c[15] = (crc7(c, 15) << 1) | 1;
  }

  private powerUp(): void {
    this.powerUpAt = undefined;
    this.ocr |= OCR_POWER_UP;
    if (this.highCapacity) this.ocr |= OCR_CCS;
  }

  private get poweredUp(): boolean {
    if (!(this.ocr & OCR_POWER_UP) && this.powerUpAt !== undefined && this.now() >= this.powerUpAt) this.powerUp();
    return (this.ocr & OCR_POWER_UP) !== 0;
  }

  private get mode(): Mode {
    if (this.state === State.Inactive) return Mode.Inactive;
    return this.state <= State.Identification ? Mode.CardIdentification : Mode.DataTransfer;
  }

  /** A data address from a command argument: blocks on a high-capacity card, else bytes. */
  private addr(arg: number): number {
    return this.ocr & OCR_CCS ? arg * 512 : arg;
  }

  private inRange(addr: number, len: number): boolean {
    if (addr + len > this.size) {
      this.cardStatus |= ADDRESS_ERROR;
      return false;
    }
    return true;
  }

  /**
   * Send a command; the response's bytes (4 or 16, big-endian as on the wire without the
   * start, index and CRC) or an empty array for none.
   */
  command(cmd: number, arg: number): Uint8Array {
    arg >>>= 0;
    const lastState = this.state;
    let rtype: Rsp;
    if (this.expectingAcmd) {
      this.expectingAcmd = false;
      rtype = this.appCommand(cmd, arg);
    } else {
      rtype = this.normalCommand(cmd, arg);
    }
    if (rtype === Rsp.Illegal) {
      this.cardStatus |= ILLEGAL_COMMAND;
    } else {
      this.currentCmd = cmd;
      this.cardStatus = (this.cardStatus & ~CURRENT_STATE) | ((lastState & 0xf) << 9);
    }
    let out: Uint8Array;
    const word = (v: number) => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    switch (rtype) {
      case Rsp.R1: case Rsp.R1b: {
        const s = this.cardStatus >>> 0;
        this.cardStatus &= ~CARD_STATUS_C;
        out = word(s);
        break;
      }
      case Rsp.R2i: out = this.cid.slice(); break;
      case Rsp.R2s: out = this.csd.slice(); break;
      case Rsp.R3: out = word(this.ocr >>> 0); break;
      case Rsp.R6: {
        const cs = this.cardStatus;
        const status = ((cs >>> 8) & 0xc000) | ((cs >>> 6) & 0x2000) | (cs & 0x1fff);
        this.cardStatus &= ~(CARD_STATUS_C & 0xc81fff);
        out = word(((this.rca << 16) | status) >>> 0);
        break;
      }
      case Rsp.R7: out = word(this.vhs >>> 0); break;
      default: out = new Uint8Array(0);
    }
    if (rtype !== Rsp.Illegal) this.cardStatus &= ~CARD_STATUS_B;
    return out;
  }

  private startSending(start: number): void {
    this.state = State.SendingData;
    this.dataStart = start;
    this.dataOffset = 0;
  }

  private normalCommand(cmd: number, arg: number): Rsp {
    this.cardStatus &= ~APP_CMD;
    const rca = CMD_TYPE_AC.has(cmd) || CMD_TYPE_ADTC.has(cmd) ? arg >>> 16 : 0;
    if (this.multiBlkCnt !== 0 && cmd !== 18 && cmd !== 25) this.multiBlkCnt = 0;
    const s = this.state;
    switch (cmd) {
      case 0: // GO_IDLE_STATE
        if (s !== State.Inactive) this.reset();
        return Rsp.R0;
      case 2: // ALL_SEND_CID
        if (s !== State.Ready) break;
        this.state = State.Identification;
        return Rsp.R2i;
      case 3: // SEND_RELATIVE_ADDR
        if (s !== State.Identification && s !== State.Standby) break;
        this.state = State.Standby;
        this.rca = (this.rca + 0x4567) & 0xffff;
        return Rsp.R6;
      case 6: { // SWITCH_FUNCTION: 64 bytes of function status
        if (this.mode !== Mode.DataTransfer) break;
        const d = this.data;
        d.set([0x00, 0x01, 0x80, 0x01, 0x80, 0x01, 0x80, 0x01, 0x80, 0x01, 0x80, 0x01, 0x80, 0x03]);
        d.fill(0, 14, 64);
        const set = (arg & 0x80000000) !== 0;
        for (let i = 0; i < 6; i++) {
          const f = (arg >>> (i * 4)) & 0xf;
          if (set && f !== 0xf) this.functionGroup[i] = f;
          d[16 - (i >> 1)] |= f << ((i % 2) * 4);
        }
        this.startSending(0);
        return Rsp.R1;
      }
      case 7: // SELECT/DESELECT_CARD
        if (s === State.Standby) {
          if (this.rca !== rca) return Rsp.R0;
          this.state = State.Transfer;
          return Rsp.R1b;
        }
        if (s === State.Transfer || s === State.SendingData) {
          if (this.rca === rca) break;
          this.state = State.Standby;
          return Rsp.R1b;
        }
        if (s === State.Disconnect) {
          if (this.rca !== rca) return Rsp.R0;
          this.state = State.Programming;
          return Rsp.R1b;
        }
        if (s === State.Programming) {
          if (this.rca === rca) break;
          this.state = State.Disconnect;
          return Rsp.R1b;
        }
        break;
      case 8: // SEND_IF_COND: echoed if exactly one voltage bit is set
        if (s !== State.Idle) break;
        this.vhs = 0;
        {
          const hi = arg & ~0xff;
          if (hi === 0 || (hi & (hi - 1)) !== 0) return Rsp.R0;
        }
        this.vhs = arg;
        return Rsp.R7;
      case 9: // SEND_CSD
      case 10: // SEND_CID
        if (s !== State.Standby) break;
        if (this.rca !== rca) return Rsp.R0;
        return cmd === 9 ? Rsp.R2s : Rsp.R2i;
      case 12: // STOP_TRANSMISSION
        if (s === State.SendingData || s === State.ReceivingData) {
          this.state = State.Transfer;
          return Rsp.R1b;
        }
        break;
      case 13: // SEND_STATUS
        if (this.mode !== Mode.DataTransfer) break;
        if (this.rca !== rca) return Rsp.R0;
        return Rsp.R1;
      case 15: // GO_INACTIVE_STATE
        if (this.mode !== Mode.DataTransfer) break;
        if (this.rca !== rca) return Rsp.R0;
        this.state = State.Inactive;
        return Rsp.R0;
      case 16: // SET_BLOCKLEN
        if (s !== State.Transfer) break;
        if (arg > 512) this.cardStatus |= BLOCK_LEN_ERROR;
        else this.blkLen = arg;
        return Rsp.R1;
      case 17: // READ_SINGLE_BLOCK
      case 18: { // READ_MULTIPLE_BLOCK
        if (s !== State.Transfer) break;
        const a = this.addr(arg);
        if (!this.inRange(a, this.blkLen)) return Rsp.R1;
        this.startSending(a);
        return Rsp.R1;
      }
      case 23: // SET_BLOCK_COUNT
        if (s !== State.Transfer) break;
        this.multiBlkCnt = arg;
        return Rsp.R1;
      case 24: // WRITE_SINGLE_BLOCK
      case 25: { // WRITE_MULTIPLE_BLOCK
        if (s !== State.Transfer) break;
        const a = this.addr(arg);
        if (!this.inRange(a, this.blkLen)) return Rsp.R1;
        this.state = State.ReceivingData;
        this.dataStart = a;
        this.dataOffset = 0;
        this.blkWritten = 0;
        if (this.csd[14] & 0x30) this.cardStatus |= WP_VIOLATION;
        return Rsp.R1;
      }
      case 55: // APP_CMD
        if (s === State.Ready || s === State.Identification || s === State.Inactive) return Rsp.Illegal;
        if (this.rca !== rca) return Rsp.R0;
        this.expectingAcmd = true;
        this.cardStatus |= APP_CMD;
        return Rsp.R1;
      default:
        // CMD5, CMD52, CMD53 (SDIO probes) and what is not modelled: illegal, no response.
        return Rsp.Illegal;
    }
    return Rsp.Illegal; // a command in a state it is not valid in
  }

  private appCommand(cmd: number, arg: number): Rsp {
    this.cardStatus |= APP_CMD;
    const s = this.state;
    switch (cmd) {
      case 6: // SET_BUS_WIDTH
        if (s !== State.Transfer) break;
        this.sdStatus[0] = (this.sdStatus[0] & 0x3f) | ((arg & 3) << 6);
        return Rsp.R1;
      case 13: // SD_STATUS
      case 51: // SEND_SCR
        if (s !== State.Transfer) break;
        this.startSending(0);
        return Rsp.R1;
      case 22: // SEND_NUM_WR_BLOCKS
        if (s !== State.Transfer) break;
        new DataView(this.data.buffer).setUint32(0, this.blkWritten, false);
        this.startSending(0);
        return Rsp.R1;
      case 23: // SET_WR_BLK_ERASE_COUNT
      case 42: // SET_CLR_CARD_DETECT
        if (s !== State.Transfer) break;
        return Rsp.R1;
      case 41: // SD_APP_OP_COND
        if (s !== State.Idle) break;
        if (!this.poweredUp) {
          if ((arg & ACMD41_ENQUIRY_MASK) !== 0) this.powerUp();
          else this.powerUpAt ??= this.now() + OCR_POWER_DELAY_MS;
        }
        if ((this.ocr & arg & OCR_VDD_WINDOW) !== 0) this.state = State.Ready;
        return Rsp.R3;
      default:
        return this.normalCommand(cmd, arg);
    }
    return Rsp.Illegal;
  }

  /** True while the card has data to send (a read command is under way). */
  get dataReady(): boolean { return this.state === State.SendingData; }

  /** The next byte of the data a read command sends. */
  readData(): number {
    if (this.state !== State.SendingData) return 0;
    if (this.cardStatus & (ADDRESS_ERROR | WP_VIOLATION)) return 0;
    const ioLen = this.ocr & OCR_CCS ? 512 : this.blkLen;
    let v: number;
    switch (this.currentCmd) {
      case 6:
        v = this.data[this.dataOffset++];
        if (this.dataOffset >= 64) this.state = State.Transfer;
        return v;
      case 13:
        v = this.sdStatus[this.dataOffset++];
        if (this.dataOffset >= 64) this.state = State.Transfer;
        return v;
      case 22:
        v = this.data[this.dataOffset++];
        if (this.dataOffset >= 4) this.state = State.Transfer;
        return v;
      case 51:
        v = this.scr[this.dataOffset++];
        if (this.dataOffset >= 8) this.state = State.Transfer;
        return v;
      case 17:
        if (this.dataOffset === 0) this.backend.read(this.dataStart, this.data.subarray(0, ioLen));
        v = this.data[this.dataOffset++];
        if (this.dataOffset >= ioLen) this.state = State.Transfer;
        return v;
      case 18:
        if (this.dataOffset === 0) {
          if (!this.inRange(this.dataStart, ioLen)) return 0;
          this.backend.read(this.dataStart, this.data.subarray(0, ioLen));
        }
        v = this.data[this.dataOffset++];
        if (this.dataOffset >= ioLen) {
          this.dataStart += ioLen;
          this.dataOffset = 0;
          if (this.multiBlkCnt !== 0 && --this.multiBlkCnt === 0) this.state = State.Transfer;
        }
        return v;
      default:
        return 0;
    }
  }

  /** The next byte of the data a write command takes. */
  writeData(value: number): void {
    if (this.state !== State.ReceivingData) return;
    if (this.cardStatus & (ADDRESS_ERROR | WP_VIOLATION)) return;
    switch (this.currentCmd) {
      case 24:
        this.data[this.dataOffset++] = value;
        if (this.dataOffset >= this.blkLen) {
          this.backend.write(this.dataStart, this.data.subarray(0, this.dataOffset));
          this.blkWritten++;
          this.csd[14] |= 0x40;
          this.state = State.Transfer;
        }
        break;
      case 25:
        if (this.dataOffset === 0 && !this.inRange(this.dataStart, this.blkLen)) break;
        this.data[this.dataOffset++] = value;
        if (this.dataOffset >= this.blkLen) {
          this.backend.write(this.dataStart, this.data.subarray(0, this.dataOffset));
          this.blkWritten++;
          this.dataStart += this.blkLen;
          this.dataOffset = 0;
          this.csd[14] |= 0x40;
          if (this.multiBlkCnt !== 0 && --this.multiBlkCnt === 0) this.state = State.Transfer;
        }
        break;
      default:
        break;
    }
  }
}
