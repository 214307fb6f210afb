/** `dynwasm-arm`: Linux user-mode emulation of 32-bit ARM (armel) programs, with qemu-arm's command line. */
import { armLinuxCli } from './arm-linux-cli.js';
import { runLinuxUser } from './linux-user.js';
import { linuxUserForkScript } from './snapshot-file.js';

await runLinuxUser({ ...armLinuxCli, forkScript: linuxUserForkScript(import.meta.url) }, process.argv.slice(2));
