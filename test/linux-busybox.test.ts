/**
 * Debian's static armel busybox (build/busybox/bin/busybox, fetched by scripts/fetch-busybox.sh)
 * runs applets and shell constructs under dynwasm-arm in both engines, against the native busybox
 * and qemu-arm: the cases and the references are in test/support/busybox-cases.ts.
 */
import { busyboxTests } from './support/busybox-cases.js';
import { BUSYBOX } from './support/linux-run.js';

busyboxTests('arm', BUSYBOX);
