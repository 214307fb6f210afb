/** `dynwasm-i386`: Linux user-mode emulation of 32-bit x86 (i686) programs, with qemu-i386's command line. */
import { fileURLToPath } from 'node:url';
import { i386LinuxTarget } from '../linux-user/i386/target.js';
import { runLinuxUser } from './linux-user.js';

await runLinuxUser({
  prog: 'dynwasm-i386', target: i386LinuxTarget, forkScript: fileURLToPath(import.meta.url),
  guest: '32-bit x86 (i686, integer instructions; no x87, MMX or SSE)', qemu: 'qemu-i386', sysrootExample: '/usr/i686-linux-gnu',
}, process.argv.slice(2));
