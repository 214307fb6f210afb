/**
 * The forked child emulator (`--fork-child <statefile> [readyFd]`, fork.ts writes the file):
 * rebuild the parent's process from the state file and run it. Apart from fork.ts because it
 * makes a LinuxProcess, which fork.ts (reached from the system calls) must not import.
 */
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { PAGE_SIZE } from '../../ops/core.js';
import { FdTable } from './fd-table.js';
import { FORK_STATE_MAGIC, T0_VAR, readAll, setVforkFd, type ForkState } from './fork.js';
import { HANDOVER_CWD, HANDOVER_READY, HANDOVER_STATE, HANDOVER_VFORK, applyHandOver, awaitHandOver, prepareSpare } from './fork-server.js';
import { host } from './host.js';
import { GuestFault } from './memory.js';
import { LinuxProcess, type ProcessEnd, type ProcessOptions } from './process.js';
import { SignalState } from './signal.js';
import type { LinuxTarget } from './target.js';

/** Where a spare (fork-server.ts) has the guest's descriptors, and its vfork descriptor. */
interface SpareFds { hostFds: Map<number, number>; vforkFd?: number; t0?: number; prepared?: LinuxProcess }

/**
 * Run the child of a fork whose state is in `stateFile`, on `target` (the parent's: the state
 * file says which), with `forkScript` for its own forks; `readyFd` gets a byte once its
 * signal listeners are in place. A spawned child has guest descriptor n at host n; a spare
 * says where it has them (`spare`).
 */
export async function resumeForkedChild(target: LinuxTarget, forkScript: string, stateFile: string, readyFd?: number, spare?: SpareFds): Promise<ProcessEnd> {
  const tStart = performance.now();
  let tMachine = tStart;
  let adopted = 0;
  // /dev/fd/N: the parent's descriptor of the (already deleted) file; else a path to delete.
  const inherited = /^\/dev\/fd\/(\d+)$/.exec(stateFile);
  const fd = inherited ? Number(inherited[1]) : openSync(stateFile, 'r');
  let p: LinuxProcess;
  try {
    if (!inherited) unlinkSync(stateFile);
    const len = Buffer.alloc(4);
    readAll(fd, len, 0, 4, 0);
    const header = Buffer.alloc(len.readUInt32LE(0));
    readAll(fd, header, 0, header.length, 4);
    const s = JSON.parse(header.toString('utf8')) as ForkState;
    const dataOff = Math.ceil((4 + header.length) / PAGE_SIZE) * PAGE_SIZE;
    if (s.magic !== FORK_STATE_MAGIC) throw new Error(`fork: ${stateFile} is not a dynwasm fork state file`);
    if (s.target !== target.name) throw new Error(`fork: ${stateFile} holds a ${s.target} process, this emulator runs ${target.name}`);
    p = await LinuxProcess.restore({ ...s.opts, target, forkScript }, (p) => {
      tMachine = performance.now();
      const mem = p.mem;
      mem.readImpliesExec = false; // the permissions are copied as they are
      for (const r of s.runs) {
        mem.setProt(r.addr, r.len, r.prot);
        if (r.off >= 0) readAll(fd, mem.u8, r.addr, r.len, dataOff + r.off);
      }
      mem.readImpliesExec = s.readImpliesExec;
      mem.brk = s.brk;
      mem.brkStart = s.brkStart;
      const cpuState = target.cpuState(p.cpu);
      readAll(fd, cpuState, 0, cpuState.length, dataOff);
      const c = s.clone;
      target.forkChildRegisters(p.cpu, c.stack);
      // The parent's blocks, taken while the memory is as they were made from.
      if (s.blocks) {
        const blocks = new Uint8Array(s.blocks.len);
        readAll(fd, blocks, 0, blocks.length, dataOff + s.blocks.off);
        adopted = p.cpu.adoptBlocks(blocks);
      }
      if (s.translationCache) p.useTranslationCache(s.translationCache);

      const fds = new FdTable();
      for (const [n, f] of s.fds) fds.set(n, { host: spare?.hostFds.get(n) ?? n, ...f });
      p.fds = fds;
      p.signals = SignalState.deserialize(s.signals);
      p.exePath = s.exePath;
      p.exeHostPath = s.exeHostPath;
      p.argv = s.argv;
      p.clearChildTid = s.clearChildTid;
      const vforkFd = spare ? spare.vforkFd : s.vforkFd;
      if (vforkFd !== undefined) setVforkFd(vforkFd);

      if (c.tls !== undefined) target.setTls(p.cpu, mem, c.tls >>> 0);
      if (c.childClearTid !== undefined) p.clearChildTid = c.childClearTid;
      if (c.childSetTid !== undefined) {
        try { mem.setU32(c.childSetTid, p.pid); } catch (e) { if (!(e instanceof GuestFault)) throw e; }
      }
    }, spare?.prepared);
  } finally {
    closeSync(fd);
  }
  const t0 = spare ? spare.t0 : Number(process.env[T0_VAR]);
  delete process.env[T0_VAR];
  if (t0) {
    const now = performance.timeOrigin + performance.now();
    writeSync(2, `[fork child ${process.pid}: running ${(now - t0).toFixed(1)} ms after fork(): node started at +${(performance.timeOrigin - t0).toFixed(1)}, `
      + `state read from +${(performance.timeOrigin + tStart - t0).toFixed(1)}, machine made in ${(tMachine - tStart).toFixed(1)} ms, ${adopted} blocks taken over]\n`);
  }
  // Our listeners are in place (the state's signal dispositions): the parent may signal us now.
  if (readyFd !== undefined && Number.isInteger(readyFd)) { host.write(readyFd, new Uint8Array([1])); host.close(readyFd); }
  return p.run();
}

