/**
 * The generic translator loop (QEMU's translator_loop with its TranslatorOps): a target
 * translates one instruction at a time into the micro-op stream; the loop owns the rules every
 * target shares — a block ends when the instruction ended it, after `maxInsns` instructions, or
 * when the next instruction would start on another page — and reads guest code through the
 * CPU's code TLB, recording which host bytes the block was made from (for invalidation by
 * physical page). The target says where its next instruction starts, so variable-length
 * encodings fit: an instruction that starts on a page may run into the next one, and the block
 * then covers both pages.
 */
import { PAGE_SHIFT, PAGE_SIZE } from '../ops/core.js';
import type { OpBuffer } from './op-buffer.js';

/** What a block is found by: its virtual pc and the target's flags word (Thumb, CS.D, CPL, MMU on…). */
export interface BlockKey { pc: number; flags: number }

/** A block key as one number for maps: flags above the 32-bit pc (flags stay below 2^21). */
export function keyNumber(pc: number, flags: number): number { return flags * 0x100000000 + (pc >>> 0); }

/** Translates a virtual code address to a host (linear-memory) address, or undefined where nothing executable is. */
export type CodeTranslate = (vaddr: number) => number | undefined;

/**
 * Guest code as the translator reads it: through the code TLB, page by page. It remembers the
 * host ranges it read, so that a store to them invalidates the block.
 */
export class CodeReader {
  /** Host ranges read, as [start, end) pairs, each within one page. */
  readonly ranges: number[] = [];
  /** A read found nothing executable: the block ends in a fetch fault, which depends on the mapping, not only on the bytes. */
  faulted = false;
  private vpage = -1;
  private hostPage = 0;

  constructor(private readonly translate: CodeTranslate, private readonly view: DataView) {}

  /** Host address of virtual `vaddr`, or undefined where nothing executable is mapped. */
  private host(vaddr: number, bytes: number): number | undefined {
    const vpage = vaddr >>> PAGE_SHIFT;
    if (vpage !== this.vpage) {
      const h = this.translate((vpage << PAGE_SHIFT) >>> 0);
      if (h === undefined) { this.faulted = true; return undefined; }
      this.vpage = vpage;
      this.hostPage = h;
    }
    const host = this.hostPage + (vaddr & (PAGE_SIZE - 1));
    this.note(host, bytes);
    return host;
  }

  private note(host: number, bytes: number): void {
    const r = this.ranges, n = r.length;
    if (n && r[n - 1] === host && ((host - 1) >>> PAGE_SHIFT) === (host >>> PAGE_SHIFT)) r[n - 1] = host + bytes;
    else if (n && r[n - 2] <= host && host + bytes <= r[n - 1]) { /* already read */ }
    else r.push(host, host + bytes);
  }

  u8(vaddr: number): number | undefined {
    const h = this.host(vaddr >>> 0, 1);
    return h === undefined ? undefined : this.view.getUint8(h);
  }
  /** A halfword or word that does not cross a page (aligned fixed-width encodings). */
  u16(vaddr: number): number | undefined {
    const h = this.host(vaddr >>> 0, 2);
    return h === undefined ? undefined : this.view.getUint16(h, true);
  }
  i32(vaddr: number): number | undefined {
    const h = this.host(vaddr >>> 0, 4);
    return h === undefined ? undefined : this.view.getInt32(h, true);
  }
}

/** Translation state every target's DisasContext has (QEMU's DisasContextBase). */
export class DisasContextBase {
  /** Address of the instruction being translated, and of the next one (the target sets it). */
  pc = 0;
  nextPc = 0;
  /** Instructions of this block completed before the current one. */
  retired = 0;
  /** Set when the current instruction ended the block (a branch, a write to pc, an exception). */
  ended = false;
  /** Static successors the exec loop may translate ahead and chain to directly. */
  readonly successors: BlockKey[] = [];
  /**
   * For `-d in_asm` (when logInsns is set): each instruction's address, size and encoding (a
   * fixed-width word, or for a byte-stream ISA its bytes).
   */
  readonly insns: { pc: number; size: number; insn: number; bytes?: number[] }[] = [];
  logInsns = false;

  constructor(readonly ob: OpBuffer, readonly pcFirst: number, readonly flags: number, readonly code: CodeReader) {}

  addSuccessor(pc: number, flags = this.flags): void { this.successors.push({ pc: pc >>> 0, flags }); }
}

/** A target's part of translation (QEMU's TranslatorOps). */
export interface TranslatorOps<C extends DisasContextBase> {
  /** A fresh context for the block at (pc, flags). */
  initDisasContext(ob: OpBuffer, pc: number, flags: number, code: CodeReader): C;
  /**
   * Translate the instruction at ctx.pc: read it through ctx.code, set ctx.nextPc, emit its ops,
   * set ctx.ended if it ends the block. Where nothing executable is mapped, emit the fault the
   * instruction would take when it runs and return false (it is not an instruction of the block).
   */
  translateInsn(ctx: C): boolean;
  /** Whether the block may be cut after the instruction just translated (default: yes). */
  mayEndAfter?(ctx: C): boolean;
  /** Leave the block for ctx.nextPc, which it did not reach by a jump of its own (size limit, page end). */
  tbStop(ctx: C): void;
  /** Disassembly of the instruction at `pc` (for `-d in_asm`). */
  disas(ctx: C, pc: number, insn: number, size: number): string;
  /**
   * A debugger's breakpoint is at ctx.pc: leave the block there with the target's debug
   * exception, the instruction not executed (QEMU's breakpoint_check).
   */
  breakpoint(ctx: C): void;
}

/**
 * Run the translator loop; returns the context with the block's ops in ctx.ob. A block stops
 * before an instruction in `breakpoints` (the debugger's, by virtual pc); the block still
 * covers that instruction's first byte, so that removing the breakpoint invalidates it.
 */
export function translatorLoop<C extends DisasContextBase>(ops: TranslatorOps<C>, ctx: C, maxInsns: number,
  breakpoints?: ReadonlySet<number>): C {
  const firstPage = ctx.pcFirst >>> PAGE_SHIFT;
  ctx.nextPc = ctx.pcFirst;
  for (;;) {
    ctx.pc = ctx.nextPc;
    if (breakpoints?.has(ctx.pc) && ctx.code.u8(ctx.pc) !== undefined) {
      ops.breakpoint(ctx);
      break;
    }
    if (!ops.translateInsn(ctx)) break; // nothing executable here: the block raises the fault
    ctx.retired++;
    if (ctx.ended) break;
    const next = ctx.nextPc >>> 0;
    if ((next >>> PAGE_SHIFT) !== firstPage || (ctx.retired >= maxInsns && (ops.mayEndAfter?.(ctx) ?? true))) {
      ops.tbStop(ctx);
      break;
    }
  }
  return ctx;
}
