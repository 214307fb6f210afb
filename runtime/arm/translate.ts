/**
 * The ARM front-end (QEMU's target/arm/translate.c in spirit): decodes guest instructions
 * until a translation block ends and emits the micro-op stream through the generated
 * gen_op_* emitters. This file holds the translation context shared by ARM and Thumb state
 * (register access, exits, memory ops) and the gen_* building blocks both use.
 */
import { OpBuffer } from '../op-buffer.js';
import { OPC, OPS } from '../generated/arm/ops.js';
import * as G from '../generated/arm/ops.js';
import { structuralOpcodes } from '../op-table.js';
import { EXCP_UDEF, TB_FLAG_ALIGN, TB_FLAG_MMU, TB_FLAG_USER } from '../../ops/arm/state.js';
import { CodeReader, DisasContextBase } from '../translator.js';

/** The block key's flags word of ARM: bit 0 is the Thumb state (env[THUMB]). */
export const TB_FLAG_THUMB = 1;

type Temp = 0 | 1 | 2 | 3;
const regOps = (pattern: string): number[] =>
  Array.from({ length: 16 }, (_, r) => (OPC as Record<string, number>)[pattern.replace('$', String(r))]);
const MOVL_T_R = [regOps('movl_T0_r$'), regOps('movl_T1_r$'), regOps('movl_T2_r$'), regOps('movl_T3_r$')];
const MOVL_T_IM = [OPC.movl_T0_im, OPC.movl_T1_im, OPC.movl_T2_im, OPC.movl_T3_im];
const MOVL_R_T0 = regOps('movl_r$_T0');
const MOVL_R_T1 = regOps('movl_r$_T1');
const { IF_T0, ENDIF } = structuralOpcodes(OPS.length);
const TEST_COND = Array.from({ length: 14 }, (_, c) => (OPC as Record<string, number>)[`test_cond${c}`]);

/** Translation state of one ARM or Thumb block (QEMU's DisasContext). */
export class DisasContext extends DisasContextBase {
  readonly thumb: boolean;
  /** The encoding of the last instruction translated. */
  lastInsn = 0;

  constructor(ob: OpBuffer, pc: number, flags: number, code: CodeReader) {
    super(ob, pc, flags, code);
    this.thumb = (flags & TB_FLAG_THUMB) !== 0;
  }

  /** A context outside any block, with no guest code to read (decoder tests). */
  static detached(thumb: boolean): DisasContext {
    return new DisasContext(new OpBuffer(), 0, thumb ? TB_FLAG_THUMB : 0, new CodeReader(() => undefined, new DataView(new ArrayBuffer(0))));
  }

  /** A successor in ARM or Thumb state. */
  addSuccessorIn(pc: number, thumb: boolean): void { this.addSuccessor(pc, (this.flags & ~TB_FLAG_THUMB) | (thumb ? TB_FLAG_THUMB : 0)); }

  /**
   * With the MMU on, a block may go on directly (in its region, without a lookup) only to
   * blocks on its own virtual page, as QEMU chains: another page may map elsewhere tomorrow.
   */
  override addSuccessor(pc: number, flags = this.flags): void {
    if ((this.flags & TB_FLAG_MMU) && (pc >>> 12) !== (this.pcFirst >>> 12)) return;
    super.addSuccessor(pc, flags);
  }

  /** Set for LDRT/STRT and friends: the access checks user permissions from any mode. */
  userAccess = false;

  /** The value an instruction reads for r15: its address + 8 (ARM) or + 4 (Thumb). */
  get pcValue(): number { return (this.pc + (this.thumb ? 4 : 8)) | 0; }

