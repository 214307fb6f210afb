/**
 * i386 Linux signal frames (arch/x86/kernel/signal.c, asm/sigframe.h, uapi/asm/sigcontext.h):
 *
 *   struct sigcontext_32 { gs, fs, es, ds, edi, esi, ebp, esp, ebx, edx, ecx, eax, trapno, err,
 *                          eip, cs, eflags, esp_at_signal, ss, fpstate, oldmask, cr2 }   88 bytes
 *   struct sigframe_ia32 { pretcode, sig, sc, fpstate_unused (624 bytes), extramask[1],
 *                          retcode[8] }                                              732 bytes
 *   struct ucontext_ia32 { uc_flags, uc_link, uc_stack { ss_sp, ss_flags, ss_size },
 *                          uc_mcontext (sigcontext_32, at 20), uc_sigmask (at 108) } 116 bytes
 *   struct rt_sigframe_ia32 { pretcode, sig, pinfo, puc, info (128 bytes, at 16),
 *                          uc (at 144), retcode[8] (at 260) }                        268 bytes
 *
 * The x87 state goes below the frame, as the kernel's math frame (get_sigframe) does: a CPU
 * without FXSR gets the fnsave image, struct _fpstate_32 { cw, sw, tag, ipoff, cssel, dataoff,
 * datasel, _st[8] (10 bytes each), status, magic = 0xffff } (112 bytes), and sc.fpstate points
 * to it. The handler starts with the FPU as after fninit; sigreturn restores the image (a null
 * sc.fpstate resets the FPU instead). The handler returns through pretcode: sa_restorer with
 * SA_RESTORER (glibc always sets it), else the frame's own retcode, the kernel's
 * `popl %eax; movl $__NR_sigreturn, %eax; int $0x80` (rt: `movl $__NR_rt_sigreturn, %eax; int $0x80`).
 */
import { DF, EAX, EIP, ESP, SEG_BASE, SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SEL, SEG_SS, USER_CS, USER_DS } from '../../../ops/i386/state.js';
import { selectorBase, updateAddseg } from '../../../ops/i386/helpers.js';
import { readEflags, writeEflags } from '../../i386/eflags.js';
import { fpuInit, fpuRestoreImage, fpuSaveImage, fpuStatusWord } from '../../../ops/i386/fpu.js';
import { GuestFault, type GuestMemory } from '../memory.js';
import { SA_RESTORER, SIGFPE, SIGILL, SIGSEGV, SIGTRAP, SEGV_ACCERR, writeSiginfo, type AltStack } from '../signal.js';
import type { SignalFrameRequest } from '../target.js';

const SC_SIZE = 88;
const SC = { gs: 0, fs: 1, es: 2, ds: 3, edi: 4, esi: 5, ebp: 6, esp: 7, ebx: 8, edx: 9, ecx: 10, eax: 11, trapno: 12, err: 13, eip: 14, cs: 15, eflags: 16, espAtSignal: 17, ss: 18, fpstate: 19, oldmask: 20, cr2: 21 };
/** Registers in sigcontext order edi esi ebp esp ebx edx ecx eax, by env index. */
const SC_REGS = [7, 6, 5, 4, 3, 2, 1, 0];
const FRAME_SC = 8, FRAME_EXTRAMASK = FRAME_SC + SC_SIZE + 624, FRAME_RETCODE = FRAME_EXTRAMASK + 4, FRAME_SIZE = FRAME_RETCODE + 8;
const RT_INFO = 16, RT_UC = 144, UC_STACK = 8, UC_MCONTEXT = 20, UC_SIGMASK = 108, RT_RETCODE = RT_UC + 116, RT_FRAME_SIZE = RT_RETCODE + 8;
const NR_SIGRETURN = 119, NR_RT_SIGRETURN = 173;
/** struct _fpstate_32 without the FXSR part: the fnsave image (108 bytes), status, magic. */
const FPSTATE_SIZE = 112, FPSAVE_BYTES = 108, FPSTATE_MAGIC_NOFXSR = 0xffff;

