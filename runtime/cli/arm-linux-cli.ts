/** What makes `dynwasm-arm` (arm-linux.ts, and its start-up snapshot's entry arm-linux-snapshot.ts). */
import { armLinuxTarget } from '../linux-user/arm/target.js';
import type { LinuxUserCli } from './linux-user.js';

export const armLinuxCli: Omit<LinuxUserCli, 'forkScript'> = {
  prog: 'dynwasm-arm', target: armLinuxTarget,
  guest: '32-bit ARM (ARMv5TE, EABI, little-endian)', qemu: 'qemu-arm', sysrootExample: '/usr/arm-linux-gnueabi',
};