  // --- register access ---------------------------------------------------------------------
  loadReg(t: Temp, r: number, pcValue = this.pcValue): void {
    if (r === 15) this.ob.emit1(MOVL_T_IM[t], pcValue);
    else this.ob.emit0(MOVL_T_R[t][r]);
  }
  loadImm(t: Temp, v: number): void { this.ob.emit1(MOVL_T_IM[t], v | 0); }
  /** r = T0; writing r15 is a jump in the current state (no interworking) and ends the block. */
  storeReg(r: number): void {
    if (r === 15) this.jumpT0();
    else this.ob.emit0(MOVL_R_T0[r]);
  }
  storeRegT1(r: number): void {
    if (r === 15) { G.gen_op_mov_T0_T1(this.ob); this.jumpT0(); }
    else this.ob.emit0(MOVL_R_T1[r]);
  }
  /** r = T0 for loads into a register: a load into pc interworks on ARMv5T (LDR, LDM, POP). */
  storeRegFromLoad(r: number): void {
    if (r === 15) this.bxT0();
    else this.ob.emit0(MOVL_R_T0[r]);
  }

  // --- leaving the block -------------------------------------------------------------------
  /** Retired count when the current instruction completes. */
  get retiredAfter(): number { return this.retired + 1; }
  jumpT0(): void { G.gen_op_jmp_T0(this.ob, this.retiredAfter); this.ended = true; }
  /** Return from an exception to T0: CPSR = SPSR, then jump (MOVS pc, LDM ^ with pc). */
  exceptionReturnT0(): void {
    G.gen_op_exception_return_T1(this.ob);
    G.gen_op_jmp_T0_mask_T1(this.ob, this.retiredAfter);
    this.ended = true;
  }
  bxT0(): void { G.gen_op_bx_T0(this.ob, this.retiredAfter); this.ended = true; }
  jumpImm(target: number, thumb = this.thumb): void {
    if (thumb !== this.thumb) {
      this.loadImm(0, target | (thumb ? 1 : 0));
      this.bxT0();
    } else {
      G.gen_op_jmp_im(this.ob, target | 0, this.retiredAfter);
      this.ended = true;
    }
    this.addSuccessorIn(target, thumb);
  }
  /** Branch to `target` if condition `cond` holds, else fall through. */
  branchCond(cond: number, target: number): void {
    this.ob.emit0(TEST_COND[cond]);
    G.gen_op_brcond_T0(this.ob, target | 0, this.nextPc | 0, this.retiredAfter);
    this.ended = true;
    this.addSuccessor(target);
    this.addSuccessor(this.nextPc);
  }
  /** Word index of the open conditional region's IF_T0, or -1. */
  private condAt = -1;
  /**
   * Run the current instruction's ops only if condition `cond` holds: a conditional region
   * inside the block (closed by endConditional), so a failed condition does not end the block.
   */
  beginConditional(cond: number): void {
    this.ob.emit0(TEST_COND[cond]);
    this.condAt = this.ob.length;
    this.ob.emit1(IF_T0, 0);
  }
  /** Close the region; if the instruction left the block inside it, the not-taken path goes on at the next instruction. */
  endConditional(): void {
    if (this.condAt < 0) return;
    this.ob.emit0(ENDIF);
    this.ob.words[this.condAt + 1] = this.ob.length;
    this.condAt = -1;
    if (this.ended) {
      G.gen_op_jmp_im(this.ob, this.nextPc | 0, this.retiredAfter);
      this.addSuccessor(this.nextPc);
    }
  }
  /** End the block after the current instruction, continuing at the next one. */
  endAfter(): void {
    G.gen_op_jmp_im(this.ob, this.nextPc | 0, this.retiredAfter);
    this.ended = true;
  }
  /** Raise an exception at this instruction; `retiredToo` counts it as executed (SWI). */
  raise(excp: number, pc: number, retiredToo: boolean): void {
    G.gen_op_raise_exception(this.ob, excp, pc | 0, retiredToo ? this.retiredAfter : this.retired);
    this.ended = true;
  }
  undefined(): void { this.raise(EXCP_UDEF, this.pc, false); }

