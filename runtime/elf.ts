/**
 * A strict ELF32 little-endian parser for ARM executables: what `-kernel` (system mode) and the
 * Linux user-mode loader need — the entry point, the PT_LOAD segments and PT_INTERP. Every
 * offset and size is checked against the file before it is used; a malformed file is an
 * ElfError with a one-line message, never an exception from deep inside.
 */
import { latin1String } from './host.js';

export class ElfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfError';
  }
}

export const EM_ARM = 40;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const PT_LOAD = 1;
export const PT_INTERP = 3;
export const PT_GNU_STACK = 0x6474e551;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export interface ElfSegment {
  /** Index of the program header (0-based), for messages. */
  index: number;
  vaddr: number;
  paddr: number;
  /** File offset of the segment's data. */
  offset: number;
  filesz: number;
  memsz: number;
  /** PF_R | PF_W | PF_X. */
  flags: number;
  align: number;
  /** The filesz bytes of the segment (a view into the file buffer). */
  data: Uint8Array;
}

export interface ElfFile {
  type: number;
  machine: number;
  entry: number;
  flags: number;
  /** Program header table: file offset, entry size, count (the user-mode loader passes them as AT_PHDR & co). */
  phoff: number;
  phentsize: number;
  phnum: number;
  segments: ElfSegment[];
  /** The PT_INTERP path, if any. */
  interp?: string;
  /** PT_GNU_STACK's flags, if there is one (without it, or with PF_X, ARMv5 Linux makes reads imply exec). */
  gnuStackFlags?: number;
}

/** e_machine numbers worth naming in an error message. */
const MACHINES: Record<number, string> = {
  2: 'SPARC', 3: 'x86 (i386)', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 22: 'S/390', 40: 'ARM', 42: 'SuperH',
  43: 'SPARC V9', 50: 'IA-64', 62: 'x86-64', 83: 'AVR', 183: 'AArch64', 243: 'RISC-V', 258: 'LoongArch',
};

const TYPES: Record<number, string> = { 0: 'ET_NONE', 1: 'relocatable object (ET_REL)', 4: 'core dump (ET_CORE)' };

export function machineName(m: number): string {
  return MACHINES[m] ?? `machine ${m}`;
}

/** True if the bytes start with the ELF magic (to tell an ELF from a raw image). */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Parse a 32-bit little-endian executable for `expectedMachine` (e_machine; the boards load ARM ones). */
export function parseElf(bytes: Uint8Array, expectedMachine = EM_ARM): ElfFile {
  const size = bytes.length;
  const expected = machineName(expectedMachine);
  if (!isElf(bytes)) throw new ElfError('not an ELF file (bad magic)');
  if (size < 52) throw new ElfError(`truncated ELF: the header needs 52 bytes, the file has ${size}`);
  const cls = bytes[4], data = bytes[5], identVersion = bytes[6];
  if (cls === 2) {
    // Read e_machine from the 64-bit header if it is there, to say which machine it is for.
    const m = size >= 20 && data === 1 ? bytes[18] | (bytes[19] << 8) : -1;
    throw new ElfError(m >= 0 ? `64-bit ELF for ${machineName(m)}, not a 32-bit ${expected} ELF` : `64-bit ELF, not a 32-bit ${expected} ELF`);
  }
  if (cls !== 1) throw new ElfError(`bad ELF class ${cls} (expected 1, ELF32)`);
  if (data === 2) throw new ElfError(`big-endian ELF, only little-endian ${expected} is supported`);
  if (data !== 1) throw new ElfError(`bad ELF data encoding ${data} (expected 1, little-endian)`);
  if (identVersion !== 1) throw new ElfError(`bad ELF identification version ${identVersion} (expected 1)`);

  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number): number => dv.getUint16(o, true);
  const u32 = (o: number): number => dv.getUint32(o, true);
  const type = u16(16), machine = u16(18), version = u32(20);
  if (machine !== expectedMachine) throw new ElfError(`ELF for ${machineName(machine)}, not ${expected}`);
  if (version !== 1) throw new ElfError(`bad ELF version ${version} (expected 1)`);
  if (type !== ET_EXEC && type !== ET_DYN) {
    throw new ElfError(`ELF is a ${TYPES[type] ?? `file of type ${type}`}, not an executable`);
  }
  const entry = u32(24), phoff = u32(28), flags = u32(36), ehsize = u16(40), phentsize = u16(42), phnum = u16(44);
  if (ehsize < 52) throw new ElfError(`bad ELF header size ${ehsize} (expected 52)`);
  if (phnum === 0) throw new ElfError('ELF has no program headers');
  if (phentsize < 32) throw new ElfError(`bad ELF program header size ${phentsize} (expected 32)`);
  if (phoff + phentsize * phnum > size) {
    throw new ElfError(`truncated ELF: program headers end at byte ${phoff + phentsize * phnum} of a ${size}-byte file`);
  }

  const segments: ElfSegment[] = [];
  let interp: string | undefined;
  let gnuStackFlags: number | undefined;
  for (let i = 0; i < phnum; i++) {
    const h = phoff + i * phentsize;
    const pType = u32(h), offset = u32(h + 4), vaddr = u32(h + 8), paddr = u32(h + 12);
    const filesz = u32(h + 16), memsz = u32(h + 20), pFlags = u32(h + 24), align = u32(h + 28);
    if (pType === PT_LOAD) {
      if (offset + filesz > size) {
        throw new ElfError(`truncated ELF: segment ${i} ends at byte ${offset + filesz} of a ${size}-byte file`);
      }
      if (filesz > memsz) throw new ElfError(`bad ELF: segment ${i} has filesz 0x${filesz.toString(16)} > memsz 0x${memsz.toString(16)}`);
      if (vaddr + memsz > 2 ** 32 || paddr + memsz > 2 ** 32) throw new ElfError(`bad ELF: segment ${i} wraps past the end of the address space`);
      segments.push({ index: i, vaddr, paddr, offset, filesz, memsz, flags: pFlags, align, data: bytes.subarray(offset, offset + filesz) });
    } else if (pType === PT_INTERP) {
      if (offset + filesz > size) {
        throw new ElfError(`truncated ELF: segment ${i} (PT_INTERP) ends at byte ${offset + filesz} of a ${size}-byte file`);
      }
      let end = offset;
      while (end < offset + filesz && bytes[end] !== 0) end++;
      interp = latin1String(bytes.subarray(offset, end));
    } else if (pType === PT_GNU_STACK) {
      gnuStackFlags = pFlags;
    }
  }
  if (segments.length === 0) throw new ElfError('ELF has no loadable (PT_LOAD) segments');
  return { type, machine, entry, flags, phoff, phentsize, phnum, segments, interp, gnuStackFlags };
}
