/**
 * The ARM CPU on the generic exec loop (runtime/exec.ts): its state words, interrupts and
 * exception entry, the TLB fill of a machine without an MMU (RAM identity-mapped, the rest the
 * bus's; or, in user mode, the pages' permissions), and its translator hooks (ARM and Thumb).
 */
import { ENV_STATE_WORDS, PAGE_MASK, PAGE_SHIFT, TLB_DEVICE, TLB_LARGE, TLB_NOCACHE, TLB_READONLY } from '../../ops/core.js';
import { SCTLR_RESET, SCTLR_V } from '../../ops/arm/cp15.js';
import { readCpsr, updateTbFlags, writeCpsr } from '../../ops/arm/modes.js';
import {
  CP15_FAR, CP15_FSR, CP15_SCTLR, CPSR_A, CPSR_F, CPSR_Z, CPSR_I, CPSR_MODE, CPSR_T, EXCEPTION, EXCP_BKPT, EXCP_DATA_ABORT, EXCP_FIQ,
  EXCP_DEBUG, EXCP_IRQ, EXCP_PREFETCH_ABORT, EXCP_SWI, EXCP_UDEF, EXCP_WFI, EXCP_YIELD, EXIT_REQUEST, FAULT_ADDR, ICOUNT, LR, MODE_ABT, MODE_FIQ, MODE_IRQ,
  MODE_SVC, MODE_UND, PC, SPSR, THUMB, TB_FLAGS, TB_FLAG_USER, CP15_IFSR,
} from '../../ops/arm/state.js';
import { PROT_R, PROT_W, permissionFsr, walk, type PhysRead } from './mmu.js';
import * as G from '../generated/arm/ops.js';
import type { OpBuffer } from '../op-buffer.js';
import { OpTable } from '../op-table.js';
import { CpuExec, type CpuExecOptions, type CpuWords } from '../exec.js';
import { ACCESS_FETCH, ACCESS_WRITE, type Access } from '../softmmu.js';
import type { CodeReader, TranslatorOps } from '../translator.js';
import { DisasContext, TB_FLAG_THUMB } from './translate.js';
import { disasArm, translateArmInsn } from './decode-arm.js';
import { disasThumb, isThumbBlPrefix, translateThumbInsn } from './decode-thumb.js';
import type { Bus } from '../bus.js';
import { latin1String } from '../host.js';
import { pseudoRandomWords, warmTranslator } from '../warm-up.js';

/** What the machine around the CPU provides: its devices (runtime/bus.ts). */
export type ArmBus = Bus;

export interface ArmCpuOptions extends CpuExecOptions {
  /** Bytes of RAM at physical address 0. */
  ramSize: number;
  /** Called for SWI before the exception is taken; return true if it was handled (semihosting). */
  onSwi?: (cpu: ArmCpu, imm: number) => boolean;
  /**
   * Called for every architectural exception before it is taken; return true if it was handled.
   * User-mode emulation handles them all here (SWI is a system call, aborts and undefined
   * instructions become signals), as QEMU's linux-user cpu_loop does.
   */
  onException?: (cpu: ArmCpu, excp: number) => boolean;
  /**
   * Page permissions (PROT_READ 1 | PROT_WRITE 2 | PROT_EXEC 4 per 4 KiB page), when the
   * machine has them (user mode): then no bus answers, and an access the page does not allow
   * raises a data abort (a fetch, a prefetch abort). The owner calls updatePageFlags() after
   * changing an entry.
   */
  pageProt?: Uint8Array;
}

/** Mode names by the low four mode bits, as QEMU prints them. */
const CPU_MODE_NAMES = ['usr', 'fiq', 'irq', 'svc', '???', '???', 'mon', 'abt', '???', '???', 'hyp', 'und', '???', '???', '???', 'sys'];
const EXCEPTION_NAMES = ['', 'undefined instruction', 'swi', 'prefetch abort', 'data abort', 'irq', 'fiq', 'bkpt', 'yield', 'wfi', 'debug'];

/** Page permission bits (Linux PROT_*), for ArmCpuOptions.pageProt. */
export const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;

/** MMU indexes: privileged modes, and user mode (also LDRT/STRT and friends from a privileged mode). */
export const MMU_IDX_PRIV = 0, MMU_IDX_USER = 1;
/** SCTLR.M: the MMU is on. */
const SCTLR_M = 1;

let tablePromise: Promise<OpTable> | undefined;
/** The generated ARM op table (loaded once). */
export function loadArmTable(): Promise<OpTable> {
  tablePromise ??= import('../generated/arm/ops.js').then((m) => new OpTable(m));
  return tablePromise;
}

