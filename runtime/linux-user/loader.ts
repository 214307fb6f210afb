/**
 * The ELF loader of user-mode emulation (Linux's binfmt_elf, as qemu-user's elfload.c does
 * it): maps the program's PT_LOAD segments, and its PT_INTERP dynamic linker (looked up under
 * the -L sysroot), sets up the break, and builds the initial stack: argc, argv, envp and the
 * auxiliary vector the C library reads at start-up.
 */
import { readFileSync } from 'node:fs';
import { PAGE_SIZE } from '../../ops/core.js';
import { ET_DYN, ElfError, PF_R, PF_W, PF_X, isElf, parseElf, type ElfFile } from '../elf.js';
import { GuestMemory, PROT_EXEC, PROT_READ, PROT_WRITE, STACK_SIZE, pageDown, pageUp } from './memory.js';
import type { LinuxTarget } from './target.js';

/** Where a position-independent main program goes (qemu-arm picks a free spot too; Linux: 2/3 of TASK_SIZE). */
export const ET_DYN_BASE = 0x00400000;

const AT = {
  NULL: 0, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9, UID: 11, EUID: 12, GID: 13, EGID: 14,
  PLATFORM: 15, HWCAP: 16, CLKTCK: 17, SECURE: 23, RANDOM: 25, EXECFN: 31,
} as const;

/** A file that is not a program we can run: the message, and the status a shell would give. */
export class ExecError extends Error {
  constructor(message: string, readonly status: 126 | 127, readonly errno: number) {
    super(message);
  }
}

export interface LoadedImage {
  entry: number;
  /** Where the initial stack pointer points (argc). */
  sp: number;
  /** The program's own load bias and first address after its segments (the start of the break). */
  brk: number;
  /** The dynamic linker's load address (AT_BASE), 0 for a static program. */
  interpBase: number;
  elf: ElfFile;
  /** The auxiliary vector as the stack holds it (for gdb's qXfer:auxv). */
  auxv: Uint8Array;
}

/** Read and parse an ELF executable for `machine` (e_machine); errors say what is wrong in one line. */
export function readElf(path: string, shownAs: string, machine: number): { elf: ElfFile; bytes: Uint8Array } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new ExecError(`${shownAs}: No such file or directory`, 127, 2);
    if (err.code === 'EISDIR') throw new ExecError(`${shownAs}: Is a directory`, 126, 21);
    if (err.code === 'EACCES') throw new ExecError(`${shownAs}: Permission denied`, 126, 13);
    throw new ExecError(`${shownAs}: ${err.message}`, 126, 8);
  }
  if (!isElf(bytes)) throw new ExecError(`${shownAs}: not an ELF executable (cannot execute binary file: Exec format error)`, 126, 8);
  try {
    return { elf: parseElf(bytes, machine), bytes };
  } catch (e) {
    if (e instanceof ElfError) throw new ExecError(`${shownAs}: ${e.message}`, 126, 8);
    throw e;
  }
}

