/**
 * The i386 CPU on the generic exec loop (runtime/exec.ts): its state words, the TLB fill of
 * user mode (identity, as the pages' permissions allow), exceptions handed to the machine
 * (user-mode emulation turns them into Linux events), and its translator hooks.
 */
import { ENV_STATE_WORDS, PAGE_MASK, PAGE_SHIFT, TLB_READONLY } from '../../ops/core.js';
import {
  CC_DST, CC_OP, CC_OP_EFLAGS, CC_SRC, CODE_STORE, DF, EFLAGS_REST, EIP, EXCEPTION, EXCP_DEBUG, EXCP_PF, EXIT_REQUEST, FAULT_ADDR,
  GDT_TLS, GDT_TLS_ENTRIES, GDT_TLS_FIRST, GDT_PRESENT, ICOUNT, IF, SEG_BASE, SEG_SEL, TB_FLAGS, USER_CS, USER_DS, SEG_CS, SEG_DS,
  SEG_ES, SEG_SS,
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
import { pseudoRandomWords, warmTranslator } from '../warm-up.js';

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

/**
 * Run the i386 translator over pseudo-random bytes (x86 decodes nearly any of them) without a
 * machine, for a V8 start-up snapshot (runtime/warm-up.ts).
 */
export async function warmI386Translator(): Promise<void> {
  warmTranslator(await loadI386Table(), I386_TRANSLATOR, I386_WORDS, new Uint8Array(pseudoRandomWords(4096).buffer), 0x10000, 0);
}

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

  /**
   * The state in QEMU's i386 `-d cpu` format (x86_cpu_dump_state with CPU_DUMP_CCOP, 32-bit
   * protected mode). The general registers, EFLAGS, the segment registers with their descriptor
   * caches and CR2 are this CPU's; the system state that Linux user mode never changes (LDT, TR,
   * CR0/3/4, the debug registers, EFER) reads as qemu-i386 sets it up for this CPU's features
   * (no FXSR: CR4's OSFXSR clear). This CPU keeps no GDT or
   * IDT in guest memory: their bases read 0 (the GDT's limit is that of its 9 entries, the IDT's
   * qemu-i386's). CCS/CCD/CCO are this CPU's lazy flags state (CC_SRC, CC_DST, CC_OP named as QEMU
   * names the kinds); QEMU's differ between block boundaries: test/i386-lockstep.test.ts
   * normalises them.
   */
  dumpState(): string {
    const e = this.env;
    const h = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
    const f = this.eflags;
    const bits = `${f & 0x400 ? 'D' : '-'}${f & 0x800 ? 'O' : '-'}${f & 0x80 ? 'S' : '-'}${f & 0x40 ? 'Z' : '-'}${f & 0x10 ? 'A' : '-'}${f & 4 ? 'P' : '-'}${f & 1 ? 'C' : '-'}`;
    let out = `EAX=${h(e[0])} EBX=${h(e[3])} ECX=${h(e[1])} EDX=${h(e[2])}\n`
      + `ESI=${h(e[6])} EDI=${h(e[7])} EBP=${h(e[5])} ESP=${h(e[4])}\n`
      + `EIP=${h(e[EIP])} EFL=${h(f)} [${bits}] CPL=3 II=0 A20=1 SMM=0 HLT=0\n`;
    SEG_NAMES.forEach((name, s) => { out += segCacheLine(name, e[SEG_SEL + s] & 0xffff, e[SEG_BASE + s], segCache(e, e[SEG_SEL + s] & 0xffff)); });
    return out + SYSTEM_SEGMENTS
      + `GDT=     00000000 ${h(GDT_ENTRIES * 8 - 1)}\nIDT=     00000000 000000ff\n`
      + `CR0=80010001 CR2=${h(e[FAULT_ADDR])} CR3=00000000 CR4=00000000\n`
      + 'DR0=00000000 DR1=00000000 DR2=00000000 DR3=00000000 \nDR6=ffff0ff0 DR7=00000400\n'
      + `CCS=${h(e[CC_SRC])} CCD=${h(e[CC_DST])} CCO=${ccOpName(e[CC_OP])}\n`
      + 'EFER=0000000000000000\n';
  }
}