  // --- memory ------------------------------------------------------------------------------
  /**
   * A load or store op of ops/arm/memory.ts: T0 = [T1] or [T1] = T0 (`opc` is the MEM entry,
   * the privileged MMU index's op): in the MMU index of the mode (user for LDRT/STRT), after an
   * alignment check when SCTLR.A is set.
   */
  mem(opc: number): void {
    if (this.flags & TB_FLAG_ALIGN) {
      const mask = MEM_ALIGN.get(opc) ?? 0;
      if (mask) G.gen_op_check_align_T1(this.ob, mask, this.pc | 0, this.retired);
    }
    const user = this.userAccess || (this.flags & TB_FLAG_USER) !== 0;
    this.ob.emit2(user ? MEM_USER.get(opc)! : opc, this.pc | 0, this.retired);
  }
}

/** Load/store ops by size: index [byte, signed byte, halfword, signed halfword, word]. */
export const MEM = {
  ldub: OPC.ldub_T0_T1_mmu0, ldsb: OPC.ldsb_T0_T1_mmu0, lduw: OPC.lduw_T0_T1_mmu0, ldsw: OPC.ldsw_T0_T1_mmu0,
  ldl: OPC.ldl_T0_T1_mmu0, ldl_aligned: OPC.ldl_aligned_T0_T1_mmu0,
  stb: OPC.stb_T0_T1_mmu0, stw: OPC.stw_T0_T1_mmu0, stl: OPC.stl_T0_T1_mmu0,
} as const;
/** The user MMU index's op of each MEM op. */
const MEM_USER = new Map<number, number>(Object.values(MEM).map((opc) => [opc, (OPC as Record<string, number>)[OPS[opc].name.replace(/0$/, "1")]]));
/** The address bits an alignment fault checks, by MEM op (bytes: none). */
const MEM_ALIGN = new Map<number, number>([
  [MEM.lduw, 1], [MEM.ldsw, 1], [MEM.stw, 1], [MEM.ldl, 3], [MEM.ldl_aligned, 3], [MEM.stl, 3],
]);

// --- shared building blocks (gen_*) ------------------------------------------------------------

export const SHIFT_LSL = 0, SHIFT_LSR = 1, SHIFT_ASR = 2, SHIFT_ROR = 3;

/**
 * T1 = T1 shifted by a constant, as encoded in an instruction (amount 0 means LSR/ASR #32 and
 * RRX for ROR). `setCarry` updates C with the shifter carry-out.
 */
export function genShiftImm(ctx: DisasContext, type: number, amount: number, setCarry: boolean): void {
  const ob = ctx.ob;
  switch (type) {
    case SHIFT_LSL:
      if (amount === 0) return;
      if (setCarry) G.gen_op_shl_T1_im_cc(ob, amount); else G.gen_op_shl_T1_im(ob, amount);
      return;
    case SHIFT_LSR:
      if (setCarry) G.gen_op_shr_T1_im_cc(ob, amount === 0 ? 32 : amount);
      else if (amount === 0) ctx.loadImm(1, 0);
      else G.gen_op_shr_T1_im(ob, amount);
      return;
    case SHIFT_ASR:
      if (setCarry) G.gen_op_sar_T1_im_cc(ob, amount === 0 ? 32 : amount);
      else G.gen_op_sar_T1_im(ob, amount === 0 ? 31 : amount);
      return;
    default:
      if (amount === 0) { if (setCarry) G.gen_op_rrx_T1_cc(ob); else G.gen_op_rrx_T1(ob); }
      else if (setCarry) G.gen_op_ror_T1_im_cc(ob, amount);
      else G.gen_op_ror_T1_im(ob, amount);
  }
}

/** T1 = T1 shifted by the low byte of T2 (ARM's register-specified shifts). */
export function genShiftReg(ctx: DisasContext, type: number, setCarry: boolean): void {
  const ob = ctx.ob;
  switch (type) {
    case SHIFT_LSL: if (setCarry) G.gen_op_shl_T1_T2_cc(ob); else G.gen_op_shl_T1_T2(ob); return;
    case SHIFT_LSR: if (setCarry) G.gen_op_shr_T1_T2_cc(ob); else G.gen_op_shr_T1_T2(ob); return;
    case SHIFT_ASR: if (setCarry) G.gen_op_sar_T1_T2_cc(ob); else G.gen_op_sar_T1_T2(ob); return;
    default: if (setCarry) G.gen_op_ror_T1_T2_cc(ob); else G.gen_op_ror_T1_T2(ob);
  }
}

