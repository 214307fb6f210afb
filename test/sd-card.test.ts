/**
 * The PL181 MMC interface and the SD card behind it (boards/versatilepb/pl181.ts, sd-card.ts),
 * driven through their registers as Linux's mmci driver and MMC core do, against what QEMU 7.2's
 * hw/sd/pl181.c and hw/sd/sd.c do: the PrimeCell ID, the card's identification sequence and
 * registers (CID "QEMU!", RCA 0x4567, the CSD's size, OCR), a block read and a block write by PIO
 * through the FIFO, the status bits and both interrupt outputs, an empty slot's timeouts; and
 * the image file handling of -sd (sizes, messages).
 */
import test from 'ava';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pl181, STATUS } from '../boards/versatilepb/pl181.js';
import { SdCard, crc7, memoryBackend } from '../boards/versatilepb/sd-card.js';
import { openSdImage, parseSdDrive, sizeToStr } from '../runtime/cli/sd-image.js';

const POWER = 0x00, ARG = 0x08, CMD = 0x0c, RESP0 = 0x14, DATALENGTH = 0x28, DATACTRL = 0x2c, DATACNT = 0x30,
  STATUS_REG = 0x34, CLEAR = 0x38, MASK0 = 0x3c, MASK1 = 0x40, FIFOCNT = 0x48, FIFO = 0x80;
const ENABLE = 1 << 10, RESPONSE = 1 << 6, LONG = 1 << 7;
const DATA_IDLE = STATUS.DATAEND | STATUS.DATABLOCKEND;

function setup(size = 8 << 20) {
  const image = new Uint8Array(size);
  for (let i = 0; i < size; i += 512) image[i] = (i / 512) & 0xff; // each block starts with its number
  const irqs: [number, boolean][] = [];
  const card = new SdCard(memoryBackend(image));
  const mmc = new Pl181('mmci0', card, (n, level) => irqs.push([n, level]));
  /** Send a command; its status bits (then cleared, as the driver does). */
  const cmd = (index: number, arg: number, flags = RESPONSE): number => {
    mmc.write(ARG, 4, arg);
    mmc.write(CMD, 4, ENABLE | flags | index);
    const st = mmc.read(STATUS_REG, 4);
    mmc.write(CLEAR, 4, 0x7ff);
    // QEMU sets DATAEND and DATABLOCKEND after every command while no data is outstanding.
    return st & ~(DATA_IDLE);
  };
  return { image, irqs, card, mmc, cmd };
}

/** Bring the card from power-on to the transfer state as Linux's MMC core does; its RCA. */
function identify(s: ReturnType<typeof setup>): number {
  const { mmc, cmd } = s;
  mmc.write(POWER, 4, 0x83);
  cmd(0, 0, 0);
  cmd(8, 0x1aa);
  cmd(55, 0); cmd(41, 0);
  cmd(55, 0); cmd(41, 0x40300000);
  cmd(2, 0, RESPONSE | LONG);
  cmd(3, 0);
  const rca = mmc.read(RESP0, 4) >>> 16;
  cmd(9, rca << 16, RESPONSE | LONG);
  cmd(7, rca << 16);
  return rca;
}

