/**
 * poll, ppoll, select and pselect6 over the host's poll(): the guest's descriptors are
 * translated to host descriptors in a host-side pollfd array (struct pollfd and the POLL*
 * bits are the same on ARM and x86-64), and select's fd_sets are read into poll requests and
 * written back from the results.
 */
import { EBADF, EINTR, EINVAL } from '../errno.js';
import { ERESTARTNOHAND, sliceTimeout } from './blocking.js';
import { host } from '../host.js';
import { MAX_FDS } from '../fd-table.js';
import type { LinuxProcess } from '../process.js';
import type { SyscallTable } from '../syscall.js';
import { PROT_WRITE } from '../memory.js';

const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20, POLLRDNORM = 0x40,
  POLLRDBAND = 0x80, POLLWRNORM = 0x100, POLLWRBAND = 0x200;
const POLLIN_SET = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR;
const POLLOUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR;
const POLLEX_SET = POLLPRI;

/**
 * Poll guest descriptors: [guest fd, events] -> revents each (POLLNVAL for a closed one), or
 * -errno. `onSliceEnd(left)` runs when a slice of the wait ends before its timeout (the call
 * returns for a restart), with the ms left (-1: no timeout).
 */
function pollGuest(p: LinuxProcess, req: [number, number][], timeoutMs: number, key: number[], onSliceEnd?: (left: number) => void): number[] | number {
  const buf = Buffer.alloc(8 * Math.max(req.length, 1));
  let nval = false;
  req.forEach(([fd, events], i) => {
    const f = fd >= 0 ? p.fds.get(fd) : undefined;
    if (fd >= 0 && !f) nval = true;
    buf.writeInt32LE(f ? f.host : -1, 8 * i);
    buf.writeInt16LE(events << 16 >> 16, 8 * i + 4);
  });
  const wait = sliceTimeout(p, key, nval ? 0 : timeoutMs);
  const r = host.poll(buf, req.length, wait.ms);
  if ((r === 0 || r === -EINTR) && !wait.last) {
    onSliceEnd?.(wait.left());
    return -ERESTARTNOHAND; // signal.ts takes signals, or runs the call again
  }
  wait.done();
  if (r === -EINTR) return -ERESTARTNOHAND;
  if (r < 0) return r;
  return req.map(([fd], i) => (fd >= 0 && !p.fds.get(fd) ? POLLNVAL : buf.readUInt16LE(8 * i + 6)));
}

/** Milliseconds from a guest timespec (8 or 16 bytes) or timeval (usec); -1 for NULL. */
function timeoutMs(p: LinuxProcess, addr: number, kind: 'ts32' | 'ts64' | 'tv'): number | undefined {
  if (!addr) return -1;
  let sec = kind === 'ts64' ? Number(p.mem.i64(addr)) : p.mem.i32(addr);
  let frac = kind === 'ts64' ? Number(BigInt.asIntN(32, p.mem.i64(addr + 8))) : p.mem.i32(addr + 4);
  const unit = kind === 'tv' ? 1e6 : 1e9;
  // select's timeval is normalised first (kern_select): 1500000 µs is 1.5 s, not EINVAL.
  if (kind === 'tv') { sec += Math.trunc(frac / unit); frac %= unit; }
  if (sec < 0 || frac < 0 || frac >= unit) return undefined;
  return Math.min(sec * 1000 + Math.ceil(frac / (unit / 1000)), 0x7fffffff);
}

/** Write back what is left of a timeout (select and pselect do; poll does not). */
function putRemaining(p: LinuxProcess, addr: number, kind: 'ts32' | 'ts64' | 'tv', ms: number): void {
  if (!addr || ms < 0) return;
  // A timeout in read-only memory is not updated, and that is no error (poll_select_finish).
  if (!p.mem.accessible(addr, kind === 'ts64' ? 16 : 8, PROT_WRITE)) return;
  const sec = Math.floor(ms / 1000), rest = ms % 1000;
  if (kind === 'ts64') { p.mem.setU64(addr, BigInt(sec)); p.mem.setU64(addr + 8, BigInt(rest * 1e6)); } else {
    p.mem.setU32(addr, sec);
    p.mem.setU32(addr + 4, kind === 'tv' ? rest * 1000 : rest * 1e6);
  }
}

