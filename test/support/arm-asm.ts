/**
 * Assembles ARM/Thumb source with Debian's arm-none-eabi binutils into a flat binary, for
 * tests that need exact instruction sequences. The assembler is a reference nobody here wrote.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function assemble(source: string, origin = 0): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'dynwasm-asm-'));
  try {
    writeFileSync(join(dir, 'a.S'), source);
    execFileSync('arm-none-eabi-as', ['-mcpu=arm926ej-s', '-o', join(dir, 'a.o'), join(dir, 'a.S')], { stdio: 'pipe' });
    execFileSync('arm-none-eabi-ld', ['-Ttext', `0x${origin.toString(16)}`, '-o', join(dir, 'a.elf'), join(dir, 'a.o')], { stdio: 'pipe' });
    execFileSync('arm-none-eabi-objcopy', ['-O', 'binary', join(dir, 'a.elf'), join(dir, 'a.bin')], { stdio: 'pipe' });
    return new Uint8Array(readFileSync(join(dir, 'a.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