test('the PrimeCell ID is the PL181\'s', (t) => {
  const { mmc } = setup();
  const id = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => mmc.read(o, 4));
  t.deepEqual(id, [0x81, 0x11, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
});

test('plain registers keep what is written (power and clock 8 bits, data length 16 bits)', (t) => {
  const { mmc } = setup();
  mmc.write(POWER, 4, 0x1ff); t.is(mmc.read(POWER, 4), 0xff);
  mmc.write(0x04, 4, 0x1c6); t.is(mmc.read(0x04, 4), 0xc6);
  mmc.write(DATALENGTH, 4, 0x12345); t.is(mmc.read(DATALENGTH, 4), 0x2345);
  mmc.write(0x24, 4, 0xdeadbeef); t.is(mmc.read(0x24, 4) >>> 0, 0xdeadbeef);
  mmc.write(MASK0, 4, 0x3ff); t.is(mmc.read(MASK0, 4), 0x3ff);
  mmc.write(MASK1, 4, 0x3ff); t.is(mmc.read(MASK1, 4), 0x3ff);
});

test('the identification sequence: CMD8 echo, ACMD41 OCR, CID, RCA 0x4567, CSD of an 8 MiB standard-capacity card', (t) => {
  const s = setup();
  const { mmc, cmd } = s;
  t.is(cmd(0, 0, 0), STATUS.CMDSENT, 'CMD0 wants no response: CMDSENT');
  t.is(cmd(5, 0), STATUS.CMDTIMEOUT, 'CMD5 (SDIO) is illegal: no response, a timeout');
  t.is(cmd(8, 0x1aa), STATUS.CMDRESPEND);
  t.is(mmc.read(RESP0, 4), 0x1aa);
  cmd(55, 0);
  cmd(41, 0);
  t.is(mmc.read(RESP0, 4) >>> 0, 0x00ff8000, 'an enquiry: not powered up yet');
  cmd(55, 0);
  cmd(41, 0x40300000);
  t.is(mmc.read(RESP0, 4) >>> 0, 0x80ff8000, 'powered up, standard capacity (no CCS)');
  t.is(cmd(2, 0, RESPONSE | LONG), STATUS.CMDRESPEND);
  const cid = [RESP0, 0x18, 0x1c, 0x20].map((o) => mmc.read(o, 4) >>> 0);
  t.is(cid[0], 0xaa585951); // MID 0xaa, OID "XY", "Q"
  t.is(cid[1], 0x454d5521); // "EMU!"
  t.is(cid[2], 0x01deadbe);
  t.is((cid[3] & 0xffffff00) >>> 0, 0xef006200, 'serial ends 0xef, made 2006-02');
  t.is(cid[3] & 1, 0, 'bit 0 of the last word reads 0');
  cmd(3, 0);
  const rca = mmc.read(RESP0, 4) >>> 16;
  t.is(rca, 0x4567);
  t.is(cmd(9, rca << 16, RESPONSE | LONG), STATUS.CMDRESPEND);
  const csd = [RESP0, 0x18, 0x1c, 0x20].map((o) => mmc.read(o, 4) >>> 0);
  // CSD v1: C_SIZE (bits 73:62) = 31, C_SIZE_MULT (49:47) = 7, READ_BL_LEN = 9: 32 * 512 * 512 bytes.
  t.is(csd[0] >>> 30, 0, 'CSD structure 1.0');
  const cSize = ((csd[1] & 0x3ff) << 2) | (csd[2] >>> 30), mult = (csd[2] >>> 15) & 7, blLen = (csd[1] >>> 16) & 0xf;
  t.is((cSize + 1) * 2 ** (mult + 2) * 2 ** blLen, 8 << 20);
  t.is(cmd(7, 0x1234 << 16), STATUS.CMDTIMEOUT, 'another RCA: no response');
  t.is(cmd(7, rca << 16), STATUS.CMDRESPEND);
  cmd(13, rca << 16);
  t.is((mmc.read(RESP0, 4) >>> 9) & 0xf, 4, 'CMD13: in the transfer state');
});

test('the card\'s CID and CSD end with their CRC7 (and the big card is high capacity)', (t) => {
  const small = new SdCard(memoryBackend(new Uint8Array(1 << 20)));
  t.is(small.cid[15], (crc7(small.cid, 15) << 1) | 1);
  t.is(small.csd[15], (crc7(small.csd, 15) << 1) | 1);
  const csdSize = (c: Uint8Array) => {
    const cSize = ((c[6] & 3) << 10) | (c[7] << 2) | (c[8] >> 6), mult = ((c[9] & 3) << 1) | (c[10] >> 7);
    return (cSize + 1) * 2 ** (mult + 2) * 2 ** (c[5] & 0xf);
  };
  const nothing = (size: number) => ({ size, read: () => {}, write: () => {} });
  t.is(csdSize(small.csd), 1 << 20);
  t.is(csdSize(new SdCard(nothing(2 ** 30)).csd), 2 ** 30);
  t.is(csdSize(new SdCard(nothing(2 * 2 ** 30)).csd), 2 * 2 ** 30, '2 GiB: standard capacity with 1024-byte blocks');
  // 4 GiB without allocating it: the card reads only what is asked for.
  const big = new SdCard({ size: 4 * 2 ** 30, read: () => {}, write: () => {} });
  t.is(big.csd[0], 0x40, 'CSD structure 2.0');
  t.is((big.csd[7] << 16) | (big.csd[8] << 8) | big.csd[9], 4 * 2 ** 30 / (512 * 1024) - 1);
  big.command(0, 0);
  big.command(55, 0);
  t.is(((r) => ((r[0] << 24) | (r[1] << 16) | (r[2] << 8) | r[3]) >>> 0)(big.command(41, 0x40300000)), 0xc0ff8000, 'CCS set once powered up');
});

test('a block read by PIO: the FIFO, its status bits, FIFOCNT, DATAEND and the interrupts', (t) => {
  const s = setup();
  const { mmc, cmd, irqs } = s;
  identify(s);
  mmc.write(MASK0, 4, STATUS.DATAEND);
  mmc.write(MASK1, 4, STATUS.RXFIFOHALFFULL | STATUS.RXDATAAVLBL);
  mmc.write(DATALENGTH, 4, 512);
  mmc.write(DATACTRL, 4, 0x93); // enable, card to host, 512-byte blocks
  t.is(mmc.read(DATACNT, 4), 512);
  t.is(cmd(17, 3 * 512), STATUS.CMDRESPEND | STATUS.RXACTIVE | STATUS.RXFIFOFULL | STATUS.RXFIFOHALFFULL | STATUS.RXDATAAVLBL);
  t.deepEqual(irqs.at(-1), [1, true], 'MASK1: the PIO interrupt');
  const words: number[] = [];
  while (words.length < 128) {
    const st = mmc.read(STATUS_REG, 4);
    if (!(st & STATUS.RXDATAAVLBL)) break;
    words.push(mmc.read(FIFO, 4) >>> 0);
  }
  t.is(words.length, 128);
  t.is(words[0] & 0xff, 3, 'the block asked for, little-endian in the FIFO word');
  t.true(words.slice(1).every((w) => w === 0));
  const st = mmc.read(STATUS_REG, 4);
  t.is(st & (STATUS.DATAEND | STATUS.DATABLOCKEND), STATUS.DATAEND | STATUS.DATABLOCKEND);
  t.is(st & (STATUS.RXACTIVE | STATUS.RXDATAAVLBL), 0, 'the data path is idle');
  t.is(mmc.read(FIFOCNT, 4), 0);
  t.is(mmc.read(DATACTRL, 4) & 1, 0, 'DATACTRL enable clears');
  const irq0 = () => irqs.filter(([n]) => n === 0).at(-1);
  t.deepEqual(irq0(), [0, true], 'MASK0: DATAEND');
  t.deepEqual(irqs.at(-1), [1, false], 'the PIO interrupt is down with the FIFO empty');
  mmc.write(CLEAR, 4, 0x7ff);
  t.deepEqual(irq0(), [0, false]);
  t.is(mmc.read(FIFO, 4), 0, 'an unexpected FIFO read reads 0');
  t.deepEqual(mmc.guestErrors, ['unexpected FIFO read']);
});

test('a FIFO read holds back the refill until STATUS or FIFOCNT is read (QEMU\'s linux_hack)', (t) => {
  const s = setup();
  const { mmc, cmd } = s;
  identify(s);
  mmc.write(DATALENGTH, 4, 512);
  mmc.write(DATACTRL, 4, 0x93);
  cmd(17, 0);
  mmc.read(FIFO, 4);
  t.is(mmc.read(DATACNT, 4), 512 - 64, 'not refilled yet: 15 words in the FIFO');
  mmc.read(FIFO, 4);
  t.is(mmc.read(DATACNT, 4), 512 - 64);
  mmc.read(FIFOCNT, 4);
  t.is(mmc.read(DATACNT, 4), 512 - 72, 'refilled to 16 words');
});

test('a multi-block write by PIO goes to the backing store; CMD12 ends it', (t) => {
  const s = setup();
  const { mmc, cmd, image } = s;
  identify(s);
  mmc.write(DATALENGTH, 4, 1024);
  mmc.write(DATACTRL, 4, 0x91); // enable, host to card
  t.is(cmd(25, 10 * 512) & STATUS.CMDRESPEND, STATUS.CMDRESPEND);
  t.truthy(mmc.read(STATUS_REG, 4) & STATUS.TXFIFOEMPTY);
  for (let i = 0; i < 256; i++) {
    t.truthy(mmc.read(STATUS_REG, 4) & STATUS.TXFIFOHALFEMPTY);
    mmc.write(FIFO, 4, (0x01020304 + i) >>> 0);
  }
  t.truthy(mmc.read(STATUS_REG, 4) & STATUS.DATAEND);
  t.deepEqual([...image.subarray(10 * 512, 10 * 512 + 8)], [4, 3, 2, 1, 5, 3, 2, 1]);
  t.deepEqual([...image.subarray(12 * 512 - 4, 12 * 512)], [(4 + 255) & 0xff, 4, 2, 1]);
  t.is(image[12 * 512], 12, 'the next block is untouched');
  t.is(cmd(12, 0) & STATUS.CMDRESPEND, STATUS.CMDRESPEND);
  cmd(13, 0x4567 << 16);
  t.is((mmc.read(RESP0, 4) >>> 9) & 0xf, 4, 'back in the transfer state');
});

test('ACMD51 sends the SCR: spec 2.00, 1- and 4-bit buses', (t) => {
  const s = setup();
  const { mmc, cmd } = s;
  const rca = identify(s);
  mmc.write(DATALENGTH, 4, 8);
  mmc.write(DATACTRL, 4, 0x33);
  cmd(55, rca << 16);
  cmd(51, 0);
  t.is(mmc.read(FIFO, 4) >>> 0, 0x00002502); // bytes 02 25 00 00, little-endian
  mmc.read(STATUS_REG, 4);
  t.is(mmc.read(FIFO, 4), 0);
});

test('an empty slot: every command that wants a response times out', (t) => {
  const levels: boolean[] = [];
  const mmc = new Pl181('mmci1', undefined, (n, level) => { if (n === 0) levels.push(level); });
  mmc.write(MASK0, 4, STATUS.CMDTIMEOUT);
  mmc.write(CMD, 4, ENABLE | RESPONSE | 8);
  t.is(mmc.read(STATUS_REG, 4), STATUS.CMDTIMEOUT | DATA_IDLE);
  t.deepEqual(levels, [true]);
  mmc.write(CMD, 4, ENABLE | 0);
  t.is(mmc.read(STATUS_REG, 4), STATUS.CMDTIMEOUT | STATUS.CMDSENT | DATA_IDLE);
  t.is(mmc.read(CMD, 4), 0, 'the enable bit clears');
});

test('-sd images: opened read-write, a size that is not a power of two refused with QEMU\'s message', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dynwasm-sd-'));
  const good = join(dir, 'good.img'), odd = join(dir, 'odd.img');
  writeFileSync(good, new Uint8Array(1 << 20));
  writeFileSync(odd, new Uint8Array(3000000));
  const b = openSdImage({ file: good, spec: `-sd ${good}` });
  if (typeof b === 'string') return t.fail(b);
  t.is(b.size, 1 << 20);
  b.write(512, Uint8Array.of(1, 2, 3));
  const r = new Uint8Array(4);
  b.read(511, r);
  t.deepEqual([...r], [0, 1, 2, 3]);
  t.deepEqual([...readFileSync(good).subarray(511, 515)], [0, 1, 2, 3], 'written through to the file');
  t.is(openSdImage({ file: odd, spec: `-sd ${odd}` }), 'Invalid SD card size: 2.86 MiB: SD card size has to be a power of 2, e.g. 4 MiB');
  t.is(openSdImage({ file: join(dir, 'none.img'), spec: '-sd none.img' }), `-sd none.img: Could not open '${join(dir, 'none.img')}': No such file or directory`);
  t.is(sizeToStr(512), '512 B');
  t.is(sizeToStr(8 << 20), '8 MiB');
  t.is(sizeToStr(1000 * 1024), '1e+03 KiB');
});

