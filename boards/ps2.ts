/**
 * A PS/2 keyboard and a PS/2 mouse as QEMU 7.2's hw/input/ps2.c behaves towards a driver (the
 * facts, not the code): what each command answers, so that Linux's atkbd and psmouse probes
 * find the devices QEMU has — an MF2 AT keyboard (ID ab 83, scan code set 2) and a mouse that
 * becomes an IntelliMouse (type 3) or IntelliMouse Explorer (type 4) after the sample-rate knocks
 * 200-100-80 and 200-200-80. No host input reaches them yet (there is no display to take it
 * from): they answer commands and otherwise stay quiet.
 *
 * The queue is QEMU's: a 256-byte ring holding at most 16 bytes of ordinary data, with a
 * keyboard's command replies put in front of whatever is waiting (and dropped if unread when
 * the next command comes); reading an empty queue gives the byte read last again. The device's
 * interrupt is high while the queue holds something.
 */
import { loadFields, saveFields, type Migratable, type StateObject, type StateValue, type VmFields } from '../runtime/vmstate.js';

const BUFFER_SIZE = 256;
const QUEUE_SIZE = 16;

const ACK = 0xfa;
const RESEND = 0xfe;
const BAT_OK = 0xaa;

abstract class Ps2Device implements Migratable {
  /** Saved with the machine: the queue and the command state; subclasses add their own. */
  protected static readonly QUEUE_FIELDS = ['data', 'rptr', 'wptr', 'cwptr', 'count', 'writeCmd', 'level'];
  protected abstract readonly fields: VmFields;
  saveState(): StateObject { return saveFields(this, this.fields); }
  loadState(s: StateValue, path: string): void { loadFields(this, this.fields, s, path); }
  private readonly data = new Uint8Array(BUFFER_SIZE);
  private rptr = 0;
  private wptr = 0;
  /** End of the command replies queued in front (keyboard), or -1 when there are none. */
  private cwptr = -1;
  private count = 0;
  /** The command waiting for its parameter byte, or -1. */
  protected writeCmd = -1;
  private level = false;

  constructor(private readonly setIrq: (level: boolean) => void) {}

  /** The byte the controller reads; the interrupt drops and rises again if more is queued. */
  readData(): number {
    if (this.count === 0) return this.data[(this.rptr - 1) & (BUFFER_SIZE - 1)];
    const v = this.data[this.rptr];
    this.rptr = (this.rptr + 1) & (BUFFER_SIZE - 1);
    this.count--;
    if (this.rptr === this.cwptr) this.cwptr = -1;
    this.irq(false);
    if (this.count) this.irq(true);
    return v;
  }

  /** A byte from the controller: a command or a command's parameter. */
  abstract write(value: number): void;

  private irq(level: boolean): void {
    if (level !== this.level) {
      this.level = level;
      this.setIrq(level);
    }
  }

  protected resetQueue(): void {
    this.rptr = this.wptr = this.count = 0;
    this.cwptr = -1;
  }

  /** Queue bytes as one unit: all of them if the 16 bytes have room for them, else none. */
  protected queue(...bytes: number[]): void {
    if (QUEUE_SIZE - this.count < bytes.length) return;
    for (const b of bytes) {
      this.data[this.wptr] = b;
      this.wptr = (this.wptr + 1) & (BUFFER_SIZE - 1);
      this.count++;
    }
    this.irq(true);
  }

  /** Command replies go in front of queued data (read first). */
  protected commandReply(...bytes: number[]): void {
    this.rptr = (this.rptr - bytes.length) & (BUFFER_SIZE - 1);
    this.cwptr = this.rptr;
    for (const b of bytes) {
      this.data[this.cwptr] = b;
      this.cwptr = (this.cwptr + 1) & (BUFFER_SIZE - 1);
      this.count++;
    }
    this.irq(true);
  }

  /** A new command drops the replies to the previous one that were not read. */
  protected dropCommandReplies(): void {
    if (this.cwptr === -1) return;
    this.count -= (this.cwptr - this.rptr) & (BUFFER_SIZE - 1);
    this.rptr = this.cwptr;
    this.cwptr = -1;
  }
}

const KBD_CMD = {
  SET_LEDS: 0xed, ECHO: 0xee, SCANCODE: 0xf0, GET_ID: 0xf2, SET_RATE: 0xf3, ENABLE: 0xf4,
  RESET_DISABLE: 0xf5, RESET_ENABLE: 0xf6, SET_TYPEMATIC: 0xfa, SET_MAKE_BREAK: 0xfc, RESET: 0xff,
} as const;

export class Ps2Keyboard extends Ps2Device {
  protected readonly fields = [...Ps2Device.QUEUE_FIELDS, 'scanEnabled', 'scancodeSet', 'leds'];
  scanEnabled = true;
  scancodeSet = 2;
  leds = 0;

  private resetKeyboard(): void {
    this.scanEnabled = true;
    this.scancodeSet = 2;
    this.resetQueue();
    this.leds = 0;
  }

