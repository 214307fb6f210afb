/**
 * fork for an emulator that cannot fork itself (Node): a child emulator process is started
 * and rebuilt from a copy of the parent's state, as Cygwin implements fork.
 *
 * The parent writes a state file (on /dev/shm when it can): a little-endian u32 header
 * length, the header (JSON: the options, the page runs with their permissions and offsets,
 * the break, the descriptor table, the signal state, the program's names, what clone asked
 * for the child), then from the first 4 KiB boundary the CPU state (LinuxTarget.cpuState, at
 * most 4 KiB), the bytes of every run of non-zero pages, and the parent's translated blocks
 * (runtime/tb-transfer.ts), which the child runs without translating the same code again. The file is deleted as soon as it is
 * created; the parent starts `node <the CLI that started it> --fork-child /dev/fd/N` (ProcessOptions.forkScript,
 * e.g. dist/runtime/cli/arm-linux.js, so the child runs the same target; or `node --snapshot-blob
 * <the CLI's start-up snapshot> -- --fork-child …`, emulator-command.ts) with posix_spawn, N being
 * the file's descriptor and each guest descriptor's host descriptor being placed at the
 * guest's number, so the child's descriptor table maps guest n to host n. The current
 * directory and umask are inherited through posix_spawn. The child (fork-child.ts) reads the
 * file, rebuilds the process and runs it from the instruction after the system call, with
 * fork's result 0.
 *
 * vfork and CLONE_VM|CLONE_VFORK (glibc's posix_spawn) get fork semantics with vfork's
 * ordering: the parent waits until the child has called execve or ended (a pipe whose write
 * end only the child holds), but the child has its own copy of memory, so its writes are not
 * seen by the parent (glibc's posix_spawn reports an exec failure only through the child's
 * exit status 127).
 *
 * DYNWASM_FORK_TIMING=1 prints where the time of each fork goes, on stderr.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync, accessSync, constants as fsConstants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAGE_SHIFT, PAGE_SIZE } from '../../ops/core.js';
import type { OpenFile } from './fd-table.js';
import { host } from './host.js';
import type { LinuxProcess, ProcessOptions, TranslationCacheId } from './process.js';
import { EAGAIN, EINTR } from './errno.js';
import { handOverToSpare, startSpare } from './fork-server.js';
import { emulatorCommand } from './emulator-command.js';

const O_CLOEXEC = 0o2000000;

export const FORK_STATE_MAGIC = 'dynwasm-fork-1';
const F_SETFD = 2, FD_CLOEXEC = 1;

/** What clone() asks for the child besides a copy of the parent. */
export interface CloneRequest {
  /** The child's stack pointer (clone's newsp), 0 to keep the parent's. */
  stack?: number;
  /** CLONE_SETTLS: the child's TLS word. */
  tls?: number;
  /** CLONE_CHILD_SETTID: where the child's pid is stored in the child's memory. */
  childSetTid?: number;
  /** CLONE_CHILD_CLEARTID: the child's clear_child_tid. */
  childClearTid?: number;
  /** CLONE_VFORK: the parent waits until the child execs or ends. */
  vfork?: boolean;
}

export interface Run { addr: number; prot: number; len: number; /** Offset of the bytes in the file; -1: all zero. */ off: number }

/** The state file's header. */
export interface ForkState {
  magic: string;
  /** The parent's target (LinuxTarget.name): the child's CLI must run the same. */
  target: string;
  opts: Omit<ProcessOptions, 'log' | 'target'>;
  runs: Run[];
  brk: number;
  brkStart: number;
  readImpliesExec: boolean;
  fds: [number, Omit<OpenFile, 'host' | 'dir'>][];
  signals: unknown;
  exePath: string;
  exeHostPath: string;
  argv: string[];
  clearChildTid: number;
  clone: CloneRequest;
  /** vfork: the child's host descriptor to close at execve (the parent waits for its EOF). */
  vforkFd?: number;
  /** Where the parent's translated blocks are (CpuExec.exportBlocks), if it gives them. */
  blocks?: { off: number; len: number };
  /** The program's persistent translation cache, if the parent uses one (the child runs the same program). */
  translationCache?: TranslationCacheId;
}

