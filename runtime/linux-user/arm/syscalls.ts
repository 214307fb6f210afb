/** The ARM kernel's own system calls: the TLS word, cache flushes, and fadvise with aligned pairs. */
import { EINVAL } from '../errno.js';
import { hostFiles } from '../host-files.js';
import type { SyscallTable } from '../syscall.js';
import { fdCall, pair } from '../syscalls/files.js';
import { KUSER_TLS_ADDR } from './kuser.js';

export const armSyscalls: SyscallTable = {
  // arm_fadvise64_64(fd, advice, offset, len): the advice moved up so the pairs are aligned.
  arm_fadvise64_64: fdCall((f, advice, olo, ohi, llo, lhi) => hostFiles.fadvise(f.host, pair(olo, ohi), pair(llo, lhi), advice), ['fd', 'd', 'u', 'u', 'u', 'u']),
  ARM_set_tls: {
    args: ['p'],
    run(p, tls) {
      // The kuser page is read-only to the guest; the kernel writes its TLS word.
      p.mem.view.setUint32(KUSER_TLS_ADDR, tls >>> 0, true);
      return 0;
    },
  },
  ARM_cacheflush: {
    args: ['p', 'p', 'x'],
    run(p, start, end) {
      // Translated code from the range is dropped, so the next fetch sees the new instructions.
      start >>>= 0; end >>>= 0;
      if (end < start) return -EINVAL;
      p.mem.invalidateCode(start, end - start);
      return 0;
    },
  },
};
