/** File and descriptor system calls. */
import { EBADF } from '../errno.js';
import { host } from '../host.js';
import type { SyscallTable } from '../syscall.js';

export const fileSyscalls: SyscallTable = {
  read: {
    args: ['fd', 'p', 'u'],
    run(p, fd, buf, count) {
      const f = p.fds.get(fd);
      if (!f) return -EBADF;
      return host.read(f.host, p.mem.writable(buf >>> 0, count >>> 0));
    },
  },
  write: {
    args: ['fd', 'p', 'u'],
    run(p, fd, buf, count) {
      const f = p.fds.get(fd);
      if (!f) return -EBADF;
      return host.write(f.host, p.mem.readable(buf >>> 0, count >>> 0));
    },
  },
  writev: {
    args: ['fd', 'p', 'd'],
    run(p, fd, iov, iovcnt) {
      const f = p.fds.get(fd);
      if (!f) return -EBADF;
      let total = 0;
      for (let i = 0; i < iovcnt; i++) {
        const base = p.mem.u32(iov + 8 * i), len = p.mem.u32(iov + 8 * i + 4);
        if (len === 0) continue;
        const r = host.write(f.host, p.mem.readable(base, len));
        if (r < 0) return total > 0 ? total : r;
        total += r;
        if (r < len) break;
      }
      return total;
    },
  },
  close: { args: ['fd'], run: (p, fd) => (p.fds.close(fd) ? 0 : -EBADF) },
};
