/**
 * Debian's static i386 busybox (build/busybox-i386/bin/busybox, fetched by
 * scripts/fetch-busybox.sh) runs the ARM suite's applet and shell cases under dynwasm-i386 in both
 * engines. The applets run directly have qemu-i386 as their reference; the shell cases have the
 * native busybox of the same version, as qemu-i386 cannot follow the shell's exec of
 * /proc/self/exe here (the host kernel's IA-32 emulation is off, so it cannot run i386 programs):
 * see test/support/busybox-cases.ts.
 */
import { busyboxTests } from './support/busybox-cases.js';
import { BUSYBOX_I386 } from './support/linux-run.js';

busyboxTests('i386', BUSYBOX_I386);
