/**
 * The pacing of a system emulator's run loop, shared by dynwasm-system-arm (runtime/cli) and
 * the web page's worker (web/worker.ts).
 */

/**
 * The CPU runs POLL_BLOCKS blocks at a time, then the board brings its timers up to date (the
 * CPU sees interrupt lines only between blocks, and timer expiry is noticed only at a poll);
 * every SLICE_MS of host time the loop also yields to the event loop (stdin, signals, messages).
 */
export const POLL_BLOCKS = 2000;
/**
 * Interpreted runs before a block is compiled. A Linux boot runs much code some hundreds of
 * times and every compiled module costs more as the dispatch table grows (V8 copies it into
 * each new instance): Debian's 6.1 to its initramfs self-test takes 14.5 s with 4 (1837 modules,
 * 9.0 s compiling), 5.9 s with 200 (902 modules, 1.4 s); docs/performance.md.
 */
export const SYSTEM_HOT_THRESHOLD = 200;
export const SLICE_MS = 10;