export type { RunResult } from '../exec.js';

/** The ARM and Thumb translator (QEMU's arm_translator_ops). */
const ARM_TRANSLATOR: TranslatorOps<DisasContext> = {
  initDisasContext: (ob: OpBuffer, pc: number, flags: number, code: CodeReader) => new DisasContext(ob, pc, flags, code),
  translateInsn(ctx: DisasContext): boolean {
    const size = ctx.thumb ? 2 : 4;
    const insn = ctx.thumb ? ctx.code.u16(ctx.pc) : ctx.code.i32(ctx.pc);
    if (insn === undefined) {
      // Nothing executable here: the block raises a prefetch abort when it gets here.
      G.gen_op_raise_exception(ctx.ob, EXCP_PREFETCH_ABORT, ctx.pc | 0, ctx.retired);
      ctx.ended = true;
      return false;
    }
    ctx.nextPc = (ctx.pc + size) >>> 0;
    if (ctx.logInsns) ctx.insns.push({ pc: ctx.pc, insn, size });
    if (ctx.thumb) translateThumbInsn(ctx, insn); else translateArmInsn(ctx, insn);
    ctx.lastInsn = insn;
    return true;
  },
  // A Thumb BL/BLX prefix stays with its suffix even at the size limit, as QEMU's single step does.
  mayEndAfter: (ctx: DisasContext) => !(ctx.thumb && isThumbBlPrefix(ctx.lastInsn)),
  tbStop(ctx: DisasContext): void {
    G.gen_op_jmp_im(ctx.ob, ctx.nextPc | 0, ctx.retired);
    ctx.addSuccessor(ctx.nextPc);
  },
  disas: (ctx: DisasContext, pc: number, insn: number) => (ctx.thumb ? disasThumb(insn, pc) : disasArm(insn, pc)),
  breakpoint: (ctx: DisasContext) => ctx.raise(EXCP_DEBUG, ctx.pc, false),
};

/** Where the exec loop finds the ARM state it reads: the block key is pc with the Thumb bit. */
const ARM_WORDS: CpuWords = { pc: PC, flags: [THUMB, TB_FLAGS], exception: EXCEPTION, exitRequest: EXIT_REQUEST, icount: ICOUNT };

/**
 * Run the ARM translator over pseudo-random ARM code (mostly with the condition "always", as
 * real code is) without a machine, for a V8 start-up snapshot (runtime/warm-up.ts). Not Thumb:
 * its decoder's tables are built only for programs that run Thumb code.
 */
export async function warmArmTranslator(): Promise<void> {
  const words = pseudoRandomWords(4096);
  for (let i = 0; i < words.length; i++) if (i % 8 !== 0) words[i] = (words[i] & 0x0fffffff | 0xe0000000) >>> 0;
  warmTranslator(await loadArmTable(), ARM_TRANSLATOR, ARM_WORDS, new Uint8Array(words.buffer), 0x10000, TB_FLAG_USER);
}

export class ArmCpu extends CpuExec<DisasContext> {
  protected readonly translator = ARM_TRANSLATOR;
  protected readonly debugException = EXCP_DEBUG;
  // gdb expects ARM's watchpoints to stop before the access, and steps the instruction itself (as QEMU's ARM does).
  protected override readonly watchStopsBefore = true;
  private irq = false;
  private fiq = false;
  /** Interrupt lines, driven by the board's interrupt controller. Raising one makes chained
   *  execution come back to the exec loop after the current block, to take it. */
  get irqLine(): boolean { return this.irq; }
  set irqLine(v: boolean) { this.irq = v; this.interruptRequest = this.irq || this.fiq; }
  get fiqLine(): boolean { return this.fiq; }
  set fiqLine(v: boolean) { this.fiq = v; this.interruptRequest = this.irq || this.fiq; }
  private readonly prot?: Uint8Array;

  constructor(table: OpTable, override readonly opts: ArmCpuOptions) {
    super(table, opts, ARM_WORDS);
    this.prot = opts.pageProt;
    if (opts.log) {
      opts.log.target = {
        flagsText: (f) => `${f & TB_FLAG_THUMB ? ' thumb' : ''}${f & TB_FLAG_USER ? ' user' : ''}`,
        exceptionName: (e) => EXCEPTION_NAMES[e] ?? '?',
      };
    }
    this.readPhys = (addr) => (addr + 4 <= this.opts.ramSize ? this.view.getInt32(addr, true) : undefined);
    this.reset();
  }