test('-snapshot: the file is opened read-only, writes stay in memory and read back, across block edges', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dynwasm-sd-'));
  const img = join(dir, 'ro.img');
  const orig = new Uint8Array(1 << 16).map((_, i) => (i * 7) & 0xff);
  writeFileSync(img, orig);
  chmodSync(img, 0o444); // as a read-only file: snapshot mode must not need write access
  const b = openSdImage({ file: img, spec: `-sd ${img}` }, true);
  if (typeof b === 'string') return t.fail(b);
  t.is(b.size, 1 << 16);
  const data = new Uint8Array(1000).fill(0xee);
  b.write(500, data); // blocks 0, 1 and 2, partly
  const r = new Uint8Array(1200);
  b.read(400, r);
  t.deepEqual([...r.subarray(0, 100)], [...orig.subarray(400, 500)], 'before the write: the file');
  t.true(r.subarray(100, 1100).every((v) => v === 0xee), 'the written bytes');
  t.deepEqual([...r.subarray(1100)], [...orig.subarray(1500, 1600)], 'after it: the file');
  t.deepEqual(new Uint8Array(readFileSync(img)), orig, 'the file is unchanged');
  // -drive snapshot=off overrides -snapshot; snapshot=on works without it.
  t.deepEqual(parseSdDrive(`file=${img},if=sd,snapshot=on`).snapshot, true);
  t.deepEqual(parseSdDrive(`file=${img},if=sd,snapshot=off`).snapshot, false);
  chmodSync(img, 0o644);
  const rw = openSdImage({ file: img, spec: `-drive file=${img},if=sd,snapshot=off`, snapshot: false }, true);
  if (typeof rw === 'string') return t.fail(rw);
  rw.write(0, Uint8Array.of(0xab));
  t.is(readFileSync(img)[0], 0xab, 'snapshot=off writes through even with -snapshot');
});

test('-drive: file=, if=sd and format=raw; anything else is a clear error', (t) => {
  t.deepEqual(parseSdDrive('file=a,,b.img,if=sd,format=raw'), { file: 'a,b.img', spec: '-drive file=a,,b.img,if=sd,format=raw' });
  t.throws(() => parseSdDrive('file=a.img,if=sd,format=qcow2'), { message: /format=qcow2 is not supported/ });
  t.throws(() => parseSdDrive('file=a.img,if=ide'), { message: /if=ide is not supported: use if=sd/ });
  t.throws(() => parseSdDrive('file=a.img'), { message: /no if= given/ });
  t.throws(() => parseSdDrive('file=a.img,if=sd,cache=none'), { message: /unsupported option 'cache'/ });
  t.throws(() => parseSdDrive('if=sd'), { message: /file= is required/ });
});