/** Save the FPU below `sp` (16-aligned) for a signal frame; the handler then starts with a reset FPU. Returns its address. */
function saveFpstate(env: Int32Array, mem: GuestMemory, sp: number): number {
  const at = ((sp - FPSTATE_SIZE) & ~15) >>> 0;
  const out = mem.writable(at, FPSTATE_SIZE);
  let image = fpuSaveImage(env);
  for (let i = 0; i < FPSAVE_BYTES; i++) { out[i] = Number(image & 0xffn); image >>= 8n; }
  const sw = fpuStatusWord(env);
  out[108] = sw & 0xff; out[109] = sw >>> 8;
  out[110] = FPSTATE_MAGIC_NOFXSR & 0xff; out[111] = FPSTATE_MAGIC_NOFXSR >>> 8;
  fpuInit(env);
  return at;
}

function restoreFpstate(env: Int32Array, mem: GuestMemory, at: number): void {
  if (at === 0) { fpuInit(env); return; }
  const bytes = mem.readable(at, FPSAVE_BYTES);
  let image = 0n;
  for (let i = FPSAVE_BYTES - 1; i >= 0; i--) image = (image << 8n) | BigInt(bytes[i]);
  fpuRestoreImage(env, image);
}
/** EFLAGS bits sigreturn restores (FIX_EFLAGS: the arithmetic flags, TF, DF, AC, ID and a few system ones user mode cannot hold). */
const FIX_EFLAGS = 0x8d5 | 0x100 | 0x400 | 0x40000 | 0x200000;


/** The trap fields of a synchronous fault: the vector (trapno) and error code the kernel reports. */
function trapFields(req: SignalFrameRequest): { trapno: number; err: number; cr2: number } {
  if (!req.fault) return { trapno: 0, err: 0, cr2: 0 };
  const { signo, code, addr = 0 } = req.info;
  if (signo === SIGSEGV) return { trapno: 14, err: code === SEGV_ACCERR ? 7 : 6, cr2: addr };
  if (signo === SIGFPE) return { trapno: 0, err: 0, cr2: 0 };
  if (signo === SIGILL) return { trapno: 6, err: 0, cr2: 0 };
  if (signo === SIGTRAP) return { trapno: 3, err: 0, cr2: 0 };
  return { trapno: 0, err: 0, cr2: 0 };
}

function writeSigcontext(env: Int32Array, mem: GuestMemory, at: number, req: SignalFrameRequest, fpstate: number): void {
  const out = mem.writable(at, SC_SIZE);
  out.fill(0);
  const v = new DataView(out.buffer, out.byteOffset, SC_SIZE);
  const set = (i: number, val: number): void => v.setUint32(4 * i, val >>> 0, true);
  set(SC.gs, env[SEG_SEL + 5] & 0xffff); set(SC.fs, env[SEG_SEL + 4] & 0xffff);
  set(SC.es, env[SEG_SEL] & 0xffff); set(SC.ds, env[SEG_SEL + 3] & 0xffff);
  SC_REGS.forEach((r, i) => set(SC.edi + i, env[r]));
  const t = trapFields(req);
  set(SC.trapno, t.trapno); set(SC.err, t.err); set(SC.cr2, t.cr2);
  set(SC.eip, env[EIP]); set(SC.cs, env[SEG_SEL + 1] & 0xffff);
  set(SC.eflags, readEflags(env)); set(SC.espAtSignal, env[ESP]); set(SC.ss, env[SEG_SEL + 2] & 0xffff);
  set(SC.oldmask, Number(req.oldMask & 0xffffffffn));
  set(SC.fpstate, fpstate);
}

function readSigcontext(env: Int32Array, mem: GuestMemory, at: number): void {
  const v = mem.readable(at, SC_SIZE);
  const d = new DataView(v.buffer, v.byteOffset, SC_SIZE);
  const get = (i: number): number => d.getUint32(4 * i, true);
  SC_REGS.forEach((r, i) => { env[r] = get(SC.edi + i); });
  env[EIP] = get(SC.eip);
  // The segment registers as the context holds them (cs and ss at the user's privilege level, RPL 3).
  const segs: [number, number][] = [[SEG_GS, get(SC.gs)], [SEG_FS, get(SC.fs)], [SEG_ES, get(SC.es)], [SEG_DS, get(SC.ds)], [SEG_CS, get(SC.cs) | 3], [SEG_SS, get(SC.ss) | 3]];
  for (const [seg, sel] of segs) loadSegment(env, seg, sel);
  updateAddseg(env);
  writeEflags(env, get(SC.eflags), FIX_EFLAGS);
  restoreFpstate(env, mem, get(SC.fpstate));
}