  /**
   * Reset state: SVC mode, IRQ and FIQ masked, ARM state, pc 0 (ARM ARM A2.6.1). The flags are
   * unknown on hardware; QEMU's reset leaves Z set and the A bit (bit 8) too, and programs
   * that print their CPSR see those, so we match it.
   */
  reset(): void {
    this.env.fill(0, 0, ENV_STATE_WORDS);
    this.env[CP15_SCTLR] = SCTLR_RESET;
    writeCpsr(this.env, CPSR_Z | CPSR_A | MODE_SVC | CPSR_I | CPSR_F, -1);
    updateTbFlags(this.env);
    this.tlbFlush();
  }

  /**
   * Pages [first, first + count) changed their pageProt entries (mmap, mprotect, munmap): their
   * TLB entries go, and so does code translated from them: the mapping may be new bytes, and a
   * page that lost PROT_EXEC must fault on its next fetch.
   */
  updatePageFlags(first: number, count: number): void { this.invalidatePages(first, count); }

  // --- the TLB: page permissions (user mode), identity (MMU off) or the MMU's walk -----------
  private readonly readPhys: PhysRead;

  tlbFill(vaddr: number, access: Access, mmuIdx: number, probe: boolean): number | undefined {
    const page = (vaddr & PAGE_MASK) >>> 0;
    if (this.prot) {
      // User mode: identity, as the pages' permissions allow.
      const p = this.prot[vaddr >>> PAGE_SHIFT];
      const ok = access === ACCESS_FETCH ? p & PROT_EXEC : access === ACCESS_WRITE ? p & PROT_WRITE : p & PROT_READ;
      if (!ok) {
        if (!probe) this.dataAbort(vaddr, 0x8);
        return undefined;
      }
      return page | (p & PROT_WRITE ? 0 : TLB_READONLY);
    }
    const env = this.env;
    // MMU off: RAM is identity-mapped; everything above it is the bus's.
    if (!(env[CP15_SCTLR] & SCTLR_M)) return page < this.opts.ramSize ? page : page | TLB_DEVICE;
    const w = walk(env, this.readPhys, vaddr, mmuIdx === MMU_IDX_USER);
    let fsr = 0;
    if (w.fault) fsr = w.fsr;
    else if (!(w.prot & (access === ACCESS_WRITE ? PROT_W : PROT_R))) fsr = permissionFsr(w);
    if (fsr !== 0 || w.fault) {
      if (!probe) {
        if (access === ACCESS_FETCH) env[CP15_IFSR] = fsr;
        else this.dataAbort(vaddr, fsr);
      }
      return undefined;
    }
    const base = (w.phys - (vaddr & 0xfff)) >>> 0;
    const flags = (w.prot & PROT_W ? 0 : TLB_READONLY) | (w.phys >= this.opts.ramSize ? TLB_DEVICE : 0)
      | (w.wholePage ? 0 : TLB_NOCACHE) | (w.large ? TLB_LARGE : 0);
    return base | flags;
  }

  protected busFault(vaddr: number): void { this.dataAbort(vaddr, 0x8); }
  protected codeMmuIndex(flags: number): number { return flags & TB_FLAG_USER ? MMU_IDX_USER : MMU_IDX_PRIV; }

  // --- guest memory as the machine sees it (loaders, semihosting, devices) -----------------
  get ram(): Uint8Array { return this.u8.subarray(0, this.opts.ramSize); }
  isRam(addr: number, bytes = 1): boolean { return addr >= 0 && addr + bytes <= this.opts.ramSize; }
  readU8(addr: number): number { return this.u8[addr >>> 0]; }
  readU32(addr: number): number { return this.view.getUint32(addr >>> 0, true); }
  writeU32(addr: number, v: number): void { this.storeHost(addr >>> 0, 4, v); this.tbs.invalidateRange(addr >>> PAGE_SHIFT, addr >>> 0, 4); }
  /** Copy bytes into RAM, invalidating any code translated from them. */
  writeBytes(addr: number, data: Uint8Array): void { this.writeHost(addr, data); }
  readCString(addr: number, max = 1 << 20): string {
    let end = addr;
    while (end - addr < max && this.isRam(end) && this.u8[end] !== 0) end++;
    return latin1String(this.u8.subarray(addr, end));
  }

  get pc(): number { return this.env[PC] >>> 0; }
  set pc(v: number) { this.env[PC] = v & ~1; this.env[THUMB] = v & 1; }
  get cpsr(): number { return readCpsr(this.env) >>> 0; }

