/**
 * Blocking waits that signals can interrupt. Host signals reach the guest through Node's event
 * loop (signal.ts), which does not turn while a host call blocks; so when a signal could come
 * (the guest has host-signal handlers, or its interval timer runs), a read that would block or
 * a poll/select waits in slices and, when a slice ends, returns -ERESTARTSYS / -ERESTARTNOHAND:
 * signal.ts then takes what is pending (EINTR for a handler, or a restart) or lets the event
 * loop turn and runs the call again. A restarted poll/select keeps its first deadline, a
 * restarted write the bytes it has written.
 */
import { fstatSync } from 'node:fs';
import { host } from '../host.js';
import type { LinuxProcess } from '../process.js';
import { SIGPIPE, SI_USER } from '../signal.js';
import { EPIPE } from '../errno.js';
import { O_NONBLOCK } from './fs-common.js';

export const ERESTARTSYS = 512, ERESTARTNOHAND = 514;
const F_GETFL = 3;
const POLLOUT = 4;
const SLICE_MS = 100;
/** A pipe that polls writable has a page free, and PIPE_BUF bytes always fit in one. */
const PIPE_BUF = 4096;

/** Whether anything could interrupt a wait (otherwise calls block in the host, uninterrupted). */
function interruptible(p: LinuxProcess): number | undefined {
  const s = p.signals;
  const timer = s.getRealTimer?.()[0] ?? 0;
  if (!s.hasHostListeners && !timer) return undefined;
  return timer ? Math.max(1, Math.min(SLICE_MS, Math.ceil(timer))) : SLICE_MS;
}

/**
 * Before a read (POLLIN) or write (POLLOUT) on host descriptor `fd`: undefined to go ahead
 * (ready, non-blocking, or nothing can interrupt), or -ERESTARTSYS after a slice of waiting.
 */
export function waitFd(p: LinuxProcess, fd: number, events: number): number | undefined {
  const slice = interruptible(p);
  if (slice === undefined) return undefined;
  const pfd = Buffer.alloc(8);
  pfd.writeInt32LE(fd, 0);
  pfd.writeInt16LE(events, 4);
  if (host.poll(pfd, 1, 0) !== 0) return undefined; // ready, or an error the call itself reports
  const fl = host.fcntlInt(fd, F_GETFL, 0);
  if (fl < 0 || fl & O_NONBLOCK) return undefined;
  const r = host.poll(pfd, 1, slice);
  return r > 0 ? undefined : -ERESTARTSYS;
}

/** Whether a write to host descriptor `fd` can block for long: a pipe, socket or terminal in blocking mode. */
function mayBlock(fd: number): boolean {
  const fl = host.fcntlInt(fd, F_GETFL, 0);
  if (fl < 0 || fl & O_NONBLOCK) return false;
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isSocket() || st.isCharacterDevice();
  } catch {
    return false;
  }
}

/** The bytes a write that returned for a restart had written: carried into the same call run again (`seq`). */
const written = new WeakMap<LinuxProcess, { key: string; done: number; seq: number }>();

/**
 * A write of `total` bytes to host descriptor `fd` as Linux's pipe_write does it: when a signal
 * could come and the descriptor can block, the bytes go in pieces that fit (PIPE_BUF after
 * POLLOUT) and the waits for room are slices, so that the write never blocks in the host. A
 * signal ends it with the count written so far, or -ERESTARTSYS when nothing was written (EINTR
 * or a restart, as signal.ts decides). When only a host signal could come, a slice with no room
 * returns a restart so that the event loop turns; the count so far carries over into the call
 * run again, or becomes its result if a signal is taken instead (SignalState.partialResult).
 * `put(from, n)` writes bytes [from, from + n) of the transfer (or fewer) and returns the count
 * or -errno; `args` are the call's arguments, which tell a restarted call from a new one.
 */
export function interruptibleWrite(p: LinuxProcess, fd: number, args: number[], total: number, put: (from: number, n: number) => number): number {
  const slice = interruptible(p);
  if (slice === undefined || total === 0 || !mayBlock(fd)) return put(0, total);
  const key = `${p.target.getPc(p.cpu) | 0}:${args.join(',')}`;
  const prev = written.get(p);
  written.delete(p);
  let done = prev !== undefined && prev.key === key && prev.seq === p.syscallCount - 1 ? prev.done : 0;
  const pfd = Buffer.alloc(8);
  pfd.writeInt32LE(fd, 0);
  pfd.writeInt16LE(POLLOUT, 4);
  while (done < total) {
    if (p.signals.signalPending()) return done > 0 ? done : -ERESTARTSYS;
    const ready = host.poll(pfd, 1, 0);
    if (ready > 0) { // room (or an error, which the write reports)
      const r = put(done, Math.min(PIPE_BUF, total - done));
      if (r <= 0) {
        // An error after some bytes: those are the result; a broken pipe still sends SIGPIPE.
        if (r === -EPIPE && done > 0) p.signals.queue({ signo: SIGPIPE, code: SI_USER, pid: p.pid, uid: process.getuid?.() ?? 0 });
        return done > 0 ? done : r;
      }
      done += r;
      continue;
    }
    // A host signal interrupting poll (ready < 0) ends the slice too.
    if (ready === 0 && host.poll(pfd, 1, slice) > 0) continue;
    if (!p.signals.hasHostListeners) continue; // only the timer can interrupt: checked above
    if (done > 0) {
      written.set(p, { key, done, seq: p.syscallCount });
      p.signals.partialResult = done;
    }
    return -ERESTARTSYS;
  }
  return done;
}

/**
 * The deadline of a poll/select that returned for a restart: valid only for the call that runs
 * right after it (`seq`) at the same instruction with the same arguments. A later call with the
 * same arguments — after EINTR, say — is a new wait with its own timeout, not the old deadline.
 */
const carried = new WeakMap<LinuxProcess, { key: string; deadline: number; seq: number }>();

/**
 * A poll/select timeout (ms, -1 forever) as this slice's wait: `ms` to pass to the host,
 * `last` false when the slice is shorter than what is left (0 ready then means
 * -ERESTARTNOHAND), and `left()` what remains of the whole wait afterwards (ms, -1 forever).
 */
export function sliceTimeout(p: LinuxProcess, args: number[], timeoutMs: number): { ms: number; last: boolean; done(): void; left(): number } {
  const slice = interruptible(p);
  const key = `${p.target.getPc(p.cpu) | 0}:${args.join(',')}`;
  const forget = (): void => { carried.delete(p); };
  if (slice === undefined || timeoutMs === 0) { forget(); return { ms: timeoutMs, last: true, done: forget, left: () => 0 }; }
  const now = performance.now();
  const prev = carried.get(p);
  const restarted = prev !== undefined && prev.key === key && prev.seq === p.syscallCount - 1;
  const deadline = restarted ? prev.deadline : timeoutMs < 0 ? Infinity : now + timeoutMs;
  const left = (): number => (deadline === Infinity ? -1 : Math.max(0, Math.ceil(deadline - performance.now())));
  const wait = Math.max(0, Math.ceil(deadline - now));
  if (wait <= slice) { forget(); return { ms: wait, last: true, done: forget, left }; }
  carried.set(p, { key, deadline, seq: p.syscallCount });
  return { ms: slice, last: false, done: forget, left };
}
