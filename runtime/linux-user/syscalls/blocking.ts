/**
 * Blocking waits that signals can interrupt. Host signals reach the guest through Node's event
 * loop (signal.ts), which does not turn while a host call blocks; so when a signal could come
 * (the guest has host-signal handlers, or its interval timer runs), a read that would block or
 * a poll/select waits in slices and, when a slice ends, returns -ERESTARTSYS / -ERESTARTNOHAND:
 * signal.ts then takes what is pending (EINTR for a handler, or a restart) or lets the event
 * loop turn and runs the call again. A restarted poll/select keeps its first deadline.
 */
import { host } from '../host.js';
import type { LinuxProcess } from '../process.js';
import { O_NONBLOCK } from './fs-common.js';

export const ERESTARTSYS = 512, ERESTARTNOHAND = 514;
const F_GETFL = 3;
const SLICE_MS = 100;

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
