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
import { CPSR_T, PC, SP, THUMB } from '../../../ops/arm/state.js';
import { readCpsr, writeCpsr } from '../../../ops/arm/modes.js';
import { GuestFault, type GuestMemory } from '../memory.js';
import { SA_RESTORER, SIGILL, SIGINFO_SIZE, SIGSEGV, SIGTRAP, SEGV_ACCERR, writeSiginfo } from '../signal.js';
import type { AltStack } from '../signal.js';
import type { SignalFrameRequest } from '../target.js';
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

/** The sigcontext's trap fields for a synchronous fault (the ARM kernel's trap_no and error_code). */
function faultExtra(req: SignalFrameRequest): SigcontextExtra {
  if (!req.fault) return { trapNo: 0, errorCode: 0, faultAddress: 0 };
  const { signo: sig, code, addr = 0 } = req.info;
  const trapNo = sig === SIGSEGV ? 14 : sig === SIGILL ? 6 : sig === SIGTRAP ? 1 : 0;
  const errorCode = sig === SIGSEGV ? (code === SEGV_ACCERR ? 0xf : 0x7) : 0;
  return { trapNo, errorCode, faultAddress: sig === SIGSEGV ? addr : 0 };
}

/**
 * Push a sigframe or rt_sigframe below req.sp and enter the handler with r0 = signal (r1, r2 =
 * siginfo, ucontext for rt), lr = the return trampoline, and the Thumb bit of the handler's
 * address (arch/arm/kernel/signal.c's setup_frame, setup_rt_frame, setup_return).
 * `trampolines`: where the kuser page holds SIGRETURN_CODES (lr's default without SA_RESTORER).
 */
export function setupSignalFrame(env: Int32Array, mem: GuestMemory, req: SignalFrameRequest, trampolines: number): void {
  const { info, action: act, rt } = req;
  const frame = ((req.sp - (rt ? RT_SIGFRAME_SIZE : SIGFRAME_SIZE)) & ~7) >>> 0;
  const uc = rt ? frame + RT_SIGFRAME_UC : frame;
  const handler = act.handler >>> 0;
  const thumb = (handler & 1) !== 0;
  const regs = { r: Array.from({ length: 16 }, (_, i) => env[i] >>> 0), cpsr: readCpsr(env) >>> 0 };
  const slot = sigreturnSlot(thumb, rt);
  if (rt) writeSiginfo(mem, frame, info);
  writeUcontext(mem, uc, {
    flags: rt ? 0 : SIGFRAME_UC_FLAGS,
    stack: rt ? req.ucStack : { sp: 0, flags: 0, size: 0 },
    regs, extra: faultExtra(req), mask: req.oldMask,
  });
  mem.setU32(uc + SIGFRAME_RETCODE, SIGRETURN_CODES[slot]);
  mem.setU32(uc + SIGFRAME_RETCODE + 4, SIGRETURN_CODES[slot + 1]);
  const restorer = act.flags & SA_RESTORER ? act.restorer >>> 0 : (trampolines + 4 * slot + (thumb ? 1 : 0)) >>> 0;
  env[0] = info.signo;
  if (rt) { env[1] = frame; env[2] = uc; }
  env[SP] = frame | 0;
  env[14] = restorer | 0;
  writeCpsr(env, thumb ? CPSR_T : 0, 0xf8000000 | CPSR_T); // flags cleared, T for a Thumb handler
  env[PC] = (handler & ~1) | 0;
}

/**
 * sigreturn / rt_sigreturn: r0-r15 and the user-writable CPSR bits from the frame at sp
 * (which must be 8-aligned); returns the mask and uc_stack for signal.ts.
 */
export function restoreSignalFrame(env: Int32Array, mem: GuestMemory, rt: boolean): { mask: bigint; ucStack: AltStack } {
  const frame = env[SP] >>> 0;
  if (frame & 7) throw new GuestFault(frame);
  const { regs, mask, stack } = readUcontext(mem, rt ? frame + RT_SIGFRAME_UC : frame);
  const thumb = (regs.cpsr & CPSR_T) !== 0;
  for (let i = 0; i < 15; i++) env[i] = regs.r[i] | 0;
  writeCpsr(env, regs.cpsr, 0xf8000000 | CPSR_T);
  env[PC] = (regs.r[15] & (thumb ? ~1 : ~3)) | 0;
  return { mask, ucStack: stack };
}
