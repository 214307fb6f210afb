/** `dynwasm-arm`: Linux user-mode emulation of 32-bit ARM (armel) programs, with qemu-arm's command line. */
import { fileURLToPath } from 'node:url';
import { armLinuxTarget } from '../linux-user/arm/target.js';
import { runLinuxUser } from './linux-user.js';

await runLinuxUser({
  prog: 'dynwasm-arm', target: armLinuxTarget, forkScript: fileURLToPath(import.meta.url),
  guest: '32-bit ARM (ARMv5TE, EABI, little-endian)', qemu: 'qemu-arm', sysrootExample: '/usr/arm-linux-gnueabi',
}, process.argv.slice(2));
