/**
 * ARM Linux signal frames (arch/arm/kernel/signal.c, arch/arm/include/asm/ucontext.h):
 *
 *   struct sigcontext  { trap_no, error_code, oldmask, arm_r0..arm_r10, arm_fp, arm_ip, arm_sp,
 *                        arm_lr, arm_pc, arm_cpsr, fault_address }            84 bytes
 *   struct ucontext    { uc_flags, uc_link, uc_stack { ss_sp, ss_flags, ss_size },
 *                        uc_mcontext (sigcontext, at 20), uc_sigmask (at 104, 128 bytes),
 *                        uc_regspace[128] (at 232, aligned 8) }               744 bytes
 *   struct sigframe    { ucontext uc; unsigned long retcode[4]; }             760 bytes
 *   struct rt_sigframe { siginfo info (128 bytes); sigframe sig; }           888 bytes
 *
 * Without VFP or iWMMXt (armel, ARMv5TE) uc_regspace holds only the end marker, a zero word.
 * The return trampolines are the kernel's sigreturn_codes; the frame's retcode[] gets a copy
 * (unwinders look for it there), and lr points at the copy in the kuser page, which is
 * executable where the stack may not be (Linux points lr at its sigpage the same way).
 */
import type { GuestMemory } from '../memory.js';
import type { SigInfo } from '../signal.js';

export const SIGINFO_SIZE = 128;
export const SIGCONTEXT_SIZE = 21 * 4;
export const UC_FLAGS = 0, UC_LINK = 4, UC_STACK = 8, UC_MCONTEXT = 20, UC_SIGMASK = 104, UC_REGSPACE = 232;
export const UCONTEXT_SIZE = UC_REGSPACE + 128 * 4;
export const SIGFRAME_RETCODE = UCONTEXT_SIZE;
export const SIGFRAME_SIZE = UCONTEXT_SIZE + 4 * 4;
export const RT_SIGFRAME_UC = SIGINFO_SIZE;
export const RT_SIGFRAME_SIZE = SIGINFO_SIZE + SIGFRAME_SIZE;

/** sigcontext word indexes. */
export const SC_TRAP_NO = 0, SC_ERROR_CODE = 1, SC_OLDMASK = 2, SC_R0 = 3, SC_SP = 3 + 13, SC_LR = 3 + 14, SC_PC = 3 + 15,
  SC_CPSR = 3 + 16, SC_FAULT_ADDRESS = 3 + 17;

/** uc_flags of a non-rt frame: a value sc.trap_no never has (the kernel tells the two apart by it). */
export const SIGFRAME_UC_FLAGS = 0x5ac3c35a;

/**
 * The kernel's sigreturn_codes (arch/arm/kernel/sigreturn_codes.S), in its slot order: a frame
 * returns through slot (thumb ? 2 : 0) + (rt ? 3 : 0), bit 0 set for Thumb.
 */
export const SIGRETURN_CODES = [
  0xe3a07077, // arm:   mov  r7, #119 (sigreturn)
  0xef000000, //        swi  0
  0xdf002777, // thumb: movs r7, #119; svc 0
  0xe3a070ad, // arm:   mov  r7, #173 (rt_sigreturn)
  0xef000000, //        swi  0
  0xdf0027ad, // thumb: movs r7, #173; svc 0
];
export function sigreturnSlot(thumb: boolean, rt: boolean): number { return (thumb ? 2 : 0) + (rt ? 3 : 0); }

/** The 32-bit ARM siginfo_t: signo, errno, code, then the union at 12. */
export function writeSiginfo(mem: GuestMemory, addr: number, info: SigInfo): void {
  const out = mem.writable(addr, SIGINFO_SIZE);
  out.fill(0);
  const v = new DataView(out.buffer, out.byteOffset, SIGINFO_SIZE);
  v.setInt32(0, info.signo, true);
  v.setInt32(8, info.code, true);
  if (info.addr !== undefined) {
    v.setUint32(12, info.addr >>> 0, true); // _sigfault.si_addr
  } else {
    v.setInt32(12, info.pid ?? 0, true); // _kill / _rt / _sigchld: si_pid, si_uid
    v.setUint32(16, info.uid ?? 0, true);
    if (info.status !== undefined) v.setInt32(20, info.status, true); // _sigchld.si_status
    else if (info.value !== undefined) v.setInt32(20, info.value, true); // _rt.si_sigval
  }
}

/** The registers a frame saves and restores. */
export interface FrameRegs {
  r: number[]; // r0..r15 (r15: the pc to return to, without the Thumb bit)
  cpsr: number;
}

export interface SigcontextExtra {
  trapNo: number;
  errorCode: number;
  faultAddress: number;
}

/** Fill a ucontext at `uc` (flags, link, stack, mcontext, sigmask, the regspace end marker). */
export function writeUcontext(mem: GuestMemory, uc: number, o: {
  flags: number; stack: { sp: number; flags: number; size: number }; regs: FrameRegs; extra: SigcontextExtra; mask: bigint;
}): void {
  const out = mem.writable(uc, UCONTEXT_SIZE);
  out.fill(0, 0, UC_REGSPACE + 8);
  const v = new DataView(out.buffer, out.byteOffset, UCONTEXT_SIZE);
  v.setUint32(UC_FLAGS, o.flags >>> 0, true);
  v.setUint32(UC_LINK, 0, true);
  v.setUint32(UC_STACK, o.stack.sp >>> 0, true);
  v.setInt32(UC_STACK + 4, o.stack.flags, true);
  v.setUint32(UC_STACK + 8, o.stack.size >>> 0, true);
  const sc = (i: number, val: number): void => v.setUint32(UC_MCONTEXT + 4 * i, val >>> 0, true);
  sc(SC_TRAP_NO, o.extra.trapNo);
  sc(SC_ERROR_CODE, o.extra.errorCode);
  sc(SC_OLDMASK, Number(o.mask & 0xffffffffn));
  for (let i = 0; i < 16; i++) sc(SC_R0 + i, o.regs.r[i]);
  sc(SC_CPSR, o.regs.cpsr);
  sc(SC_FAULT_ADDRESS, o.extra.faultAddress);
  v.setBigUint64(UC_SIGMASK, BigInt.asUintN(64, o.mask), true);
  v.setUint32(UC_REGSPACE, 0, true); // no VFP/iWMMXt records: the end marker
}

/** Read back the registers and the mask a handler may have changed (sigreturn). */
export function readUcontext(mem: GuestMemory, uc: number): { regs: FrameRegs; mask: bigint; stack: { sp: number; flags: number; size: number } } {
  const v = mem.readable(uc, UC_REGSPACE);
  const d = new DataView(v.buffer, v.byteOffset, UC_REGSPACE);
  const r: number[] = [];
  for (let i = 0; i < 16; i++) r.push(d.getUint32(UC_MCONTEXT + 4 * (SC_R0 + i), true));
  return {
    regs: { r, cpsr: d.getUint32(UC_MCONTEXT + 4 * SC_CPSR, true) },
    mask: d.getBigUint64(UC_SIGMASK, true),
    stack: { sp: d.getUint32(UC_STACK, true), flags: d.getInt32(UC_STACK + 4, true), size: d.getUint32(UC_STACK + 8, true) },
  };
}
