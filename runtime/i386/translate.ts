/**
 * The i386 front-end's translation context (QEMU's target/i386/translate.c in spirit): register
 * and operand access by size, effective addresses, memory ops, the lazy flags as the block
 * knows them, and the ways to leave a block. The decoder tables (decode.ts) use these to
 * translate each instruction.
 */
import { OPC, OPS } from '../generated/i386/ops.js';
import * as G from '../generated/i386/ops.js';
import { structuralOpcodes } from '../op-table.js';
import { CC_KIND_ADD, CC_KIND_DEC, CC_KIND_INC, CC_KIND_LOGIC, CC_KIND_SBB, CC_KIND_SUB, EBP, EDI, ESP, EXCP_UD, SEG_DS, SEG_ES, TBF_ADDSEG, ccOp } from '../../ops/i386/state.js';
import { CodeReader, DisasContextBase } from '../translator.js';
import { OpBuffer } from '../op-buffer.js';
import type { Insn } from './insn.js';

type Temp = 0 | 1 | 2;
const byName = (pattern: string, n: number): number[] =>
  Array.from({ length: n }, (_, r) => (OPC as Record<string, number>)[pattern.replace('$', String(r))]);
const MOVL_T_R = [byName('movl_T0_r$', 8), byName('movl_T1_r$', 8), byName('movl_T2_r$', 8)];
const MOVB_T_R = [byName('movb_T0_r$', 8), byName('movb_T1_r$', 8)];
const MOVL_R_T0 = byName('movl_r$_T0', 8);
const MOVL_R_T1 = byName('movl_r$_T1', 8);
const MOVL_R_A0 = byName('movl_r$_A0', 8);
const MOVW_R_T0 = byName('movw_r$_T0', 8);
const MOVB_R_T0 = byName('movb_r$_T0', 8);
const MOVL_A0_R = byName('movl_A0_r$', 8);
const ADDL_A0_R = [0, 1, 2, 3].map((sc) => byName(`addl_A0_r$_s${sc}`, 8));
const ADDL_A0_SEG = byName('addl_A0_seg$', 6);
const MOVL_T_IM = [OPC.movl_T0_im, OPC.movl_T1_im, OPC.movl_T2_im];
const TEST_EFLAGS = byName('test_eflags_cond$', 16);
const TEST_SUB = byName('test_sub_cond$', 16);
const TEST_LOGIC = byName('test_logic_cond$', 16);
/** By CC kind (ADD, ADC, SUB, SBB: 1..4). */
const COMPUTE_CF_L = [-1, ...[1, 2, 3, 4].map((k) => (OPC as Record<string, number>)[`compute_cf_l_T2_kind${k}`])];
export const { IF_T0, ENDIF } = structuralOpcodes(OPS.length);

/** Size index of an operand size in bytes (1, 2, 4 → 0, 1, 2): the low bits of a CC_OP. */
export const sizeIndex = (size: number): number => (size === 1 ? 0 : size === 2 ? 1 : 2);

/** Translation state of one i386 block (QEMU's DisasContext). */
export class I386Ctx extends DisasContextBase {
  /** The instruction being translated. */
  insn!: Insn;
  /** The CC_OP the block's last flag-setting instruction left, or -1 when it is not known here. */
  ccOp = -1;

  constructor(ob: OpBuffer, pc: number, flags: number, code: CodeReader) {
    super(ob, pc, flags, code);
  }

  /** A context outside any block, with no guest code to read (decoder tests). */
  static detached(): I386Ctx {
    return new I386Ctx(new OpBuffer(), 0, 0, new CodeReader(() => undefined, new DataView(new ArrayBuffer(0))));
  }

  get retiredAfter(): number { return this.retired + 1; }

