/** Identity, system information, limits, randomness. */
import { randomFillSync } from 'node:crypto';
import { hostname, release, version, totalmem, freemem, uptime, loadavg } from 'node:os';
import { EFAULT, EINVAL, EPERM } from '../errno.js';
import { PROT_WRITE, STACK_SIZE } from '../memory.js';
import type { SyscallTable } from '../syscall.js';

const RLIM_INFINITY = 0xffffffff;
/** The limits a process starts with (RLIMIT_* order): stack 8 MiB, 1024 files, the rest unlimited. */
function rlimit(resource: number): [bigint, bigint] | undefined {
  const inf = 0xffffffffffffffffn;
  switch (resource) {
    case 3: return [BigInt(STACK_SIZE), inf]; // RLIMIT_STACK
    case 4: return [0n, inf]; // RLIMIT_CORE
    case 7: return [1024n, 1024n * 1024n]; // RLIMIT_NOFILE
    case 8: return [8n << 20n, 8n << 20n]; // RLIMIT_MEMLOCK
    case 6: return [63n * 1024n, 63n * 1024n]; // RLIMIT_NPROC
    case 11: return [63n * 1024n, 63n * 1024n]; // RLIMIT_SIGPENDING
    case 12: return [819200n, 819200n]; // RLIMIT_MSGQUEUE
    case 13: case 14: return [0n, 0n]; // RLIMIT_NICE, RLIMIT_RTPRIO
    default: return resource >= 0 && resource < 16 ? [inf, inf] : undefined;
  }
}
const clamp32 = (v: bigint): number => (v > 0xffffffffn ? RLIM_INFINITY : Number(v));

function id(get: (() => number) | undefined): number { return get ? get() : 0; }

export const miscSyscalls: SyscallTable = {
  uname: {
    args: ['p'],
    run(p, buf) {
      const out = p.mem.writable(buf >>> 0, 65 * 6);
      out.fill(0);
      ['Linux', hostname(), release(), version(), p.target.unameMachine, '(none)'].forEach((s, i) => {
        out.set(Buffer.from(s, 'utf8').subarray(0, 64), 65 * i);
      });
      return 0;
    },
  },
  getuid32: { args: [], run: () => id(process.getuid) },
  geteuid32: { args: [], run: () => id(process.geteuid) },
  getgid32: { args: [], run: () => id(process.getgid) },
  getegid32: { args: [], run: () => id(process.getegid) },
  getuid: { args: [], run: () => id(process.getuid) & 0xffff },
  geteuid: { args: [], run: () => id(process.geteuid) & 0xffff },
  getgid: { args: [], run: () => id(process.getgid) & 0xffff },
  getegid: { args: [], run: () => id(process.getegid) & 0xffff },
  getresuid32: {
    args: ['p', 'p', 'p'],
    run(p, r, e, s) { const u = id(process.getuid), eu = id(process.geteuid); p.mem.setU32(r, u); p.mem.setU32(e, eu); p.mem.setU32(s, eu); return 0; },
  },
  getresgid32: {
    args: ['p', 'p', 'p'],
    run(p, r, e, s) { const g = id(process.getgid), eg = id(process.getegid); p.mem.setU32(r, g); p.mem.setU32(e, eg); p.mem.setU32(s, eg); return 0; },
  },
  getgroups32: {
    args: ['d', 'p'],
    run(p, size, list) {
      const groups = process.getgroups?.() ?? [];
      if (size === 0) return groups.length;
      if (size < groups.length) return -EINVAL;
      groups.forEach((g, i) => p.mem.setU32(list + 4 * i, g));
      return groups.length;
    },
  },
  setuid32: { args: ['d'], run: (_p, uid) => (uid === id(process.getuid) ? 0 : -EPERM) },
  setgid32: { args: ['d'], run: (_p, gid) => (gid === id(process.getgid) ? 0 : -EPERM) },
  ugetrlimit: {
    args: ['d', 'p'],
    run(p, resource, buf) {
      const l = rlimit(resource);
      if (!l) return -EINVAL;
      p.mem.setU32(buf, clamp32(l[0]));
      p.mem.setU32(buf + 4, clamp32(l[1]));
      return 0;
    },
  },
  setrlimit: { args: ['d', 'p'], run: () => 0 },
  prlimit64: {
    args: ['d', 'd', 'p', 'p'],
    run(p, pid, resource, newLimit, oldLimit) {
      if (pid !== 0 && pid !== p.pid) return -EPERM;
      const l = rlimit(resource);
      if (!l) return -EINVAL;
      if (oldLimit) { p.mem.setU64(oldLimit, l[0]); p.mem.setU64(oldLimit + 8, l[1]); }
      void newLimit; // accepted and not enforced
      return 0;
    },
  },
  sysinfo: {
    args: ['p'],
    run(p, buf) {
      const out = p.mem.writable(buf >>> 0, 64);
      out.fill(0);
      const v = new DataView(out.buffer, out.byteOffset, 64);
      v.setInt32(0, Math.floor(uptime()), true);
      loadavg().forEach((l, i) => v.setUint32(4 + 4 * i, Math.round(l * 65536) >>> 0, true));
      // Sizes in units of mem_unit (4 KiB) so that they fit 32 bits.
      v.setUint32(16, Math.floor(totalmem() / 4096), true);
      v.setUint32(20, Math.floor(freemem() / 4096), true);
      v.setUint16(40, 1, true); // procs
      v.setUint32(52, 4096, true); // mem_unit
      return 0;
    },
  },
  getrandom: {
    args: ['p', 'u', 'x'],
    run(p, buf, len, flags) {
      // GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE; the last two exclude each other.
      if (flags & ~7 || (flags & 6) === 6) return -EINVAL;
      // As copy_to_iter: the bytes up to the first one the guest cannot write (EFAULT if none).
      let n = Math.min(len >>> 0, 0x7ffff000); // MAX_RW_COUNT
      const at = buf >>> 0;
      if (!p.mem.accessible(at, n, PROT_WRITE)) {
        if (at + n > p.mem.taskSize) return -EFAULT; // access_ok
        let ok = 0;
        while (ok < n && p.mem.accessible(at + ok, 1, PROT_WRITE)) ok = Math.min(n, (Math.floor((at + ok) / 4096) + 1) * 4096 - at);
        if (ok === 0) return -EFAULT;
        n = ok;
      }
      if (n > 0) randomFillSync(p.mem.writable(at, n));
      return n;
    },
  },
  set_robust_list: { args: ['p', 'u'], run: () => 0 },
  prctl: { args: ['d', 'x', 'x', 'x', 'x'], run: (_p, option) => (option === 15 /* PR_SET_NAME */ || option === 16 /* PR_GET_NAME */ ? 0 : -EINVAL) },
  personality: { args: ['x'], run: () => 0 },
};