function segmentProt(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

/** Map an ELF's PT_LOAD segments at `bias`; returns the end of the highest one. */
function mapSegments(mem: GuestMemory, elf: ElfFile, bias: number, name: string): number {
  let end = 0;
  const taken = new Map<number, number>(); // page -> prot, for segments that share a page
  for (const s of elf.segments) {
    if (s.memsz === 0) continue;
    const start = bias + s.vaddr, stop = start + s.memsz;
    if (stop > mem.stackTop - STACK_SIZE) throw new ExecError(`${name}: segment ${s.index} at 0x${start.toString(16)} is outside user space`, 126, 8);
    const prot = segmentProt(s.flags);
    for (let page = pageDown(start); page < stop; page += PAGE_SIZE) {
      const had = taken.get(page);
      if (had === undefined) mem.map(page, PAGE_SIZE, prot); else mem.setProt(page, PAGE_SIZE, had | prot);
      taken.set(page, (had ?? 0) | prot);
    }
    mem.poke(start, s.data);
    end = Math.max(end, stop);
  }
  return end;
}

/** The span [lowest page, highest end) of an ELF's segments, before bias. */
function span(elf: ElfFile): { lo: number; hi: number } {
  const loads = elf.segments.filter((s) => s.memsz > 0);
  return { lo: pageDown(Math.min(...loads.map((s) => s.vaddr))), hi: pageUp(Math.max(...loads.map((s) => s.vaddr + s.memsz))) };
}

/** The program headers' address in memory (AT_PHDR): inside the segment that holds them. */
function phdrAddr(elf: ElfFile, bias: number): number {
  const s = elf.segments.find((seg) => seg.offset <= elf.phoff && elf.phoff + elf.phnum * elf.phentsize <= seg.offset + seg.filesz);
  return s ? bias + s.vaddr + (elf.phoff - s.offset) : 0;
}

export interface LoadOptions {
  /** The program file on the host, and the name the guest sees (AT_EXECFN, argv[0] default). */
  path: string;
  argv: string[];
  env: string[];
  /** Map a guest absolute path to the host file to open (the -L sysroot). */
  hostPath: (guestPath: string) => string;
  ids: { uid: number; euid: number; gid: number; egid: number };
  random: Uint8Array;
  /**
   * The initial stack as qemu-user builds it (its create_elf_tables): two zero words at the top,
   * AT_RANDOM's bytes 16-byte aligned, the platform string's length rounded to words, and its
   * order of the auxiliary vector.
   */
  qemuLayout?: boolean;
}

/** Load a program into an empty address space and build its initial stack. */
export function loadProgram(mem: GuestMemory, target: LinuxTarget, opts: LoadOptions, elf: ElfFile): LoadedImage {
  mem.readImpliesExec = target.readImpliesExec(elf.gnuStackFlags);

  // The kernel's page of its own code (the target's vectors page), read-only and executable, above everything else.
  const vectors = target.vectorsPage;
  if (vectors) {
    mem.map(vectors.addr, PAGE_SIZE, PROT_READ | PROT_EXEC);
    mem.poke(vectors.addr, vectors.bytes());
  }

  const bias = elf.type === ET_DYN ? ET_DYN_BASE - span(elf).lo : 0;
  const end = mapSegments(mem, elf, bias, opts.path);
  mem.brkStart = mem.brk = pageUp(end);

  let entry = bias + elf.entry;
  let interpBase = 0;
  if (elf.interp !== undefined) {
    const interpPath = opts.hostPath(elf.interp);
    const { elf: ld } = readElf(interpPath, elf.interp, target.elfMachine);
    if (ld.interp !== undefined) throw new ExecError(`${elf.interp}: the dynamic linker itself asks for an interpreter`, 126, 8);
    const s = span(ld);
    const base = ld.type === ET_DYN ? mem.findFree(s.hi - s.lo, mem.mmapBase) : s.lo;
    if (base === undefined) throw new ExecError(`${elf.interp}: no room to load it`, 126, 12);
    const ldBias = ld.type === ET_DYN ? base - s.lo : 0;
    mapSegments(mem, ld, ldBias, elf.interp);
    interpBase = ldBias;
    entry = ldBias + ld.entry;
  }

  // The stack: 8 MiB below the stack top, the strings at its top, then the tables (16-byte aligned).
  const stackTop = mem.stackTop;
  mem.map(stackTop - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE | (mem.readImpliesExec ? PROT_EXEC : 0));
  const qemu = opts.qemuLayout === true;
  let sp = stackTop - (qemu ? 8 : 4); // a zero word at the very top, as Linux leaves
  const pushBytes = (data: Uint8Array): number => { sp -= data.length; mem.poke(sp, data); return sp; };
  const pushString = (s: string): number => pushBytes(Buffer.from(s + '\0', 'utf8'));
  const execfn = pushString(opts.path);
  // qemu-user, as Linux, puts the first string lowest.
  const pushStrings = (list: string[]): number[] => (qemu ? list.slice().reverse().map(pushString).reverse() : list.map(pushString));
  const envPtrs = pushStrings(opts.env);
  const argPtrs = pushStrings(opts.argv);
  const platform = qemu ? (sp -= (target.platform.length + 4) & ~3, mem.poke(sp, Buffer.from(target.platform + '\0')), sp) : pushString(target.platform);
  if (qemu) sp &= ~15;
  const random = pushBytes(opts.random.subarray(0, 16));
  sp &= ~15;

  const auxv: [number, number][] = qemu ? [
    [AT.PHDR, phdrAddr(elf, bias)], [AT.PHENT, elf.phentsize], [AT.PHNUM, elf.phnum], [AT.PAGESZ, PAGE_SIZE],
    [AT.BASE, interpBase], [AT.FLAGS, 0], [AT.ENTRY, bias + elf.entry],
    [AT.UID, opts.ids.uid], [AT.EUID, opts.ids.euid], [AT.GID, opts.ids.gid], [AT.EGID, opts.ids.egid],
    [AT.HWCAP, target.hwcap], [AT.CLKTCK, 100], [AT.RANDOM, random], [AT.SECURE, 0], [AT.EXECFN, execfn], [AT.PLATFORM, platform], [AT.NULL, 0],
  ] : [
    [AT.HWCAP, target.hwcap], [AT.PAGESZ, PAGE_SIZE], [AT.CLKTCK, 100],
    [AT.PHDR, phdrAddr(elf, bias)], [AT.PHENT, elf.phentsize], [AT.PHNUM, elf.phnum],
    [AT.BASE, interpBase], [AT.FLAGS, 0], [AT.ENTRY, bias + elf.entry],
    [AT.UID, opts.ids.uid], [AT.EUID, opts.ids.euid], [AT.GID, opts.ids.gid], [AT.EGID, opts.ids.egid],
    [AT.SECURE, 0], [AT.RANDOM, random], [AT.EXECFN, execfn], [AT.PLATFORM, platform], [AT.NULL, 0],
  ];
  const words = [opts.argv.length, ...argPtrs, 0, ...envPtrs, 0, ...auxv.flat()];
  sp -= words.length * 4;
  sp &= ~15;
  const table = new Uint8Array(words.length * 4);
  const view = new DataView(table.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  mem.poke(sp, table);
  return { entry, sp, brk: mem.brk, interpBase, elf, auxv: table.slice((words.length - auxv.length * 2) * 4) };
}
