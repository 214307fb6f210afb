/** `dynwasm-i386`: Linux user-mode emulation of 32-bit x86 (i686) programs, with qemu-i386's command line. */
import { i386LinuxCli } from './i386-linux-cli.js';
import { runLinuxUser } from './linux-user.js';
import { linuxUserForkScript } from './snapshot-file.js';

await runLinuxUser({ ...i386LinuxCli, forkScript: linuxUserForkScript(import.meta.url) }, process.argv.slice(2));
