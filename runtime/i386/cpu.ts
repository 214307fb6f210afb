/**
 * The i386 CPU on the generic exec loop (runtime/exec.ts): its state words, the TLB fill of
 * user mode (identity, as the pages' permissions allow), exceptions handed to the machine
 * (user-mode emulation turns them into Linux events), and its translator hooks.
 */
import { ENV_STATE_WORDS, PAGE_MASK, PAGE_SHIFT, TLB_READONLY } from '../../ops/core.js';
import {
  CODE_STORE, DF, EFLAGS_REST, EIP, EXCEPTION, EXCP_DEBUG, EXCP_PF, EXIT_REQUEST, FAULT_ADDR, ICOUNT, IF, SEG_SEL,
  TB_FLAGS, USER_CS, USER_DS, SEG_CS, SEG_DS, SEG_ES, SEG_SS,
} from '../../ops/i386/state.js';
import { readEflags } from './eflags.js';
import { fpuInit } from '../../ops/i386/fpu.js';
import * as G from '../generated/i386/ops.js';
import { OpTable } from '../op-table.js';
import { CpuExec, type CpuExecOptions, type CpuWords } from '../exec.js';
import { ACCESS_FETCH, ACCESS_WRITE, type Access } from '../softmmu.js';
import type { OpBuffer } from '../op-buffer.js';
import type { CodeReader, TranslatorOps } from '../translator.js';
import { I386Ctx } from './translate.js';
import { disasInsn, translateInsn } from './decode.js';

export interface I386CpuOptions extends CpuExecOptions {
  /** Page permissions (PROT_READ 1 | PROT_WRITE 2 | PROT_EXEC 4 per 4 KiB page): user mode's memory. */
  pageProt: Uint8Array;
  /** Every exception, before the CPU would take it; true if handled (user mode handles them all). */
  onException?: (cpu: I386Cpu, excp: number) => boolean;
}

export const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
const EXCEPTION_NAMES = ['', 'divide error', 'invalid opcode', 'syscall', 'page fault', 'general protection', 'breakpoint', 'fetch fault', 'debug'];

let tablePromise: Promise<OpTable> | undefined;
/** The generated i386 op table (loaded once). */
export function loadI386Table(): Promise<OpTable> {
  tablePromise ??= import('../generated/i386/ops.js').then((m) => new OpTable(m));
  return tablePromise;
}

/** The i386 translator (QEMU's i386_tr_ops). */
const I386_TRANSLATOR: TranslatorOps<I386Ctx> = {
  initDisasContext: (ob: OpBuffer, pc: number, flags: number, code: CodeReader) => new I386Ctx(ob, pc, flags, code),
  translateInsn(ctx: I386Ctx): boolean {
    const start = ctx.ob.length;
    if (!translateInsn(ctx)) return false;
    ctx.checkCodeStores(start);
    return true;
  },
  tbStop(ctx: I386Ctx): void {
    G.gen_op_jmp_im(ctx.ob, ctx.nextPc | 0, ctx.retired);
    ctx.addSuccessor(ctx.nextPc);
  },
  disas: (ctx: I386Ctx, pc: number) => disasInsn((a) => ctx.code.u8(a), pc).text,
  breakpoint: (ctx: I386Ctx) => ctx.raise(EXCP_DEBUG, false),
};

const I386_WORDS: CpuWords = { pc: EIP, flags: [TB_FLAGS], exception: EXCEPTION, exitRequest: EXIT_REQUEST, icount: ICOUNT, codeStore: CODE_STORE };

export class I386Cpu extends CpuExec<I386Ctx> {
  protected readonly translator = I386_TRANSLATOR;
  protected readonly debugException = EXCP_DEBUG;
  private readonly prot: Uint8Array;

  constructor(table: OpTable, override readonly opts: I386CpuOptions) {
    super(table, opts, I386_WORDS);
    this.prot = opts.pageProt;
    if (opts.log) opts.log.target = { flagsText: () => '', exceptionName: (e) => EXCEPTION_NAMES[e] ?? '?' };
    this.reset();
  }

  /** User-mode reset: flat segments, IF set, DF clear, the flags known (CC_OP_EFLAGS with none set), the FPU as after fninit. */
  reset(): void {
    const env = this.env;
    env.fill(0, 0, ENV_STATE_WORDS);
    env[DF] = 1;
    env[EFLAGS_REST] = IF | 2;
    env[SEG_SEL + SEG_CS] = USER_CS;
    for (const s of [SEG_DS, SEG_ES, SEG_SS]) env[SEG_SEL + s] = USER_DS;
    fpuInit(env);
    this.tlbFlush();
  }

  get eip(): number { return this.env[EIP] >>> 0; }
  set eip(v: number) { this.env[EIP] = v; }
  /** EFLAGS as pushf sees it. */
  get eflags(): number { return readEflags(this.env); }

  updatePageFlags(first: number, count: number): void { this.invalidatePages(first, count); }

  tlbFill(vaddr: number, access: Access, _mmuIdx: number, probe: boolean): number | undefined {
    const page = (vaddr & PAGE_MASK) >>> 0;
    const p = this.prot[vaddr >>> PAGE_SHIFT];
    const ok = access === ACCESS_FETCH ? p & PROT_EXEC : access === ACCESS_WRITE ? p & PROT_WRITE : p & PROT_READ;
    if (!ok) {
      if (!probe) { this.env[EXCEPTION] = EXCP_PF; this.env[FAULT_ADDR] = vaddr; }
      return undefined;
    }
    return page | (p & PROT_WRITE ? 0 : TLB_READONLY);
  }
  protected busFault(vaddr: number): void { this.env[EXCEPTION] = EXCP_PF; this.env[FAULT_ADDR] = vaddr; }
  protected codeMmuIndex(): number { return 0; }
  protected execInterrupt(): boolean { return false; }

  protected handleException(excp: number): void {
    this.stats.exceptions++;
    if (this.log?.has('int')) this.log.interrupt(excp, this.eip, 0, excp === EXCP_PF ? this.env[FAULT_ADDR] >>> 0 : undefined);
    if (this.opts.onException?.(this, excp)) return;
    // Nothing to deliver it to (no user mode around this CPU): stop.
    this.halted = true;
  }

  /** The registers in QEMU's i386 `-d cpu` format (x86_cpu_dump_state, the general part). */
  dumpState(): string {
    const e = this.env;
    const h = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
    const f = this.eflags;
    const bits = `${f & 0x400 ? 'D' : '-'}${f & 0x800 ? 'O' : '-'}${f & 0x80 ? 'S' : '-'}${f & 0x40 ? 'Z' : '-'}${f & 0x10 ? 'A' : '-'}${f & 4 ? 'P' : '-'}${f & 1 ? 'C' : '-'}`;
    return `EAX=${h(e[0])} EBX=${h(e[3])} ECX=${h(e[1])} EDX=${h(e[2])}\n`
      + `ESI=${h(e[6])} EDI=${h(e[7])} EBP=${h(e[5])} ESP=${h(e[4])}\n`
      + `EIP=${h(e[EIP])} EFL=${h(f)} [${bits}] CPL=3 II=0 A20=1 SMM=0 HLT=0\n`;
  }
}
