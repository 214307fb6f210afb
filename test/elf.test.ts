/** runtime/elf.ts: a real cross-compiled ELF parses; every kind of damage is a one-line ElfError. */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { ElfError, EM_ARM, PT_LOAD, isElf, parseElf } from '../runtime/elf.js';
import { buildElf, crossTest, helloSource } from './support/cross.js';

function good(): Uint8Array {
  return new Uint8Array(readFileSync(buildElf('elf-good', { 'hello.S': helloSource(0) })));
}

function mutate(bytes: Uint8Array, f: (dv: DataView, b: Uint8Array) => void): Uint8Array {
  const b = bytes.slice();
  f(new DataView(b.buffer), b);
  return b;
}

function throwsElf(t: import('ava').ExecutionContext, bytes: Uint8Array, re: RegExp): void {
  const e = t.throws(() => parseElf(bytes), { instanceOf: ElfError });
  t.regex(e!.message, re);
  t.false(e!.message.includes('\n'), 'one line');
}

crossTest('a cross-compiled ELF parses: entry, PT_LOAD segments with their bytes', (t) => {
  const bytes = good();
  t.true(isElf(bytes));
  const elf = parseElf(bytes);
  t.is(elf.machine, EM_ARM);
  t.is(elf.entry, 0x10000);
  t.true(elf.segments.length >= 1);
  const text = elf.segments.find((s) => s.vaddr === 0x10000)!;
  t.truthy(text);
  t.is(text.paddr, 0x10000);
  t.is(text.data.length, text.filesz);
  t.true(text.memsz >= text.filesz);
  // The first instruction of _start: mov sp, #0x100000
  t.is(new DataView(text.data.buffer, text.data.byteOffset).getUint32(0, true) >>> 0, 0xe3a0d601);
  t.is(elf.interp, undefined);
});

test('not an ELF', (t) => {
  throwsElf(t, new Uint8Array([1, 2, 3, 4, 5]), /not an ELF file/);
  throwsElf(t, new Uint8Array(0), /not an ELF file/);
  t.false(isElf(new TextEncoder().encode('#!/bin/sh\n')));
});

crossTest('damaged headers', (t) => {
  const g = good();
  throwsElf(t, g.subarray(0, 40), /truncated ELF: the header needs 52 bytes, the file has 40/);
  throwsElf(t, mutate(g, (_, b) => { b[4] = 2; }), /64-bit ELF/);
  throwsElf(t, mutate(g, (_, b) => { b[4] = 7; }), /bad ELF class 7/);
  throwsElf(t, mutate(g, (_, b) => { b[5] = 2; }), /big-endian/);
  throwsElf(t, mutate(g, (_, b) => { b[6] = 0; }), /identification version/);
  throwsElf(t, mutate(g, (dv) => dv.setUint16(18, 62, true)), /^ELF for x86-64, not ARM$/);
  throwsElf(t, mutate(g, (dv) => dv.setUint16(18, 183, true)), /^ELF for AArch64, not ARM$/);
  throwsElf(t, mutate(g, (dv) => dv.setUint16(18, 999, true)), /^ELF for machine 999, not ARM$/);
  throwsElf(t, mutate(g, (dv) => dv.setUint16(16, 1, true)), /relocatable object/);
  throwsElf(t, mutate(g, (dv) => dv.setUint32(20, 2, true)), /bad ELF version 2/);
  throwsElf(t, mutate(g, (dv) => dv.setUint16(44, 0, true)), /no program headers/);
  throwsElf(t, mutate(g, (dv) => dv.setUint32(28, g.length - 8, true)), /truncated ELF: program headers end at byte \d+ of a \d+-byte file/);
});

crossTest('a truncated file: the segment that runs past the end is named', (t) => {
  const g = good();
  const elf = parseElf(g);
  const last = elf.segments.filter((s) => s.filesz > 0).at(-1)!;
  const cut = g.subarray(0, last.offset + last.filesz - 1);
  throwsElf(t, cut, new RegExp(`^truncated ELF: segment ${last.index} ends at byte ${last.offset + last.filesz} of a ${cut.length}-byte file$`));
});

crossTest('bad segments', (t) => {
  const g = good();
  const phoff = new DataView(g.buffer, g.byteOffset).getUint32(28, true);
  const seg = parseElf(g).segments.find((s) => s.filesz > 0)!;
  const ph = phoff + seg.index * 32;
  t.is(new DataView(g.buffer, g.byteOffset).getUint32(ph, true), PT_LOAD);
  throwsElf(t, mutate(g, (dv) => dv.setUint32(ph + 20, 0, true)), new RegExp(`segment ${seg.index} has filesz .* > memsz 0x0`));
  throwsElf(t, mutate(g, (dv) => { dv.setUint32(ph + 4, 0xfffffff0, true); }), new RegExp(`truncated ELF: segment ${seg.index} ends at byte`));
  // No PT_LOAD at all.
  throwsElf(t, mutate(g, (dv) => {
    const n = dv.getUint16(44, true);
    for (let i = 0; i < n; i++) dv.setUint32(phoff + i * 32, 0x6474e551 /* PT_GNU_STACK */, true);
  }), /no loadable/);
});
