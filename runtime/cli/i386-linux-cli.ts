/** What makes `dynwasm-i386` (i386-linux.ts, and its start-up snapshot's entry i386-linux-snapshot.ts). */
import { i386LinuxTarget } from '../linux-user/i386/target.js';
import type { LinuxUserCli } from './linux-user.js';

export const i386LinuxCli: Omit<LinuxUserCli, 'forkScript'> = {
  prog: 'dynwasm-i386', target: i386LinuxTarget,
  guest: '32-bit x86 (i686, integer instructions; no x87, MMX or SSE)', qemu: 'qemu-i386', sysrootExample: '/usr/i686-linux-gnu',
};