  // --- registers ---------------------------------------------------------------------------
  /** T = register `r` of `size` bytes, zero-extended (T2: dword only). */
  loadReg(t: Temp, r: number, size: number): void {
    if (size === 1) { this.ob.emit0(MOVB_T_R[t as 0 | 1][r]); return; }
    this.ob.emit0(MOVL_T_R[t][r]);
    if (size === 2) { if (t === 0) G.gen_op_uxth_T0(this.ob); else if (t === 1) G.gen_op_uxth_T1(this.ob); else throw new Error('loadReg: T2 word'); }
  }
  loadImm(t: Temp, v: number): void { this.ob.emit1(MOVL_T_IM[t], v | 0); }
  /** Register `r` of `size` bytes = T0. */
  storeReg(r: number, size: number): void {
    this.ob.emit0(size === 1 ? MOVB_R_T0[r] : size === 2 ? MOVW_R_T0[r] : MOVL_R_T0[r]);
  }
  storeRegT1(r: number): void { this.ob.emit0(MOVL_R_T1[r]); }
  storeRegA0(r: number): void { this.ob.emit0(MOVL_R_A0[r]); }

  // --- effective addresses and memory ------------------------------------------------------
  /** Whether the default data segments' bases are added to addresses (TBF_ADDSEG: ds or es has a non-zero base). */
  get addseg(): boolean { return (this.flags & TBF_ADDSEG) !== 0; }
  /**
   * The segment whose base the instruction's memory operand adds: an override, else (with
   * TBF_ADDSEG) the default, ds or for an ebp/esp (bp) base ss; -1 for none. ss's base is not
   * added: the stack is taken as flat (see decode.ts).
   */
  dataSeg(): number {
    const d = this.insn;
    if (d.seg >= 0) return d.seg;
    return this.addseg && d.base !== EBP && d.base !== ESP ? SEG_DS : -1;
  }
  /** A0 = the instruction's memory operand's address (with its segment's base: dataSeg). */
  genAddr(extra = 0): void {
    this.genEa(extra);
    this.addSeg(this.dataSeg());
  }
  /** A0 = the memory operand's effective address (no segment base: lea, and what adds more before the base). */
  genEa(extra = 0): void {
    const d = this.insn, ob = this.ob;
    if (d.base >= 0) {
      ob.emit0(MOVL_A0_R[d.base]);
      if (d.index >= 0) ob.emit0(ADDL_A0_R[d.scale][d.index]);
    } else if (d.index >= 0) {
      G.gen_op_movl_A0_im(ob, 0);
      ob.emit0(ADDL_A0_R[d.scale][d.index]);
    } else {
      G.gen_op_movl_A0_im(ob, d.adsize ? (d.disp + extra) & 0xffff : (d.disp + extra) | 0);
      return;
    }
    if (((d.disp + extra) | 0) !== 0) G.gen_op_addl_A0_im(ob, (d.disp + extra) | 0);
    if (d.adsize) G.gen_op_andl_A0_ffff(ob);
  }
  /** A0 += the base of segment override `seg` (none: the flat segments' base 0). */
  addSeg(seg: number): void { if (seg >= 0) this.ob.emit0(ADDL_A0_SEG[seg]); }
  /** A0 = register `r` (+ segment `seg`'s base): the string instructions' and the stack's addresses. */
  addrReg(r: number, seg = -1): void { this.ob.emit0(MOVL_A0_R[r]); this.addSeg(seg); }
  /**
   * A0 = the string instructions' pointer register `r` (its low 16 bits with the 0x67 prefix) +
   * a segment's base: esi's the override or ds, edi's always es (with TBF_ADDSEG; else only an override's).
   */
  addrStr(r: number): void {
    this.ob.emit0(MOVL_A0_R[r]);
    if (this.insn.adsize) G.gen_op_andl_A0_ffff(this.ob);
    this.addSeg(r === EDI ? (this.addseg ? SEG_ES : -1) : this.defaultDs());
  }
  /** The segment of an access whose default is ds (string sources, xlat, moffs): the override, else ds with TBF_ADDSEG. */
  defaultDs(): number { return this.insn.seg >= 0 ? this.insn.seg : this.addseg ? SEG_DS : -1; }

