/**
 * The ARM Linux kuser helpers page at 0xffff0000 (Documentation/arm/kernel_user_helpers.rst):
 * code the kernel maps into every process and that armel glibc calls for TLS and atomics on
 * ARMv5, which has neither TPIDRURO nor LDREX. The helpers here are the kernel's own
 * uniprocessor sequences (arch/arm/kernel/entry-armv.S), assembled with arm-linux-gnueabi-as;
 * they run as ordinary guest code. The emulator takes signals only between translation
 * blocks and each sequence is one block, so cmpxchg is atomic, as the kernel makes it by
 * restarting an interrupted sequence.
 */
import { SIGRETURN_CODES } from './signal-frame.js';

/** Where the page is (arch/arm/kernel/entry-armv.S's vectors page), readable and executable by user space. */
export const VECTORS_PAGE = 0xffff0000;

/** Offsets in the page. */
export const KUSER_CMPXCHG64 = 0xf60;
export const KUSER_MEMORY_BARRIER = 0xfa0;
export const KUSER_CMPXCHG = 0xfc0;
export const KUSER_GET_TLS = 0xfe0;
/** Where __kuser_get_tls reads the thread pointer that set_tls stores. */
export const KUSER_TLS_VALUE = 0xff0;
export const KUSER_HELPER_VERSION = 0xffc;
/** Signal return trampolines (signal-frame.ts's SIGRETURN_CODES), where Linux has its sigpage. */
export const KUSER_SIGRETURN = 0x500;

const CODE: [number, number[]][] = [
  [KUSER_CMPXCHG64, [
    0xe92d4070, // push   {r4, r5, r6, lr}
    0xe8900030, // ldm    r0, {r4, r5}        old value
    0xe8914040, // ldm    r1, {r6, lr}        new value
    0xe8920003, // ldm    r2, {r0, r1}        current value
    0xe0303004, // eors   r3, r0, r4
    0x00313005, // eorseq r3, r1, r5
    0x08824040, // stmeq  r2, {r6, lr}
    0xe2730000, // rsbs   r0, r3, #0          0 and C set if stored
    0xe8bd8070, // pop    {r4, r5, r6, pc}
  ]],
  [KUSER_MEMORY_BARRIER, [
    0xe12fff1e, // bx     lr
  ]],
  [KUSER_CMPXCHG, [
    0xe5923000, // ldr    r3, [r2]
    0xe0533000, // subs   r3, r3, r0
    0x05821000, // streq  r1, [r2]
    0xe2730000, // rsbs   r0, r3, #0          0 and C set if stored
    0xe12fff1e, // bx     lr
  ]],
  [KUSER_GET_TLS, [
    0xe59f0008, // ldr    r0, [pc, #8]        the word at KUSER_TLS_VALUE
    0xe12fff1e, // bx     lr
  ]],
  [KUSER_SIGRETURN, SIGRETURN_CODES],
  [KUSER_HELPER_VERSION, [5]], // five helpers, as Linux since 3.1 (cmpxchg64 included)
];

/** The page's 4 KiB. */
export function kuserPage(): Uint8Array {
  const page = new Uint8Array(4096);
  const view = new DataView(page.buffer);
  for (const [offset, words] of CODE) words.forEach((w, i) => view.setUint32(offset + 4 * i, w, true));
  return page;
}

export const KUSER_TLS_ADDR = VECTORS_PAGE + KUSER_TLS_VALUE;
