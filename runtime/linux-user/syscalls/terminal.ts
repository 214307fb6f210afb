/**
 * ioctl: the terminal requests (struct termios and struct winsize have the same layout on ARM
 * and x86-64, so the host reads and writes the guest's structures in place), FIONREAD/FIONBIO,
 * the pseudo-terminal master requests, and FIOCLEX/FIONCLEX on the guest's descriptor flags.
 * Other requests are ENOTTY.
 */
import { EBADF, EMFILE, ENOTTY } from '../errno.js';
import { host } from '../host.js';
import type { SyscallTable } from '../syscall.js';
import { O_CLOEXEC, oflagsToHost } from './fs-common.js';

const TERMIOS_SIZE = 36;

/** Requests whose argument points at `size` bytes the host reads ('r') or writes ('w'). */
const POINTER_IOCTLS: Record<number, [number, 'r' | 'w']> = {
  0x5401: [TERMIOS_SIZE, 'w'], // TCGETS
  0x5402: [TERMIOS_SIZE, 'r'], // TCSETS
  0x5403: [TERMIOS_SIZE, 'r'], // TCSETSW
  0x5404: [TERMIOS_SIZE, 'r'], // TCSETSF
  0x5413: [8, 'w'], // TIOCGWINSZ
  0x5414: [8, 'r'], // TIOCSWINSZ
  0x540f: [4, 'w'], // TIOCGPGRP
  0x5410: [4, 'r'], // TIOCSPGRP
  0x5429: [4, 'w'], // TIOCGSID
  0x541b: [4, 'w'], // FIONREAD
  0x5411: [4, 'w'], // TIOCOUTQ
  0x5421: [4, 'r'], // FIONBIO
  0x5452: [4, 'r'], // FIOASYNC
  0x5424: [4, 'w'], // TIOCGETD
  0x5423: [4, 'r'], // TIOCSETD
  0x80045430: [4, 'w'], // TIOCGPTN
  0x40045431: [4, 'r'], // TIOCSPTLCK
  0x5415: [4, 'w'], // TIOCMGET
  0x5416: [4, 'r'], // TIOCMBIS
  0x5417: [4, 'r'], // TIOCMBIC
  0x5418: [4, 'r'], // TIOCMSET
  0x5419: [4, 'w'], // TIOCGSOFTCAR
  0x541a: [4, 'r'], // TIOCSSOFTCAR
  0x80045432: [4, 'w'], // TIOCGDEV
  0x80045438: [4, 'w'], // TIOCGPKT
  0x5420: [4, 'r'], // TIOCPKT
};

/** Requests with an integer argument. */
const INT_IOCTLS = new Set([
  0x540e, // TIOCSCTTY
  0x5422, // TIOCNOTTY
  0x5409, // TCSBRK
  0x5425, // TCSBRKP
  0x540a, // TCXONC
  0x540b, // TCFLSH
  0x5427, // TIOCSBRK
  0x5428, // TIOCCBRK
  0x540c, // TIOCEXCL
  0x540d, // TIOCNXCL
]);

const FIONCLEX = 0x5450, FIOCLEX = 0x5451, TIOCGPTPEER = 0x5441;

export const terminalSyscalls: SyscallTable = {
  ioctl: {
    args: ['fd', 'ioctl_req', 'x'],
    run(p, fd, request, arg) {
      const f = p.fds.get(fd);
      if (!f) return -EBADF;
      const req = request >>> 0;
      if (req === FIOCLEX || req === FIONCLEX) { f.cloexec = req === FIOCLEX; return 0; }
      const ptr = POINTER_IOCTLS[req];
      if (ptr) {
        const [size, dir] = ptr;
        return host.ioctlPtr(f.host, req, dir === 'w' ? p.mem.writable(arg >>> 0, size) : p.mem.readable(arg >>> 0, size));
      }
      if (INT_IOCTLS.has(req)) return host.ioctlInt(f.host, req, arg);
      if (req === TIOCGPTPEER) {
        const slot = p.fds.lowestFree();
        if (slot < 0) return -EMFILE;
        const h = host.ioctlInt(f.host, req, oflagsToHost(p.target.openFlags, arg) | O_CLOEXEC);
        return h < 0 ? h : p.fds.add({ host: h, cloexec: (arg & O_CLOEXEC) !== 0 }, slot);
      }
      return -ENOTTY;
    },
  },
};
