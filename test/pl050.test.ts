/**
 * The PL050 keyboard/mouse interfaces and their PS/2 devices (boards/versatilepb/pl050.ts,
 * boards/ps2.ts), against the facts of QEMU 7.2's pl050.c and ps2.c: the registers, the
 * interrupt, and the replies Linux's atkbd and psmouse probes get. (That Linux then prints the
 * same `input:` lines as under qemu-system-arm is checked in test/linux-image.test.ts.)
 */
import test from 'ava';
import { Pl050 } from '../boards/versatilepb/pl050.js';

const CR = 0x00, STAT = 0x04, DATA = 0x08, CLKDIV = 0x0c, IIR = 0x10;

function kmi(kind: 'keyboard' | 'mouse') {
  const levels: boolean[] = [];
  const dev = new Pl050(kind === 'keyboard' ? 'kmi0' : 'kmi1', kind, (l) => levels.push(l));
  /** Send a byte and read back everything the device queued in reply. */
  const send = (...bytes: number[]): number[] => {
    const got: number[] = [];
    for (const b of bytes) {
      dev.write(DATA, 4, b);
      while (dev.read(STAT, 4) & 0x10) got.push(dev.read(DATA, 4));
    }
    return got;
  };
  return { dev, levels, send };
}

test('PrimeCell ID, registers at reset, CLKDIV storage, TX always ready', (t) => {
  const { dev } = kmi('keyboard');
  t.deepEqual([0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => dev.read(o, 4)), [0x50, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
  t.is(dev.read(CR, 4), 0);
  t.is(dev.read(STAT, 4), 0x40, 'TXEMPTY, nothing received');
  t.is(dev.read(IIR, 4), 2);
  dev.write(CLKDIV, 4, 7);
  t.is(dev.read(CLKDIV, 4), 7);
  t.is(dev.read(DATA, 4), 0, 'nothing received yet');
});

test('the interrupt: RX pending with CR bit 4, or CR bit 3 alone; STAT parity of the last byte', (t) => {
  const { dev, levels } = kmi('keyboard');
  dev.write(CR, 4, 0x10);
  dev.write(DATA, 4, 0xff); // reset: ACK, BAT
  t.deepEqual(levels, [true]);
  t.is(dev.read(STAT, 4) & 0x10, 0x10, 'RXFULL');
  t.is(dev.read(IIR, 4), 3);
  t.is(dev.read(DATA, 4), 0xfa);
  t.is(dev.read(STAT, 4), 0x40 | 0x10 | 0x00, 'parity of 0xfa (six ones) is even');
  t.is(dev.read(DATA, 4), 0xaa);
  // As in QEMU, each read drops the line and raises it again while bytes remain.
  t.deepEqual(levels, [true, false, true, false]);
  t.is(dev.read(STAT, 4), 0x40, 'RXFULL clears with the last byte');
  t.is(dev.read(DATA, 4), 0xaa, 'reading again gives the last byte');
  t.deepEqual(levels, [true, false, true, false]);
  dev.write(CR, 4, 0x08);
  t.deepEqual(levels, [true, false, true, false, true], 'TX interrupt enabled: always pending');
  dev.write(CR, 4, 0);
  t.deepEqual(levels, [true, false, true, false, true, false]);
});

test('keyboard: reset, get ID (an MF2 keyboard, untranslated), LEDs, rate, scan code set, echo, unknown', (t) => {
  const { send } = kmi('keyboard');
  t.deepEqual(send(0xff), [0xfa, 0xaa]);
  t.deepEqual(send(0xf2), [0xfa, 0xab, 0x83]);
  t.deepEqual(send(0xed, 0x07), [0xfa, 0xfa]);
  t.deepEqual(send(0xf3, 0x20), [0xfa, 0xfa]);
  t.deepEqual(send(0xf0, 0x00), [0xfa, 0xfa, 0x02], 'the current set is 2');
  t.deepEqual(send(0xf0, 0x03, 0xf0, 0x00), [0xfa, 0xfa, 0xfa, 0xfa, 0x03]);
  t.deepEqual(send(0xf0, 0x09), [0xfa, 0xfe]);
  t.deepEqual(send(0xee), [0xee]);
  t.deepEqual(send(0xf5), [0xfa]);
  t.deepEqual(send(0xf4), [0xfa]);
  t.deepEqual(send(0x00), [0xfa]);
  t.deepEqual(send(0xab), [0xfe], 'an unknown command: resend');
});

test('keyboard: unread command replies are dropped by the next command', (t) => {
  const { dev, send } = kmi('keyboard');
  dev.write(DATA, 4, 0xf2); // three bytes not read
  t.deepEqual(send(0xee), [0xee]);
});

test('mouse: reset, type, the IntelliMouse knocks, status, wrap mode, poll, silence for unknown commands', (t) => {
  const { send } = kmi('mouse');
  t.deepEqual(send(0xff), [0xfa, 0xaa, 0x00]);
  t.deepEqual(send(0xf2), [0xfa, 0x00]);
  t.deepEqual(send(0xf3, 200, 0xf3, 100, 0xf3, 80, 0xf2), [0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0x03], 'IMPS/2');
  t.deepEqual(send(0xf3, 200, 0xf3, 200, 0xf3, 80, 0xf2), [0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0x04], 'IMEX');
  t.deepEqual(send(0xe8, 3, 0xe7, 0xf4, 0xe9), [0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0x30, 3, 80], 'status: enabled, 2:1; resolution; rate');
  t.deepEqual(send(0xeb), [0xfa, 0x08, 0, 0, 0], 'poll: a 4-byte report for an IMEX');
  t.deepEqual(send(0xee, 0x12, 0x34, 0xec), [0xfa, 0x12, 0x34, 0xfa], 'wrap mode echoes');
  t.deepEqual(send(0xe1), [], 'no answer');
  t.deepEqual(send(0xf6, 0xe9), [0xfa, 0xfa, 0x00, 2, 100], 'defaults');
  t.deepEqual(send(0xff, 0xf2), [0xfa, 0xaa, 0x00, 0xfa, 0x00], 'a reset makes it a plain PS/2 mouse again');
});