  /** T0 = [A0] of `size` bytes, zero- or sign-extended. */
  ld(size: number, signed = false): void {
    const opc = size === 1 ? (signed ? OPC.ldsb_T0_A0 : OPC.ldub_T0_A0) : size === 2 ? (signed ? OPC.ldsw_T0_A0 : OPC.lduw_T0_A0) : OPC.ldl_T0_A0;
    this.ob.emit2(opc, this.pc | 0, this.retired);
  }
  /** [A0] = T0, `size` bytes. */
  st(size: number): void {
    this.ob.emit2(size === 1 ? OPC.stb_T0_A0 : size === 2 ? OPC.stw_T0_A0 : OPC.stl_T0_A0, this.pc | 0, this.retired);
  }

  /** T0 = the r/m operand of `size` bytes, zero-extended (a memory operand leaves its address in A0). */
  loadRm(size: number): void {
    const d = this.insn;
    if (d.mod === 3) this.loadReg(0, d.rm, size);
    else { this.genAddr(); this.ld(size); }
  }
  /** The r/m operand = T0 (a memory operand's address must still be in A0). */
  storeRm(size: number): void {
    const d = this.insn;
    if (d.mod === 3) this.storeReg(d.rm, size);
    else this.st(size);
  }

  /** Where the block's op_exit_if_code_stored ops have their block-end parameter. */
  private codeStoreEnds: number[] = [];

  /**
   * After the instruction whose ops start at word `start`: x86 code may be changed by any
   * store, with no flush, so an instruction that may store is followed by a check that leaves
   * the block if it stored into the rest of the block (the block's first storing instruction
   * is preceded by clearing the record: the ops are shifted by one word). Every check's range
   * ends where the block now ends.
   */
  checkCodeStores(start: number): void {
    const ob = this.ob;
    if (this.mayStoreSince(start)) {
      if (this.codeStoreEnds.length === 0 && !this.codeStoreCleared) {
        G.gen_op_clear_code_store(ob);
        const w = ob.words, n = ob.length;
        // Move the clear to the instruction's start; IF_T0 parameters (word indexes) move with it.
        w.copyWithin(start + 1, start, n - 1);
        w[start] = OPC.clear_code_store;
        for (let i = start + 1; i < n;) {
          const opc = w[i];
          if (opc === IF_T0) { w[i + 1] += 1; i += 2; } else if (opc === ENDIF) i += 1; else i += 1 + OPS[opc].params;
        }
        this.codeStoreCleared = true;
      }
      if (!this.ended) {
        G.gen_op_exit_if_code_stored(ob, this.nextPc | 0, this.retiredAfter, 0);
        this.codeStoreEnds.push(ob.length - 1);
      }
    }
    for (const at of this.codeStoreEnds) ob.words[at] = this.nextPc | 0;
  }
  private codeStoreCleared = false;

  /** Whether an op emitted from word `start` of the block's ops on may write guest memory (a store, or a helper). */
  mayStoreSince(start: number): boolean {
    const w = this.ob.words, end = this.ob.length;
    for (let i = start; i < end;) {
      const opc = w[i];
      if (opc === IF_T0) { i += 2; continue; }
      if (opc === ENDIF) { i += 1; continue; }
      const op = OPS[opc];
      if (op.writesMemory) return true;
      i += 1 + op.params;
    }
    return false;
  }

  // --- the stack -----------------------------------------------------------------------------
  /** push T0 (`size` 2 or 4). */
  push(size: number): void {
    this.addrReg(4);
    G.gen_op_addl_A0_im(this.ob, -size);
    this.st(size);
    this.storeRegA0(4);
  }
  /** T0 = the value at the top of the stack (pop without moving ESP: see popDone). */
  popLoad(size: number): void {
    this.addrReg(4);
    this.ld(size);
  }
  /** ESP += size (after popLoad). */
  popDone(size: number): void {
    this.addrReg(4);
    G.gen_op_addl_A0_im(this.ob, size);
    this.storeRegA0(4);
  }

