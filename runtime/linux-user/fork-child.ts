/**
 * The forked child emulator (`--fork-child <statefile> [readyFd]`, fork.ts writes the file):
 * rebuild the parent's process from the state file and run it. Apart from fork.ts because it
 * makes a LinuxProcess, which fork.ts (reached from the system calls) must not import.
 */
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { PAGE_SIZE } from '../../ops/core.js';
import { FdTable } from './fd-table.js';
import { FORK_STATE_MAGIC, T0_VAR, readAll, setVforkFd, type ForkState } from './fork.js';
import { host } from './host.js';
import { GuestFault } from './memory.js';
import { LinuxProcess, type ProcessEnd } from './process.js';
import { SignalState } from './signal.js';
import type { LinuxTarget } from './target.js';

/**
 * Run the child of a fork whose state is in `stateFile`, on `target` (the parent's: the state
 * file says which), with `forkScript` for its own forks; `readyFd` gets a byte once its
 * signal listeners are in place.
 */
export async function resumeForkedChild(target: LinuxTarget, forkScript: string, stateFile: string, readyFd?: number): Promise<ProcessEnd> {
  const tStart = performance.now();
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

      const fds = new FdTable();
      for (const [n, f] of s.fds) fds.set(n, { host: n, ...f });
      p.fds = fds;
      p.signals = SignalState.deserialize(s.signals);
      p.exePath = s.exePath;
      p.exeHostPath = s.exeHostPath;
      p.argv = s.argv;
      p.clearChildTid = s.clearChildTid;
      if (s.vforkFd !== undefined) setVforkFd(s.vforkFd);

      if (c.tls !== undefined) target.setTls(p.cpu, mem, c.tls >>> 0);
      if (c.childClearTid !== undefined) p.clearChildTid = c.childClearTid;
      if (c.childSetTid !== undefined) {
        try { mem.setU32(c.childSetTid, p.pid); } catch (e) { if (!(e instanceof GuestFault)) throw e; }
      }
    });
  } finally {
    closeSync(fd);
  }
  const t0 = Number(process.env[T0_VAR]);
  delete process.env[T0_VAR];
  if (t0) {
    const now = performance.timeOrigin + performance.now();
    writeSync(2, `[fork child ${process.pid}: running ${(now - t0).toFixed(1)} ms after fork(): node started at +${(performance.timeOrigin - t0).toFixed(1)}, `
      + `state read from +${(performance.timeOrigin + tStart - t0).toFixed(1)}]\n`);
  }
  // Our listeners are in place (the state's signal dispositions): the parent may signal us now.
  if (readyFd !== undefined && Number.isInteger(readyFd)) { host.write(readyFd, new Uint8Array([1])); host.close(readyFd); }
  return p.run();
}
