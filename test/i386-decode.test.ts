/**
 * The i386 decoder: its disassembly of test/i386-programs/disas.s (every table entry in its
 * forms, sizes, addressing modes and prefixes) matches GNU objdump's AT&T text line by line
 * (the file is assembled and linked with Debian's i686-linux-gnu binutils, and objdump is the
 * reference), and every entry of the opcode maps parses, translates and disassembles random
 * operands without throwing.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ONE_BYTE, TWO_BYTE, disasInsn, parseInsn, translateInsn } from '../runtime/i386/decode.js';
import { I386Ctx } from '../runtime/i386/translate.js';
import { OpBuffer } from '../runtime/op-buffer.js';
import { CodeReader } from '../runtime/translator.js';
import { TOOLS, testNeeding } from './support/tools.js';
import { mulberry32 } from './support/arm-random.js';

const withBinutils = testNeeding(TOOLS.i686Gcc);
const BASE = 0x8049000;

withBinutils('the disassembly of every instruction of disas.s matches objdump -d', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dynwasm-i386-disas-'));
  try {
    const obj = join(dir, 'disas.o'), elf = join(dir, 'disas.elf'), bin = join(dir, 'disas.bin');
    execFileSync('i686-linux-gnu-as', ['test/i386-programs/disas.s', '-o', obj]);
    execFileSync('i686-linux-gnu-ld', [`-Ttext=0x${BASE.toString(16)}`, '-e', `0x${BASE.toString(16)}`, obj, '-o', elf]);
    execFileSync('i686-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', elf, bin]);
    const code = readFileSync(bin);
    const dump = execFileSync('i686-linux-gnu-objdump', ['-d', elf], { encoding: 'utf8' });
    const read = (a: number): number | undefined => (a >= BASE && a - BASE < code.length ? code[a - BASE] : undefined);
    let compared = 0, next = BASE;
    const wrong: string[] = [];
    for (const line of dump.split('\n')) {
      const m = /^\s+([0-9a-f]+):\t[0-9a-f ]+\t(.*)$/.exec(line);
      if (!m) continue;
      const addr = parseInt(m[1], 16);
      const want = m[2].replace(/\s+<[^>]*>$/, '').replace(/\s+/g, ' ').trim();
      const got = disasInsn(read, addr);
      if (addr !== next) wrong.push(`${m[1]}: the previous instruction's length is wrong (expected to be at ${next.toString(16)})`);
      next = addr + got.len;
      const text = got.text.replace(/\s+/g, ' ').trim();
      if (text !== want) wrong.push(`${m[1]}: objdump "${want}", dynwasm "${text}"`);
      compared++;
    }
    t.deepEqual(wrong, []);
    t.true(compared > 400, `compared ${compared} instructions`);
    t.is(next, BASE + code.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every opcode map entry parses, translates and disassembles random operands', (t) => {
  const rnd = mulberry32(0x1386);
  let translated = 0;
  for (const [twoByte, table] of [[false, ONE_BYTE], [true, TWO_BYTE]] as const) {
    for (const p of table) {
      const bits = p.pattern.replace(/\s+/g, '');
      for (let k = 0; k < 64; k++) {
        let v = 0;
        for (const ch of bits) v = (v << 1) | (ch === '0' ? 0 : ch === '1' ? 1 : rnd() & 1);
        const prefixes = [0x66, 0x67, 0xf3, 0xf2, 0x65, 0x64, 0xf0].filter(() => rnd() % 6 === 0);
        const bytes = [...prefixes, ...(twoByte ? [0x0f] : []), v >>> 8, v & 0xff, ...Array.from({ length: 12 }, () => rnd() & 0xff)];
        const read = (a: number): number | undefined => (a >= 0x1000 && a - 0x1000 < bytes.length ? bytes[a - 0x1000] : undefined);
        const parsed = parseInsn(read, 0x1000);
        t.truthy(parsed.entry, `${p.name}: ${bytes.map((b) => b.toString(16)).join(' ')} does not decode`);
        t.is(typeof disasInsn(read, 0x1000).text, 'string');
        const view = new DataView(Uint8Array.from([...bytes, 0, 0, 0, 0]).buffer);
        const ctx = new I386Ctx(new OpBuffer(), 0x1000, 0, new CodeReader((va) => (va === 0x1000 ? 0 : undefined), view));
        ctx.pc = 0x1000;
        t.true(translateInsn(ctx));
        translated++;
      }
    }
  }
  t.true(translated > 5000);
});