const SEG_NAMES = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS'];
/** Entries of the GDT: the null one, the kernel's and user's code and data, the TLS entries up to 8. */
const GDT_ENTRIES = GDT_TLS_FIRST + GDT_TLS_ENTRIES;
/** User mode's LDT and TR: never loaded, as qemu-i386 leaves them. */
const SYSTEM_SEGMENTS = 'LDT=0000 00000000 00000000 00008200 DPL=0 LDT\nTR =0000 00000000 0000ffff 00008b00 DPL=0 TSS32-busy\n';
/** A flat 4 GiB descriptor's cache, data (read/write) or code (read/execute), accessed, DPL 3. */
const FLAT_DATA = 0x00cff300, FLAT_CODE = 0x00cffb00;

/**
 * The limit and flags of the descriptor cache behind selector `sel` (its base is SEG_BASE's).
 * A null selector keeps the flat data cache that user mode starts FS with (qemu-i386 loads
 * every register with __USER_DS, then FS's selector with 0); a TLS entry's descriptor is built
 * from its struct user_desc as Linux builds it, accessed once loaded.
 */
function segCache(e: Int32Array, sel: number): { limit: number; flags: number } {
  const index = sel >>> 3;
  if (index >= GDT_TLS_FIRST && index < GDT_ENTRIES) {
    const at = GDT_TLS + 3 * (index - GDT_TLS_FIRST);
    const uflags = e[at + 2];
    let limit = e[at + 1] & 0xfffff;
    if (uflags & 16) limit = ((limit << 12) | 0xfff) >>> 0; // limit_in_pages
    const flags = ((uflags & 8 ? 0 : 0x200) | ((uflags >> 1) & 3) << 10 | (uflags & GDT_PRESENT ? 0x8000 : 0)
      | (uflags & 1) << 22 | (uflags & 16) << 19 | ((uflags >> 6) & 1) << 20 | 0x7000 | 0x100 | (e[at + 1] & 0xf0000)) >>> 0;
    return { limit, flags };
  }
  return { limit: 0xffffffff, flags: sel === USER_CS ? FLAT_CODE : FLAT_DATA };
}

/** One segment register's line (cpu_x86_dump_seg_cache, protected mode). */
function segCacheLine(name: string, sel: number, base: number, { limit, flags }: { limit: number; flags: number }): string {
  const h = (v: number, n: number): string => (v >>> 0).toString(16).padStart(n, '0');
  let line = `${name.padEnd(3)}=${h(sel, 4)} ${h(base, 8)} ${h(limit, 8)} ${h(flags & 0x00ffff00, 8)}`;
  if (flags & 0x8000) {
    line += ` DPL=${(flags >> 13) & 3} `;
    line += flags & 0x800
      ? `${flags & 0x400000 ? 'CS32' : 'CS16'} [${flags & 0x400 ? 'C' : '-'}${flags & 0x200 ? 'R' : '-'}`
      : `${flags & 0x400000 ? 'DS  ' : 'DS16'} [${flags & 0x400 ? 'E' : '-'}${flags & 0x200 ? 'W' : '-'}`;
    line += `${flags & 0x100 ? 'A' : '-'}]`;
  }
  return line + '\n';
}

/** QEMU's name of a CC_OP (its kinds in the same order: ADD ADC SUB SBB LOGIC INC DEC SHL SAR MUL, sizes B W L). */
function ccOpName(op: number): string {
  if (op === CC_OP_EFLAGS) return 'EFLAGS';
  const kind = op >> 2, size = op & 3;
  const name = ['', 'ADD', 'ADC', 'SUB', 'SBB', 'LOGIC', 'INC', 'DEC', 'SHL', 'SAR', 'MUL'][kind];
  return name && size < 3 ? name + 'BWL'[size] : `[${op}]`;
}
