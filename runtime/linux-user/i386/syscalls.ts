/**
 * The i386 kernel's own system calls: the TLS descriptors of the GDT (set_thread_area,
 * get_thread_area; clone's CLONE_SETTLS passes the same struct user_desc), and the old calls
 * that i386 keeps and the ARM EABI dropped (alarm, time, waitpid), which glibc and busybox use.
 */
import { GDT_PRESENT, GDT_TLS, GDT_TLS_ENTRIES, GDT_TLS_FIRST, SEG_BASE, SEG_SEL } from '../../../ops/i386/state.js';
import { updateAddseg } from '../../../ops/i386/helpers.js';
import { EFAULT, EINVAL, ESRCH } from '../errno.js';
import { GuestFault, type GuestMemory } from '../memory.js';
import type { SyscallTable } from '../syscall.js';
import { wait4 } from '../syscalls/process.js';
import { realtimeNs } from '../syscalls/time.js';
import type { LinuxCpu } from '../target.js';

const env = (cpu: LinuxCpu): Int32Array => (cpu as unknown as { env: Int32Array }).env;

/** struct user_desc's flag bits (asm/ldt.h), after entry_number, base_addr and limit. */
const READ_EXEC_ONLY = 8, SEG_NOT_PRESENT = 32;

/**
 * set_thread_area(u_info): install the descriptor at u_info in GDT entry 6..8 (entry_number -1:
 * the first free one, written back), and refresh any segment register that holds its selector.
 */
export function setThreadArea(e: Int32Array, mem: GuestMemory, uinfo: number): number {
  let entry = mem.i32(uinfo);
  const base = mem.u32(uinfo + 4), limit = mem.u32(uinfo + 8), flags = mem.u32(uinfo + 12);
  if (entry === -1) {
    let free = -1;
    for (let i = 0; i < GDT_TLS_ENTRIES; i++) if ((e[GDT_TLS + 3 * i + 2] & GDT_PRESENT) === 0) { free = i; break; }
    if (free < 0) return -ESRCH;
    entry = GDT_TLS_FIRST + free;
    mem.setU32(uinfo, entry);
  }
  if (entry < GDT_TLS_FIRST || entry >= GDT_TLS_FIRST + GDT_TLS_ENTRIES) return -EINVAL;
  // LDT_empty / LDT_zero: a descriptor that clears the entry.
  const empty = (base === 0 && limit === 0 && (flags & 0x7f) === (READ_EXEC_ONLY | SEG_NOT_PRESENT)) || (base === 0 && limit === 0 && (flags & 0x7f) === 0);
  const at = GDT_TLS + 3 * (entry - GDT_TLS_FIRST);
  e[at] = empty ? 0 : base;
  e[at + 1] = empty ? 0 : limit;
  e[at + 2] = empty || flags & SEG_NOT_PRESENT ? flags & 0x7f : (flags & 0x7f) | GDT_PRESENT;
  const sel = (entry << 3) | 3;
  for (let s = 0; s < 6; s++) if ((e[SEG_SEL + s] & 0xffff) === sel) e[SEG_BASE + s] = e[at + 2] & GDT_PRESENT ? e[at] : 0;
  updateAddseg(e);
  return 0;
}

export const i386Syscalls: SyscallTable = {
  // alarm(seconds): ITIMER_REAL without an interval; returns the seconds that were left, rounded as the kernel does.
  alarm: {
    args: ['u'],
    run(p, seconds) {
      const [leftMs] = p.signals.getRealTimer();
      p.signals.setRealTimer((seconds >>> 0) * 1000, 0);
      const sec = Math.floor(leftMs / 1000), usec = Math.floor((leftMs % 1000) * 1000);
      return leftMs > 0 ? sec + (usec >= 500000 || (sec === 0 && usec > 0) ? 1 : 0) : 0;
    },
  },
  time: {
    args: ['p'],
    run(p, tloc) {
      const sec = Number(realtimeNs() / 1000000000n);
      if (tloc) p.mem.setU32(tloc, sec);
      return sec | 0;
    },
  },
  waitpid: { args: ['d', 'p', 'x'], run: (p, pid, status, options) => wait4(p, pid, status, options, 0) },
  set_thread_area: {
    args: ['p'],
    run(p, uinfo) {
      try { return setThreadArea(env(p.cpu!), p.mem, uinfo); } catch (e) { if (e instanceof GuestFault) return -EFAULT; throw e; }
    },
  },
  get_thread_area: {
    args: ['p'],
    run(p, uinfo) {
      try {
        const e = env(p.cpu!);
        const entry = p.mem.i32(uinfo);
        if (entry < GDT_TLS_FIRST || entry >= GDT_TLS_FIRST + GDT_TLS_ENTRIES) return -EINVAL;
        const at = GDT_TLS + 3 * (entry - GDT_TLS_FIRST);
        const present = (e[at + 2] & GDT_PRESENT) !== 0;
        p.mem.setU32(uinfo + 4, e[at]);
        p.mem.setU32(uinfo + 8, e[at + 1]);
        // An empty entry reads back as LDT_empty's descriptor.
        p.mem.setU32(uinfo + 12, present || e[at + 2] !== 0 ? e[at + 2] & 0x7f : READ_EXEC_ONLY | SEG_NOT_PRESENT);
        return 0;
      } catch (err) { if (err instanceof GuestFault) return -EFAULT; throw err; }
    },
  },
};