  // --- flags ---------------------------------------------------------------------------------
  /** Record a flag-setting instruction: `kind` and the operands per state.ts (T0, T1, T2). */
  setCc(kind: number, size: number, operands: 1 | 2 | 3): void {
    const op = ccOp(kind, sizeIndex(size));
    if (operands === 1) G.gen_op_update1_cc(this.ob, op);
    else if (operands === 2) G.gen_op_update2_cc(this.ob, op);
    else G.gen_op_update3_cc(this.ob, op);
    this.ccOp = op;
  }
  /** The flags were changed in a way the block cannot know statically. */
  ccUnknown(): void { this.ccOp = -1; }
  /** T2 = CF (adc, sbb, inc, dec): inline where the block knows the last flag-setting instruction. */
  genComputeCf(): void {
    const cc = this.ccOp, kind = cc >> 2, ob = this.ob;
    if (cc >= 0 && (cc & 3) === 2 && kind >= CC_KIND_ADD && kind <= CC_KIND_SBB) ob.emit0(COMPUTE_CF_L[kind]);
    else if (cc >= 0 && kind === CC_KIND_LOGIC) G.gen_op_movl_T2_0(ob);
    else if (cc >= 0 && (kind === CC_KIND_INC || kind === CC_KIND_DEC)) G.gen_op_compute_cf_inc_T2(ob);
    else G.gen_op_compute_cf_T2(ob);
  }
  /**
   * T0 = condition `cond` (0..15) of jcc/setcc/cmovcc, inline where the block knows the last
   * flag-setting instruction (T2 may be clobbered).
   */
  genCond(cond: number): void {
    const cc = this.ccOp, ob = this.ob, kind = cc >> 2, size = cc & 3;
    const noParity = (cond >> 1) !== 5;
    if (cc >= 0 && size <= 2 && noParity) {
      const shift = 32 - (8 << size);
      if (kind === CC_KIND_SUB) { ob.emit1(TEST_SUB[cond], shift); return; }
      if (kind === CC_KIND_LOGIC) { ob.emit1(TEST_LOGIC[cond], shift); return; }
    }
    // jb/jae after the 32-bit add/adc/sub/sbb of a 64-bit compare or sum: the carry alone.
    if (cc >= 0 && size === 2 && kind >= CC_KIND_ADD && kind <= CC_KIND_SBB && (cond >> 1) === 1) {
      ob.emit0(COMPUTE_CF_L[kind]);
      G.gen_op_test_cf_T2(ob, cond & 1);
      return;
    }
    if (cc === ccOp(CC_KIND_SBB, 2) && (cond >> 1) === 6) { G.gen_op_test_sbbl_lt(ob, cond & 1); return; }
    G.gen_op_compute_eflags_T0(ob);
    ob.emit0(TEST_EFLAGS[cond]);
  }

  // --- leaving the block ---------------------------------------------------------------------
  jumpImm(target: number): void {
    G.gen_op_jmp_im(this.ob, target | 0, this.retiredAfter);
    this.ended = true;
    this.addSuccessor(target >>> 0);
  }
  jumpT0(): void { G.gen_op_jmp_T0(this.ob, this.retiredAfter); this.ended = true; }
  /** Branch to `target` if T0 is non-zero, else fall through. */
  branchT0(target: number): void {
    G.gen_op_brcond_T0(this.ob, target | 0, this.nextPc | 0, this.retiredAfter);
    this.ended = true;
    this.addSuccessor(target >>> 0);
    this.addSuccessor(this.nextPc);
  }
  /** Raise `excp` at this instruction (a fault), or after it (`after`: int $0x80, int3). */
  raise(excp: number, after: boolean): void {
    G.gen_op_raise_exception(this.ob, excp, (after ? this.nextPc : this.pc) | 0, after ? this.retiredAfter : this.retired);
    this.ended = true;
  }
  undefinedInsn(): void { this.raise(EXCP_UD, false); }
  /** End the block after this instruction (its effects change what later code translates to). */
  endAfter(): void { this.jumpImm(this.nextPc); }
}