/** Where state files go: tmpfs when there is one. */
function stateDir(): string {
  try {
    accessSync('/dev/shm', fsConstants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}
let stateFiles = 0;

// The variables below are read at each fork, not at import: a V8 start-up snapshot
// (runtime/cli/snapshot.ts) runs the imports when it is built.
/** Fork latency measurements (DYNWASM_FORK_TIMING=1 prints them on stderr). */
const timingOn = (): boolean => process.env.DYNWASM_FORK_TIMING === '1';
/**
 * Children get the parent's translated blocks (CpuExec.exportBlocks); DYNWASM_FORK_BLOCKS=0
 * turns that off (to measure what it saves, docs/performance.md).
 */
const shareBlocks = (): boolean => process.env.DYNWASM_FORK_BLOCKS !== '0';
/** The parent's fork() time (epoch ms), for the child's report. */
export const T0_VAR = 'DYNWASM_FORK_T0';

function writeAll(fd: number, data: Uint8Array, offset: number, length: number, position: number): void {
  while (length > 0) {
    const n = writeSync(fd, data, offset, length, position);
    offset += n; length -= n; position += n;
  }
}

export function readAll(fd: number, data: Uint8Array, offset: number, length: number, position: number): void {
  while (length > 0) {
    const n = readSync(fd, data, offset, length, position);
    if (n <= 0) throw new Error('fork: the state file is truncated');
    offset += n; length -= n; position += n;
  }
}

const ZERO_PAGE = Buffer.alloc(PAGE_SIZE);

/**
 * The mapped pages as runs of equal permissions, the target's vectors page included
 * (GuestMemory's mappedRuns stops at the task size, and walks page by page): 4096-entry blocks
 * of the permission table that are all zero are skipped with a memcmp.
 */
function mappedRuns(prot: Uint8Array): { addr: number; prot: number; len: number }[] {
  const out: { addr: number; prot: number; len: number }[] = [];
  const BLOCK = ZERO_PAGE.length;
  let runStart = -1, runProt = 0;
  const close = (end: number): void => {
    if (runStart >= 0) out.push({ addr: runStart * PAGE_SIZE, prot: runProt, len: (end - runStart) * PAGE_SIZE });
    runStart = -1;
  };
  for (let b = 0; b < prot.length; b += BLOCK) {
    if (runStart < 0 && ZERO_PAGE.equals(prot.subarray(b, b + BLOCK))) continue;
    for (let q = b; q < b + BLOCK; q++) {
      const v = prot[q];
      if (runStart >= 0 && v === runProt) continue;
      close(q);
      if (v !== 0) { runStart = q; runProt = v; }
    }
  }
  close(prot.length);
  return out;
}

interface Stretch { addr: number; prot: number; len: number; zero: boolean }

/**
 * Split the mapped pages into runs of equal permissions, and within them into stretches of
 * zero and non-zero pages (only the latter are written: an 8 MiB stack is mostly zeros, and
 * the child's fresh memory is zero already).
 */
function pageRuns(p: LinuxProcess): Stretch[] {
  const mem = p.mem;
  const buf = mem.memory.buffer;
  const zeroPage = (page: number): boolean => ZERO_PAGE.equals(new Uint8Array(buf, page * PAGE_SIZE, PAGE_SIZE)); // memcmp
  const runs = mappedRuns(mem.prot);
  const out: Stretch[] = [];
  for (const r of runs) {
    const first = r.addr >>> PAGE_SHIFT, end = first + (r.len >>> PAGE_SHIFT);
    let start = first, zero = zeroPage(first);
    for (let q = first + 1; q <= end; q++) {
      const z = q < end ? zeroPage(q) : !zero; // the end closes the last stretch
      if (z !== zero) {
        out.push({ addr: start * PAGE_SIZE, prot: r.prot, len: (q - start) * PAGE_SIZE, zero });
        start = q; zero = z;
      }
    }
  }
  return out;
}

/**
 * fork() in the parent: write the state file and start the child emulator. Returns the
 * child's pid (a host pid: the guest sees host pids), or -errno.
 */
export function forkProcess(p: LinuxProcess, clone: CloneRequest = {}): number {
  const t0 = timingOn() ? performance.now() : 0;
  p.opts.log?.flush();
  const fds = p.fds.entries();
  // Guest descriptor n goes to the child's n; the host descriptors themselves must not leak
  // into the child at their own numbers (an extra pipe writer would keep readers from EOF).
  const fdMap: number[] = [];
  for (const [n, f] of fds) {
    fdMap[n] = f.host;
    host.fcntlInt(f.host, F_SETFD, FD_CLOEXEC);
  }
  for (let n = 0; n < fdMap.length; n++) fdMap[n] ??= -1;
  // vfork: the child holds the only write end of a pipe, at a number above the guest's
  // descriptors (its descriptor table does not know it), and closes it at execve.
  let vforkPipe: number[] | undefined;
  if (clone.vfork) {
    const r = host.pipe2(O_CLOEXEC);
    if (typeof r === 'number') return r;
    vforkPipe = r;
    fdMap.push(r[1]);
  }
  try {
    const pid = spawnChild(p, clone, fds, fdMap, vforkPipe, t0);
    // The next fork's spare (fork-server.ts), started now that this one is served.
    if (pid > 0) { const { log: _log, target: _target, ...opts } = p.opts; startSpare(p.opts.forkScript, opts); }
    return pid;
  } finally {
    if (vforkPipe) for (const e of vforkPipe) if (e >= 0) host.close(e);
  }
}

function spawnChild(p: LinuxProcess, clone: CloneRequest, fds: [number, OpenFile][], fdMap: number[], vforkPipe: number[] | undefined, t0: number): number {
  const timing = timingOn();
  const { log: _log, target: _target, ...opts } = p.opts;
  const runs = pageRuns(p);
  const file = join(stateDir(), `dynwasm-fork-${process.pid}-${stateFiles++}-${randomBytes(4).toString('hex')}`);
  const state: ForkState = {
    magic: FORK_STATE_MAGIC, target: p.target.name, opts, runs: [], brk: p.mem.brk, brkStart: p.mem.brkStart, readImpliesExec: p.mem.readImpliesExec,
    // A directory's entries are read again in the child, from the same position.
    fds: fds.map(([n, { host: _h, dir, ...f }]) => [n, { ...f, dirPos: dir?.pos ?? f.dirPos }]),
    signals: p.signals.serialize(), exePath: p.exePath, exeHostPath: p.exeHostPath, argv: p.argv,
    clearChildTid: p.clearChildTid, clone,
    ...(p.translationCache && p.translationCacheId ? { translationCache: p.translationCacheId } : {}),
    ...(vforkPipe ? { vforkFd: fdMap.length - 1 } : {}), // the state file's descriptor comes after it
  };
  // The data part starts at the first page boundary after the header; offsets are from there.
  const cpuState = p.target.cpuState(p.cpu);
  if (cpuState.length > PAGE_SIZE) throw new Error('fork: the CPU state does not fit its page of the state file');
  let pos = PAGE_SIZE; // the CPU state at 0
  state.runs = runs.map((r) => {
    const run: Run = { addr: r.addr, prot: r.prot, len: r.len, off: r.zero ? -1 : pos };
    if (!r.zero) pos += r.len;
    return run;
  });
  // The parent's translations: the child has the same memory, so it need not translate again.
  const blocks = shareBlocks() ? p.cpu.exportBlocks() : undefined;
  if (blocks) { state.blocks = { off: pos, len: blocks.length }; pos += blocks.length; }
  const header = Buffer.from(JSON.stringify(state), 'utf8');
  const dataOff = Math.ceil((4 + header.length) / PAGE_SIZE) * PAGE_SIZE;

  // The file is deleted at once: the child reads it through the descriptor it inherits (a
  // child that dies before reading it leaves nothing behind).
  const fd = openSync(file, 'wx+', 0o600);
  unlinkSync(file);
  try {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(header.length);
    writeAll(fd, len, 0, 4, 0);
    writeAll(fd, header, 0, header.length, 4);
    writeAll(fd, cpuState, 0, cpuState.length, dataOff);
    const u8 = p.mem.u8;
    for (const r of state.runs) if (r.off >= 0) writeAll(fd, u8, r.addr, r.len, dataOff + r.off);
    if (blocks && state.blocks) writeAll(fd, blocks, 0, blocks.length, dataOff + state.blocks.off);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  const t1 = timing ? performance.now() : 0;
  const stateFd = fdMap.length;
  fdMap.push(fd);
  // The child says on this pipe when its signal listeners are in place (see childReady).
  const ready = host.pipe2(O_CLOEXEC);
  if (typeof ready === 'number') { closeSync(fd); return ready; }
  const readyFd = fdMap.length;
  fdMap.push(ready[1]);

  // The spare emulator, if there is one, becomes the child; else a new emulator is started.
  let viaSpare = true;
  let pid = handOverToSpare(fd, ready[1], vforkPipe?.[1], fds.map(([n, f]) => [n, f.host]), timing ? performance.timeOrigin + t0 : undefined) ?? -1;
  if (pid < 0) {
    viaSpare = false;
    const env = Object.entries(process.env).filter(([k, v]) => v !== undefined && k !== T0_VAR).map(([k, v]) => `${k}=${v}`);
    if (timing) env.push(`${T0_VAR}=${performance.timeOrigin + t0}`);
    pid = host.spawn(process.execPath, emulatorCommand(p.opts.forkScript, ['--fork-child', `/dev/fd/${stateFd}`, String(readyFd)]), env, fdMap);
  }
  closeSync(fd);
  host.close(ready[1]);
  if (pid < 0) { host.close(ready[0]); return pid === -12 ? -EAGAIN : pid; }
  startingChildren.set(pid, ready[0]);
  if (timing) {
    const t2 = performance.now();
    const bytes = state.runs.reduce((s, r) => s + (r.off >= 0 ? r.len : 0), 0);
    writeSync(2, `[fork ${process.pid}->${pid}: state ${(t1 - t0).toFixed(2)} ms (${(bytes / 1048576).toFixed(2)} MiB), ${viaSpare ? 'hand-over to the spare' : 'spawn'} ${(t2 - t1).toFixed(2)} ms]\n`);
  }
  if (vforkPipe) {
    // Wait for the child's execve or end: EOF on the pipe once its write end is gone.
    host.close(vforkPipe[1]);
    vforkPipe[1] = -1;
    const b = new Uint8Array(1);
    while (host.read(vforkPipe[0], b) === -EINTR);
  }
  return pid;
}

/** In a vfork child: the host descriptor whose closing lets the parent go on (fork-child.ts sets it). */
let vforkFd = -1;
export function setVforkFd(fd: number): void { vforkFd = fd; }

/** execve in a vfork child: the parent goes on (called after the new image is in place). */
export function releaseVforkParent(): void {
  if (vforkFd >= 0) host.close(vforkFd);
  vforkFd = -1;
}

/**
 * Children whose emulator is still starting, with the read end of their readiness pipe. Until
 * a child has installed its signal listeners, Node's own handlers would take a signal instead
 * of the guest's disposition (SIGUSR1 would start Node's inspector, a handled SIGTERM would
 * kill), so the parent's kill() waits for the child to be ready: childReady().
 */
const startingChildren = new Map<number, number>();

/** Wait (at most 10 s) until child `pid` can take signals; every starting child for pid <= 0. */
export function childReady(pid: number): void {
  for (const [child, fd] of startingChildren) {
    if (pid > 0 && child !== pid) continue;
    const b = new Uint8Array(1);
    const pfd = new Uint8Array(8);
    new DataView(pfd.buffer).setInt32(0, fd, true);
    pfd[4] = 1; // POLLIN: the ready byte, or EOF if the child is gone
    host.poll(pfd, 1, 10_000);
    host.read(fd, b);
    host.close(fd);
    startingChildren.delete(child);
  }
}

/** A child was reaped: forget its readiness pipe. */
export function childReaped(pid: number): void {
  const fd = startingChildren.get(pid);
  if (fd !== undefined) { host.close(fd); startingChildren.delete(pid); }
}