function poll(p: LinuxProcess, fdsAddr: number, nfds: number, ms: number): number {
  nfds >>>= 0;
  if (nfds > MAX_FDS) return -EINVAL;
  const guest = p.mem.writable(fdsAddr >>> 0, 8 * nfds);
  const view = new DataView(guest.buffer, guest.byteOffset, guest.length);
  const req: [number, number][] = [];
  for (let i = 0; i < nfds; i++) req.push([view.getInt32(8 * i, true), view.getUint16(8 * i + 4, true)]);
  const rev = pollGuest(p, req, ms, [fdsAddr, nfds, ms]);
  if (typeof rev === 'number') return rev;
  let n = 0;
  rev.forEach((r, i) => {
    const events = req[i][1] | POLLERR | POLLHUP | POLLNVAL;
    const v = r & events;
    view.setUint16(8 * i + 6, v, true);
    if (v) n++;
  });
  return n;
}

function ppoll(p: LinuxProcess, fds: number, nfds: number, tsp: number, wide: boolean): number {
  const ms = timeoutMs(p, tsp >>> 0, wide ? 'ts64' : 'ts32');
  if (ms === undefined) return -EINVAL;
  return poll(p, fds, nfds, ms);
}

function select(p: LinuxProcess, nfds: number, rAddr: number, wAddr: number, eAddr: number, tAddr: number, kind: 'ts32' | 'ts64' | 'tv'): number {
  if (nfds < 0) return -EINVAL;
  nfds = Math.min(nfds, MAX_FDS);
  const ms = timeoutMs(p, tAddr >>> 0, kind);
  if (ms === undefined) return -EINVAL;
  const bytes = Math.ceil(nfds / 32) * 4;
  const sets = [rAddr >>> 0, wAddr >>> 0, eAddr >>> 0].map((a) => (a ? p.mem.writable(a, bytes) : undefined));
  const events = [POLLIN_SET, POLLOUT_SET, POLLEX_SET];
  const want = [POLLIN | POLLRDNORM | POLLRDBAND, POLLOUT | POLLWRNORM | POLLWRBAND, POLLPRI];
  const req: [number, number][] = [];
  for (let fd = 0; fd < nfds; fd++) {
    let ev = 0;
    sets.forEach((s, k) => { if (s && s[fd >> 3] & (1 << (fd & 7))) ev |= want[k]; });
    if (!ev) continue;
    if (!p.fds.get(fd)) return -EBADF;
    req.push([fd, ev]);
  }
  const start = performance.now();
  // As the kernel, leave the time still to wait in the timeout when the call returns to be
  // restarted: what the guest sees if that becomes EINTR (a handler runs).
  const rev = pollGuest(p, req, ms, [nfds, rAddr, wAddr, eAddr, tAddr], (left) => putRemaining(p, tAddr >>> 0, kind, left));
  if (typeof rev === 'number') return rev;
  for (const s of sets) s?.fill(0);
  let n = 0;
  req.forEach(([fd, ev], i) => {
    if (rev[i] & POLLNVAL) n = -EBADF;
    sets.forEach((s, k) => {
      if (!s || n < 0 || !(ev & want[k]) || !(rev[i] & events[k])) return;
      s[fd >> 3] |= 1 << (fd & 7);
      n++;
    });
  });
  // What is left: nothing after a timeout; after a slice of a restarted wait, about what this slice left.
  if (ms > 0) putRemaining(p, tAddr >>> 0, kind, n === 0 ? 0 : Math.max(0, ms - Math.round(performance.now() - start)));
  return n;
}

export const pollSyscalls: SyscallTable = {
  poll: { args: ['p', 'u', 'd'], run: (p, fds, nfds, timeout) => poll(p, fds, nfds, timeout < 0 ? -1 : timeout) },
  ppoll: { args: ['p', 'u', 'p', 'p', 'u'], run: (p, fds, nfds, tsp) => ppoll(p, fds, nfds, tsp, false) },
  ppoll_time64: { args: ['p', 'u', 'p', 'p', 'u'], run: (p, fds, nfds, tsp) => ppoll(p, fds, nfds, tsp, true) },
  _newselect: { args: ['d', 'p', 'p', 'p', 'p'], run: (p, n, r, w, e, t) => select(p, n, r, w, e, t, 'tv') },
  // pselect6's sixth argument ({sigset pointer, size}) is the signal mask during the wait: not applied.
  pselect6: { args: ['d', 'p', 'p', 'p', 'p', 'p'], run: (p, n, r, w, e, t) => select(p, n, r, w, e, t, 'ts32') },
  pselect6_time64: { args: ['d', 'p', 'p', 'p', 'p', 'p'], run: (p, n, r, w, e, t) => select(p, n, r, w, e, t, 'ts64') },
};