  /** A data abort at `addr` with fault status `fsr` (0x8: external abort, non-linefetch). */
  private dataAbort(addr: number, fsr: number): void {
    this.env[EXCEPTION] = EXCP_DATA_ABORT;
    this.env[FAULT_ADDR] = addr;
    this.env[CP15_FAR] = addr;
    this.env[CP15_FSR] = fsr;
  }

  /** The registers and CPSR in QEMU's `-d cpu` format (arm_cpu_dump_state for AArch32). */
  dumpState(): string {
    const h = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
    let out = '';
    for (let i = 0; i < 16; i++) out += `R${String(i).padStart(2, '0')}=${h(i === 15 ? this.pc : this.env[i])}${i % 4 === 3 ? '\n' : ' '}`;
    const psr = this.cpsr;
    const flags = `${psr & 0x80000000 ? 'N' : '-'}${psr & 0x40000000 ? 'Z' : '-'}${psr & 0x20000000 ? 'C' : '-'}${psr & 0x10000000 ? 'V' : '-'}`;
    return `${out}PSR=${h(psr)} ${flags} ${psr & CPSR_T ? 'T' : 'A'} ${CPU_MODE_NAMES[psr & 15]}${psr & 0x10 ? 32 : 26}\n`;
  }

  protected execInterrupt(): boolean {
    const cpsr = this.cpsr;
    if (this.fiqLine && !(cpsr & CPSR_F)) { this.enterException(EXCP_FIQ); return true; }
    if (this.irqLine && !(cpsr & CPSR_I)) { this.enterException(EXCP_IRQ); return true; }
    return false;
  }

  protected handleException(excp: number): void {
    if (excp === EXCP_YIELD) return;
    if (excp === EXCP_WFI) { this.waiting = true; return; }
    if (this.opts.onException?.(this, excp)) return;
    // A prefetch abort is taken only when the instruction would execute: the walk that the
    // translator made as a probe is made again now, to set the IFSR.
    if (excp === EXCP_PREFETCH_ABORT && !this.prot && this.env[CP15_SCTLR] & SCTLR_M) {
      this.tlbFill(this.pc, ACCESS_FETCH, this.codeMmuIndex(this.currentFlags()), false);
    }
    if (excp === EXCP_SWI && this.opts.onSwi) {
      const thumb = this.env[THUMB] !== 0;
      const at = this.pc - (thumb ? 2 : 4);
      const imm = thumb ? this.readU8(at) : this.readU32(at) & 0xffffff;
      if (this.opts.onSwi(this, imm)) return;
    }
    this.enterException(excp);
  }

  /** Exception entry (ARM ARM A2.6): bank switch, SPSR, LR, vector; env[PC] is where it happened. */
  enterException(excp: number): void {
    const env = this.env;
    const cpsr = readCpsr(env);
    const pc = env[PC] >>> 0;
    const thumb = env[THUMB] !== 0;
    let mode: number, vector: number, lr: number, maskF = false;
    switch (excp) {
      case EXCP_UDEF: mode = MODE_UND; vector = 0x04; lr = pc + (thumb ? 2 : 4); break;
      case EXCP_SWI: mode = MODE_SVC; vector = 0x08; lr = pc; break;
      case EXCP_PREFETCH_ABORT: case EXCP_BKPT: mode = MODE_ABT; vector = 0x0c; lr = pc + 4; break;
      case EXCP_DATA_ABORT: mode = MODE_ABT; vector = 0x10; lr = pc + 8; break;
      case EXCP_IRQ: mode = MODE_IRQ; vector = 0x18; lr = pc + 4; break;
      case EXCP_FIQ: mode = MODE_FIQ; vector = 0x1c; lr = pc + 4; maskF = true; break;
      default: throw new Error(`unknown exception ${excp}`);
    }
    this.stats.exceptions++;
    if (this.log?.has('int')) this.log.interrupt(excp, pc, thumb ? TB_FLAG_THUMB : 0, excp === EXCP_DATA_ABORT ? env[FAULT_ADDR] >>> 0 : undefined);
    writeCpsr(env, mode | CPSR_I | (maskF ? CPSR_F : 0), CPSR_MODE | CPSR_T | CPSR_I | (maskF ? CPSR_F : 0));
    env[THUMB] = 0;
    env[SPSR] = cpsr;
    env[LR] = lr;
    env[PC] = ((env[CP15_SCTLR] & SCTLR_V ? 0xffff0000 : 0) + vector) | 0;
  }
}