export const DP_AND = 0, DP_EOR = 1, DP_SUB = 2, DP_RSB = 3, DP_ADD = 4, DP_ADC = 5, DP_SBC = 6, DP_RSC = 7;
export const DP_TST = 8, DP_TEQ = 9, DP_CMP = 10, DP_CMN = 11, DP_ORR = 12, DP_MOV = 13, DP_BIC = 14, DP_MVN = 15;
/** Opcodes whose flags come from the result and the shifter (logical), not from the adder. */
export function isLogicalOp(op: number): boolean {
  return op <= DP_EOR || op === DP_TST || op === DP_TEQ || op >= DP_ORR;
}

/**
 * T0 = T0 <op> T1 for the sixteen data-processing opcodes (T0 is not read by MOV and MVN),
 * setting N, Z (and C, V for arithmetic) when `setFlags`. Returns false for compares, whose
 * result is not written back.
 */
export function genDataProc(ctx: DisasContext, op: number, setFlags: boolean): boolean {
  const ob = ctx.ob;
  switch (op) {
    case DP_AND: case DP_TST: G.gen_op_and_T0_T1(ob); break;
    case DP_EOR: case DP_TEQ: G.gen_op_eor_T0_T1(ob); break;
    case DP_SUB: case DP_CMP: if (setFlags) G.gen_op_sub_T0_T1_cc(ob); else G.gen_op_sub_T0_T1(ob); break;
    case DP_RSB: if (setFlags) { G.gen_op_swap_T0_T1(ob); G.gen_op_sub_T0_T1_cc(ob); } else G.gen_op_rsb_T0_T1(ob); break;
    case DP_ADD: case DP_CMN: if (setFlags) G.gen_op_add_T0_T1_cc(ob); else G.gen_op_add_T0_T1(ob); break;
    case DP_ADC: if (setFlags) G.gen_op_adc_T0_T1_cc(ob); else G.gen_op_adc_T0_T1(ob); break;
    case DP_SBC: if (setFlags) G.gen_op_sbc_T0_T1_cc(ob); else G.gen_op_sbc_T0_T1(ob); break;
    case DP_RSC: G.gen_op_swap_T0_T1(ob); if (setFlags) G.gen_op_sbc_T0_T1_cc(ob); else G.gen_op_sbc_T0_T1(ob); break;
    case DP_ORR: G.gen_op_orr_T0_T1(ob); break;
    case DP_MOV: G.gen_op_mov_T0_T1(ob); break;
    case DP_BIC: G.gen_op_bic_T0_T1(ob); break;
    default: G.gen_op_not_T1(ob); G.gen_op_mov_T0_T1(ob); break;
  }
  if (setFlags && isLogicalOp(op)) G.gen_op_logic_T0_cc(ob);
  return op < DP_TST || op > DP_CMN;
}

/**
 * Load/store addressing (ARM ARM A5.2/A5.3): with the offset already in T1 (or `imm`), leaves
 * the access address in T1 and the written-back base in T2.
 */
export function genAddress(ctx: DisasContext, rn: number, up: boolean, pre: boolean, offsetInT1: boolean, imm = 0): void {
  const ob = ctx.ob;
  ctx.loadReg(0, rn, rn === 15 ? (ctx.pcValue & ~3) : ctx.pcValue);
  if (offsetInT1) { if (up) G.gen_op_add_T0_T1(ob); else G.gen_op_sub_T0_T1(ob); }
  else if (imm !== 0) G.gen_op_add_T0_im(ob, up ? imm : -imm);
  G.gen_op_mov_T2_T0(ob);
  if (pre) G.gen_op_mov_T1_T0(ob);
  else ctx.loadReg(1, rn);
}