  write(v: number): void {
    v &= 0xff;
    this.dropCommandReplies();
    const cmd = this.writeCmd;
    if (cmd === -1) {
      switch (v) {
        case 0x00: this.commandReply(ACK); break;
        case 0x05: this.commandReply(RESEND); break;
        case KBD_CMD.GET_ID: this.commandReply(ACK, 0xab, 0x83); break; // an MF2 AT keyboard, untranslated
        case KBD_CMD.ECHO: this.commandReply(KBD_CMD.ECHO); break;
        case KBD_CMD.ENABLE: this.scanEnabled = true; this.commandReply(ACK); break;
        case KBD_CMD.SCANCODE: case KBD_CMD.SET_LEDS: case KBD_CMD.SET_RATE: case KBD_CMD.SET_MAKE_BREAK:
          this.writeCmd = v;
          this.commandReply(ACK);
          break;
        case KBD_CMD.RESET_DISABLE: this.resetKeyboard(); this.scanEnabled = false; this.commandReply(ACK); break;
        case KBD_CMD.RESET_ENABLE: this.resetKeyboard(); this.commandReply(ACK); break;
        case KBD_CMD.RESET: this.resetKeyboard(); this.commandReply(ACK, BAT_OK); break;
        case KBD_CMD.SET_TYPEMATIC: this.commandReply(ACK); break;
        default: this.commandReply(RESEND); break;
      }
      return;
    }
    this.writeCmd = -1;
    switch (cmd) {
      case KBD_CMD.SCANCODE:
        if (v === 0) this.commandReply(ACK, this.scancodeSet);
        else if (v >= 1 && v <= 3) { this.scancodeSet = v; this.commandReply(ACK); }
        else this.commandReply(RESEND);
        break;
      case KBD_CMD.SET_LEDS: this.leds = v; this.commandReply(ACK); break;
      default: this.commandReply(ACK); break; // SET_RATE, SET_MAKE_BREAK: the parameter is taken and ignored
    }
  }
}

const AUX = {
  SET_SCALE11: 0xe6, SET_SCALE21: 0xe7, SET_RES: 0xe8, GET_SCALE: 0xe9, SET_STREAM: 0xea, POLL: 0xeb,
  RESET_WRAP: 0xec, SET_WRAP: 0xee, SET_REMOTE: 0xf0, GET_TYPE: 0xf2, SET_SAMPLE: 0xf3, ENABLE_DEV: 0xf4,
  DISABLE_DEV: 0xf5, SET_DEFAULT: 0xf6, RESET: 0xff,
} as const;
const STATUS_REMOTE = 0x40, STATUS_ENABLED = 0x20, STATUS_SCALE21 = 0x10;

export class Ps2Mouse extends Ps2Device {
  protected readonly fields = [...Ps2Device.QUEUE_FIELDS, 'status', 'resolution', 'sampleRate', 'wrap', 'type', 'detect'];
  status = 0;
  resolution = 0;
  sampleRate = 0;
  wrap = false;
  /** 0: PS/2, 3: IntelliMouse (IMPS/2), 4: IntelliMouse Explorer (IMEX). */
  type = 0;
  /** Progress through the sample-rate knock sequences. */
  private detect = 0;

  /** A movement report: 3 bytes, 4 with a wheel (no host mouse moves it yet, only AUX_POLL asks). */
  private packet(): void {
    this.queue(...(this.type ? [0x08, 0, 0, 0] : [0x08, 0, 0]));
  }

  write(v: number): void {
    v &= 0xff;
    const cmd = this.writeCmd;
    if (cmd === AUX.SET_SAMPLE) {
      this.sampleRate = v;
      if (this.detect === 0) {
        if (v === 200) this.detect = 1;
      } else if (this.detect === 1) {
        this.detect = v === 100 ? 2 : v === 200 ? 3 : 0;
      } else {
        if (v === 80) this.type = this.detect === 2 ? 3 : 4;
        this.detect = 0;
      }
      this.queue(ACK);
      this.writeCmd = -1;
      return;
    }
    if (cmd === AUX.SET_RES) {
      this.resolution = v;
      this.queue(ACK);
      this.writeCmd = -1;
      return;
    }
    if (this.wrap) {
      if (v === AUX.RESET_WRAP) { this.wrap = false; this.queue(ACK); return; }
      if (v !== AUX.RESET) { this.queue(v); return; } // echoed
    }
    switch (v) {
      case AUX.SET_SCALE11: this.status &= ~STATUS_SCALE21; this.queue(ACK); break;
      case AUX.SET_SCALE21: this.status |= STATUS_SCALE21; this.queue(ACK); break;
      case AUX.SET_STREAM: this.status &= ~STATUS_REMOTE; this.queue(ACK); break;
      case AUX.SET_WRAP: this.wrap = true; this.queue(ACK); break;
      case AUX.SET_REMOTE: this.status |= STATUS_REMOTE; this.queue(ACK); break;
      case AUX.GET_TYPE: this.queue(ACK, this.type); break;
      case AUX.SET_RES: case AUX.SET_SAMPLE: this.writeCmd = v; this.queue(ACK); break;
      case AUX.GET_SCALE: this.queue(ACK, this.status, this.resolution, this.sampleRate); break;
      case AUX.POLL: this.queue(ACK); this.packet(); break;
      case AUX.ENABLE_DEV: this.status |= STATUS_ENABLED; this.queue(ACK); break;
      case AUX.DISABLE_DEV: this.status &= ~STATUS_ENABLED; this.queue(ACK); break;
      case AUX.SET_DEFAULT: this.sampleRate = 100; this.resolution = 2; this.status = 0; this.queue(ACK); break;
      case AUX.RESET:
        this.sampleRate = 100;
        this.resolution = 2;
        this.status = 0;
        this.type = 0;
        this.resetQueue();
        this.queue(ACK, BAT_OK, this.type);
        break;
      default: break; // no answer: the driver times out, as with QEMU's mouse
    }
  }
}