/** Push a sigframe or rt_sigframe below req.sp and enter the handler (setup_frame / setup_rt_frame). */
export function setupSignalFrame(env: Int32Array, mem: GuestMemory, req: SignalFrameRequest): void {
  const { info, action: act, rt } = req;
  // The handler is entered as if called: ((sp + 4) & 15) == 0 (get_sigframe's alignment).
  const fpstate = saveFpstate(env, mem, req.sp);
  const frame = ((((fpstate - (rt ? RT_FRAME_SIZE : FRAME_SIZE)) + 4) & ~15) - 4) >>> 0;
  const retcode = frame + (rt ? RT_RETCODE : FRAME_RETCODE);
  const pretcode = act.flags & SA_RESTORER ? act.restorer >>> 0 : retcode;
  mem.setU32(frame, pretcode);
  mem.setU32(frame + 4, info.signo);
  if (rt) {
    mem.setU32(frame + 8, frame + RT_INFO);
    mem.setU32(frame + 12, frame + RT_UC);
    writeSiginfo(mem, frame + RT_INFO, info);
    const uc = frame + RT_UC;
    mem.setU32(uc, 0); mem.setU32(uc + 4, 0);
    mem.setU32(uc + UC_STACK, req.ucStack.sp); mem.setU32(uc + UC_STACK + 4, req.ucStack.flags); mem.setU32(uc + UC_STACK + 8, req.ucStack.size);
    writeSigcontext(env, mem, uc + UC_MCONTEXT, req, fpstate);
    mem.setU64(uc + UC_SIGMASK, req.oldMask);
    mem.write(retcode, Uint8Array.of(0xb8, NR_RT_SIGRETURN, 0, 0, 0, 0xcd, 0x80, 0));
  } else {
    writeSigcontext(env, mem, frame + FRAME_SC, req, fpstate);
    mem.setU32(frame + FRAME_EXTRAMASK, Number((req.oldMask >> 32n) & 0xffffffffn));
    mem.write(retcode, Uint8Array.of(0x58, 0xb8, NR_SIGRETURN, 0, 0, 0, 0xcd, 0x80));
  }
  env[ESP] = frame | 0;
  env[EIP] = act.handler | 0;
  if (rt) { env[EAX] = info.signo; env[2] = frame + RT_INFO; env[1] = frame + RT_UC; } else env[EAX] = info.signo;
  env[DF] = 1; // the kernel clears DF (and TF) for the handler
  // The handler runs in the flat user segments whatever the program had loaded in ds, es, ss or cs (fs and gs kept).
  for (const seg of [SEG_DS, SEG_ES, SEG_SS]) loadSegment(env, seg, USER_DS);
  loadSegment(env, SEG_CS, USER_CS);
  updateAddseg(env);
}

function loadSegment(env: Int32Array, seg: number, sel: number): void {
  env[SEG_SEL + seg] = sel & 0xffff;
  env[SEG_BASE + seg] = selectorBase(env, sel);
}

/** sigreturn (the frame's sc at esp - 8 after its popl) / rt_sigreturn (the frame at esp - 4). */
export function restoreSignalFrame(env: Int32Array, mem: GuestMemory, rt: boolean): { mask: bigint; ucStack: AltStack } {
  if (rt) {
    const frame = (env[ESP] - 4) >>> 0;
    const uc = frame + RT_UC;
    const mask = mem.u64(uc + UC_SIGMASK);
    const ucStack = { sp: mem.u32(uc + UC_STACK), flags: mem.i32(uc + UC_STACK + 4), size: mem.u32(uc + UC_STACK + 8) };
    readSigcontext(env, mem, uc + UC_MCONTEXT);
    return { mask, ucStack };
  }
  const frame = (env[ESP] - 8) >>> 0;
  if (!mem.accessible(frame, FRAME_SIZE - 8, 1)) throw new GuestFault(frame);
  const lo = BigInt(mem.u32(frame + FRAME_SC + 4 * SC.oldmask)), hi = BigInt(mem.u32(frame + FRAME_EXTRAMASK));
  readSigcontext(env, mem, frame + FRAME_SC);
  return { mask: (hi << 32n) | lo, ucStack: { sp: 0, flags: 0, size: 0 } };
}