/** Write the base back from T2 (after the access, so a fault leaves it unchanged). */
export function genWriteback(ctx: DisasContext, rn: number): void {
  if (rn === 15) return; // unpredictable; ignored as QEMU does for the pc
  G.gen_op_mov_T0_T2(ctx.ob);
  ctx.ob.emit0(MOVL_R_T0[rn]);
}

/** Translate a single load into rd or store from rd with the address in T1 and base in T2. */
export function genLoadStore(ctx: DisasContext, load: boolean, rd: number, opc: number, writeback: boolean, rn: number): void {
  if (load) {
    ctx.mem(opc);
    if (writeback) { G.gen_op_mov_T3_T0(ctx.ob); genWriteback(ctx, rn); G.gen_op_mov_T0_T3(ctx.ob); }
    ctx.storeRegFromLoad(rd);
  } else {
    // A stored pc reads as the instruction's address + 12 on ARM7/9 cores but +8 in QEMU and on
    // the ARM926 we model: +8 (ARM), +4 (Thumb).
    ctx.loadReg(0, rd);
    ctx.mem(opc);
    if (writeback) genWriteback(ctx, rn);
  }
}

/**
 * LDM/STM (and PUSH/POP): `mode` bits P (before) and U (up); `user` is the ^ form. The address
 * walks in T1; the written-back base is computed first into T2 (the base may be in the list).
 */
export function genBlockTransfer(ctx: DisasContext, load: boolean, rn: number, regs: number, pre: boolean, up: boolean,
  writeback: boolean, user: boolean): void {
  const ob = ctx.ob;
  const n = popcount(regs);
  const start = up ? (pre ? 4 : 0) : (pre ? -4 * n : -4 * n + 4);
  ctx.loadReg(0, rn);
  G.gen_op_mov_T2_T0(ob);
  if (start !== 0) G.gen_op_add_T0_im(ob, start);
  G.gen_op_mov_T1_T0(ob);
  if (writeback && !(load && (regs & (1 << rn)))) {
    G.gen_op_mov_T0_T2(ob);
    G.gen_op_add_T0_im(ob, up ? 4 * n : -4 * n);
    G.gen_op_mov_T2_T0(ob);
  }
  const loadsPc = load && (regs & 0x8000) !== 0;
  const userBank = user && !loadsPc;
  let first = true;
  for (let r = 0; r < 16; r++) {
    if (!(regs & (1 << r))) continue;
    if (!first) G.gen_op_add_T1_im(ob, 4);
    first = false;
    if (load) {
      ctx.mem(MEM.ldl_aligned);
      if (r === 15) { G.gen_op_mov_T3_T0(ob); continue; }
      if (userBank) G.gen_op_movl_user_reg_T0(ob, r);
      // The base is written last: an abort on a later word must leave it as it was (ARM ARM
      // A2.6.5). T2 is free then, since a loaded base suppresses the writeback.
      else if (r === rn) G.gen_op_mov_T2_T0(ob);
      else ctx.ob.emit0(MOVL_R_T0[r]);
    } else {
      if (userBank && r >= 8 && r !== 15) G.gen_op_movl_T0_user_reg(ob, r);
      else ctx.loadReg(0, r);
      ctx.mem(MEM.stl);
    }
  }
  // A base loaded by LDM keeps the loaded value (as QEMU does; unpredictable in the ARM ARM).
  const loadsBase = load && !userBank && (regs & (1 << rn)) !== 0 && rn !== 15;
  if (loadsBase) { G.gen_op_mov_T0_T2(ob); ctx.ob.emit0(MOVL_R_T0[rn]); }
  else if (writeback && !(load && (regs & (1 << rn)))) genWriteback(ctx, rn);
  if (loadsPc) {
    G.gen_op_mov_T0_T3(ob);
    if (user) { ctx.exceptionReturnT0(); }
    else ctx.bxT0();
  }
}

export function popcount(x: number): number {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}

/** Translate one block starting at `pc` in the given state; stops at the limits above. */
export interface BlockTranslation {
  ob: OpBuffer;
  ctx: DisasContext;
  /** Guest bytes covered: [start, end). */
  start: number;
  end: number;
}