/**
 * A spare emulator (`--fork-spare <socket fd> <parent pid>`, fork-server.ts): load what a
 * child needs, wait for a fork's hand-over, then become the child. Ends quietly (status 0)
 * when the parent goes away first; returns undefined then.
 */
export async function runSpare(target: LinuxTarget, forkScript: string, sock: number, parentPid: number, opts: string): Promise<ProcessEnd | undefined> {
  const idle = prepareSpare(parentPid);
  if (!idle) return undefined;
  // The machine (the op table, its WebAssembly module, memory, CPU), made before the fork
  // comes with the options the parent runs with (resumeForkedChild makes another if the
  // state file says otherwise).
  let prepared: LinuxProcess | undefined;
  try { prepared = await LinuxProcess.prepare({ ...(JSON.parse(opts) as Omit<ProcessOptions, 'target'>), target, forkScript }); } catch { /* made after the hand-over */ }
  const h = awaitHandOver(sock);
  if (!h) return undefined;
  const { msg, fds } = h;
  idle.restore();
  applyHandOver(msg, fds[HANDOVER_CWD]);
  // Guest 0-2 at host 0-2, as a spawned child has them (the emulator's own messages go to 2;
  // a guest descriptor that is closed is /dev/null, as Node makes it in a spawned child).
  const hostFds = new Map<number, number>();
  const first = msg.vfork ? HANDOVER_VFORK + 1 : HANDOVER_CWD + 1;
  msg.guestFds.forEach((n, i) => hostFds.set(n, fds[first + i]));
  for (let n = 0; n < 3; n++) {
    const h = hostFds.get(n);
    if (h === undefined) {
      const nul = openSync('/dev/null', 'r+');
      host.dup3(nul, n, 0);
      closeSync(nul);
      continue;
    }
    host.dup3(h, n, 0);
    // Another guest descriptor may share this host descriptor (none do today: each has its own).
    if (![...hostFds.entries()].some(([g, o]) => g !== n && o === h)) host.close(h);
    hostFds.set(n, n);
  }
  return resumeForkedChild(target, forkScript, `/dev/fd/${fds[HANDOVER_STATE]}`, fds[HANDOVER_READY], {
    hostFds, vforkFd: msg.vfork ? fds[HANDOVER_VFORK] : undefined, t0: msg.t0, prepared,
  });
}
