/**
 * i386 instruction tables: the one-byte and two-byte (0x0f) opcode maps as declarative
 * entries in the manner of runtime/decoder.ts, each holding what follows its opcode (ModRM,
 * immediate, operand size), its translator and its disassembler (AT&T syntax as GNU objdump
 * prints it) side by side. An entry's 16-bit pattern is the opcode byte and the ModRM byte
 * after it (`--------` when it has none; group opcodes select by ModRM's reg field). Field
 * letters: o ALU operation, d direction, w width, r register, c condition, g group member.
 */
import { Decoder, type Pattern } from '../decoder.js';
import * as G from '../generated/i386/ops.js';
import { OPC } from '../generated/i386/ops.js';
import {
  CC_KIND_ADC, CC_KIND_ADD, CC_KIND_DEC, CC_KIND_INC, CC_KIND_LOGIC, CC_KIND_MUL, CC_KIND_SAR, CC_KIND_SBB, CC_KIND_SHL, CC_KIND_SUB,
  EAX, EBP, EBX, ECX, EDI, EDX, ESI, ESP, EXCP_BP, EXCP_DE, EXCP_GP, EXCP_SYSCALL, EXCP_UD, SEG_CS, ccOp,
} from '../../ops/i386/state.js';
import { BCD_AAD, BCD_AAM, DESC_LAR, DESC_LSL, DESC_VERR, DESC_VERW } from '../../ops/i386/helpers.js';
import { ROT_RCL, ROT_RCR, ROT_ROL, ROT_ROR } from '../../ops/i386/helpers.js';
import { X87, x87Reg } from '../../ops/i386/fpu.js';
import { ENDIF, I386Ctx, IF_T0, sizeIndex } from './translate.js';
import {
  FetchFault, InsnReader, InvalidInsn, emptyInsn, parseImm, parseModrm, type ByteReader, type ImmKind, type Insn, type OperandSpec,
} from './insn.js';

/** A table entry: a decoder pattern with what follows the opcode. */
export interface X86Pattern extends Pattern<I386Ctx>, OperandSpec {
  /** A condition on the parsed instruction (ModRM included): false makes the encoding invalid (#UD). */
  valid?: (d: Insn) => boolean;
  /** The immediate when it depends on the opcode within the entry. */
  immFor?: (d: Insn) => ImmKind | undefined;
}

type Trans = (ctx: I386Ctx, d: Insn) => boolean | void;
type Disas = (d: Insn) => string;

// --- disassembly text --------------------------------------------------------------------------
const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const R8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];
const SEGS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];
export const CC_NAMES = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
const ALU_NAMES = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
const SHIFT_NAMES = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'shl', 'sar'];
const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;
const shex = (v: number): string => (v < 0 ? `-0x${(-v).toString(16)}` : hex(v));
const reg = (r: number, size: number): string => `%${size === 1 ? R8[r] : size === 2 ? R16[r] : R32[r]}`;
const suffix = (size: number): string => (size === 1 ? 'b' : size === 2 ? 'w' : 'l');
const mask = (v: number, size: number): number => (size === 4 ? v >>> 0 : v & ((1 << (8 * size)) - 1));
const imm = (v: number, size: number): string => `$${hex(mask(v, size))}`;

/** The memory operand as objdump prints it: `%gs:-0x4(%ebp,%esi,4)`, or with 16-bit addressing `-0x4(%bp,%si)`. */
function mem(d: Insn): string {
  const seg = d.seg >= 0 ? `%${SEGS[d.seg]}:` : '';
  if (d.base < 0 && d.index < 0) return `${seg}${hex(d.disp)}`;
  if (d.adsize) return `${seg}${d.mod !== 0 ? shex(d.disp) : ''}(%${R16[d.base]}${d.index >= 0 ? `,%${R16[d.index]}` : ''})`;
  const dispText = d.mod !== 0 || d.base < 0 ? shex(d.disp) : '';
  const index = d.index >= 0 ? `,%${R32[d.index]},${1 << d.scale}` : d.sib && (d.base !== ESP || d.scale !== 0) ? `,%eiz,${1 << d.scale}` : '';
  return `${seg}${dispText}(${d.base >= 0 ? `%${R32[d.base]}` : ''}${index})`;
}
const rm = (d: Insn, size = d.size): string => (d.mod === 3 ? reg(d.rm, size) : mem(d));
/** The size suffix objdump adds when no register operand tells the size. */
const sfx = (d: Insn, size = d.size): string => (d.mod === 3 ? '' : suffix(size));
function fmt(mnem: string, ...ops: string[]): string { return ops.length ? `${mnem.padEnd(6)} ${ops.join(',')}` : mnem; }
const lockText = (d: Insn): string => (d.lock ? 'lock ' : '');

// --- translation building blocks -----------------------------------------------------------------
/**
 * T0 = T0 <op> T1 for the eight ALU operations (add or adc sbb and sub xor cmp); the result
 * goes to its destination (`store`, not for cmp) before the flags are recorded, so that a store
 * that faults leaves the flags as they were.
 */
function genAluTo(ctx: I386Ctx, op: number, size: number, store: () => void): void {
  const ob = ctx.ob;
  const kind = [CC_KIND_ADD, CC_KIND_LOGIC, CC_KIND_ADC, CC_KIND_SBB, CC_KIND_LOGIC, CC_KIND_SUB, CC_KIND_LOGIC, CC_KIND_SUB][op];
  switch (op) {
    case 0: G.gen_op_add_T0_T1(ob); break;
    case 1: G.gen_op_orr_T0_T1(ob); break;
    case 2: ctx.genComputeCf(); G.gen_op_adc_T0_T1_T2(ob); break;
    case 3: ctx.genComputeCf(); G.gen_op_sbb_T0_T1_T2(ob); break;
    case 4: G.gen_op_and_T0_T1(ob); break;
    case 5: case 7: G.gen_op_sub_T0_T1(ob); break;
    default: G.gen_op_eor_T0_T1(ob); break;
  }
  if (op !== 7) store();
  ctx.setCc(kind, size, op === 2 || op === 3 ? 3 : kind === CC_KIND_LOGIC ? 1 : 2);
}

/** The string instructions' pointer step: register `r` += DF × size (its low 16 bits only with the 0x67 prefix; T0 is lost then). */
function stepReg(ctx: I386Ctx, r: number, size: number): void {
  G.gen_op_movl_T2_df_shifted(ctx.ob, size === 1 ? 0 : size === 2 ? 1 : 2);
  ctx.addrReg(r);
  G.gen_op_add_T3_T2(ctx.ob);
  if (ctx.insn.adsize) { G.gen_op_mov_T0_A0(ctx.ob); ctx.storeReg(r, 2); } else ctx.storeRegA0(r);
}

/** A string instruction, with a rep prefix as a loop of blocks (each iteration jumps back to the instruction). */
function genString(ctx: I386Ctx, d: Insn, body: () => void, testsZf: boolean): void {
  const rep = d.rep !== 0;
  // The count is ECX, or CX with the 0x67 prefix.
  if (rep) { if (d.adsize) G.gen_op_exit_if_cx_zero(ctx.ob, ctx.nextPc | 0, ctx.retiredAfter); else G.gen_op_exit_if_ecx_zero(ctx.ob, ctx.nextPc | 0, ctx.retiredAfter); }
  body();
  if (!rep) return;
  if (d.adsize) G.gen_op_dec_cx(ctx.ob); else G.gen_op_dec_ecx(ctx.ob);
  if (testsZf) {
    // repz ends when ZF is clear, repnz when it is set.
    ctx.genCond(d.rep === 0xf3 ? 5 : 4);
    G.gen_op_exit_if_T0(ctx.ob, ctx.nextPc | 0, ctx.retiredAfter);
  }
  ctx.jumpImm(ctx.pc);
}
const segText = (d: Insn): string => `%${SEGS[d.seg >= 0 ? d.seg : 3]}:(%${d.adsize ? 'si' : 'esi'})`;
const diText = (d: Insn): string => `%es:(%${d.adsize ? 'di' : 'edi'})`;
const repText = (d: Insn, zf: boolean): string => (d.rep === 0 ? '' : zf ? (d.rep === 0xf3 ? 'repz ' : 'repnz ') : d.rep === 0xf3 ? 'rep ' : 'repnz ');

/** mul/imul/div/idiv (group 3, reg 4..7) of the operand in T0. */
function genMulDiv(ctx: I386Ctx, d: Insn, kind: number): void {
  const ob = ctx.ob, size = d.size;
  if (kind >= 6) {
    G.gen_op_div_T0(ob, (sizeIndex(size) << 1) | (kind === 7 ? 1 : 0), ctx.pc | 0, ctx.retired);
    return;
  }
  const signed = kind === 5;
  G.gen_op_mov_T1_T0(ob);
  ctx.loadReg(0, EAX, size);
  if (size === 1) {
    if (signed) { G.gen_op_sxtb_T0(ob); G.gen_op_sxtb_T1(ob); }
    G.gen_op_mul_T0_T1(ob);
    ctx.storeReg(EAX, 2);
    if (signed) G.gen_op_imul_ovf_b_T1(ob);
    else { G.gen_op_mov_T1_T0(ob); G.gen_op_shr_T1_im(ob, 8); }
  } else if (size === 2) {
    if (signed) { G.gen_op_sxth_T0(ob); G.gen_op_sxth_T1(ob); }
    G.gen_op_mul_T0_T1(ob);
    G.gen_op_mov_T1_T0(ob);
    G.gen_op_shr_T0_im(ob, 16);
    ctx.storeReg(EDX, 2);
    G.gen_op_swap_T0_T1(ob);
    ctx.storeReg(EAX, 2);
    if (signed) G.gen_op_imul_ovf_w_T1(ob);
  } else {
    if (signed) G.gen_op_muls64_T0_T1(ob); else G.gen_op_mulu64_T0_T1(ob);
    ctx.storeReg(EAX, 4);
    ctx.storeRegT1(EDX);
    if (signed) G.gen_op_imul_ovf_l_T1(ob);
  }
  ctx.setCc(CC_KIND_MUL, size, 2);
}

/** Shifts and rotates (group 2) of the r/m operand by the count in T1 (`count` when constant). */
function genShift(ctx: I386Ctx, d: Insn, loadCount: () => void, count: number | undefined): void {
  const ob = ctx.ob, size = d.size, kind = d.reg;
  ctx.loadRm(size);
  if (kind === 7) { if (size === 1) G.gen_op_sxtb_T0(ob); else if (size === 2) G.gen_op_sxth_T0(ob); }
  loadCount();
  if (kind < 4) {
    G.gen_op_rotate_T0_T1(ob, ([ROT_ROL, ROT_ROR, ROT_RCL, ROT_RCR][kind] << 2) | sizeIndex(size));
    ctx.storeRm(size);
    ctx.ccUnknown();
    return;
  }
  const cc = ccOp(kind === 4 || kind === 6 ? CC_KIND_SHL : CC_KIND_SAR, sizeIndex(size));
  if (kind === 4 || kind === 6) G.gen_op_shl_T0_T1_cc(ob, cc);
  else if (kind === 5) G.gen_op_shr_T0_T1_cc(ob, cc);
  else G.gen_op_sar_T0_T1_cc(ob, cc);
  ctx.storeRm(size);
  if (count !== undefined && (count & 31) !== 0) ctx.ccOp = cc; else ctx.ccUnknown();
}

/** A conditional region: `body` runs only when T0 is non-zero. */
function ifT0(ctx: I386Ctx, body: () => void): void {
  const at = ctx.ob.length;
  ctx.ob.emit1(IF_T0, 0);
  body();
  ctx.ob.emit0(ENDIF);
  ctx.ob.words[at + 1] = ctx.ob.length;
}

/** bt/bts/btr/btc (`op` 0..3) with the bit offset in T1 (a register: its address adjusted for memory operands). */
function genBt(ctx: I386Ctx, d: Insn, op: number, offsetIsReg: boolean): void {
  const ob = ctx.ob, size = d.size, bits = 8 * size;
  if (d.mod === 3) {
    ctx.loadReg(0, d.rm, size);
  } else {
    // The bit offset's displacement is part of the effective address (wrapping with it at 64 KiB under 0x67), the segment base added after.
    G.gen_op_mov_T2_T1(ob);
    ctx.genEa();
    G.gen_op_mov_T1_T2(ob);
    if (offsetIsReg) {
      if (size === 2) G.gen_op_sxth_T1(ob);
      G.gen_op_bt_addr_A0_T1(ob, size === 2 ? 4 : 5, size === 2 ? 1 : 2);
      if (d.adsize) G.gen_op_andl_A0_ffff(ob);
    }
    ctx.addSeg(ctx.dataSeg());
    ctx.ld(size);
  }
  G.gen_op_and_T1_im(ob, bits - 1);
  G.gen_op_bt_T0_T1(ob, op);
  if (op !== 0) { if (d.mod === 3) ctx.storeReg(d.rm, size); else ctx.st(size); }
  G.gen_op_set_cf_T2(ob);
  ctx.ccUnknown();
}


// --- segments and far transfers ------------------------------------------------------------------
const MOVL_T0_SEG = [0, 1, 2, 3, 4, 5].map((n) => (OPC as Record<string, number>)[`movl_T0_seg${n}`]);
const MOVL_SEG_T0 = [0, 1, 2, 3, 4, 5].map((n) => (OPC as Record<string, number>)[`movl_seg${n}_T0`]);
/** Segment register `seg` = the selector in T0 (a bad one faults at this instruction). */
function loadSeg(ctx: I386Ctx, seg: number): void { ctx.ob.emit2(MOVL_SEG_T0[seg], ctx.pc | 0, ctx.retired); }
/**
 * After loading ds, es or ss the block ends, by a jump that looks the next block up by its key:
 * TB_FLAGS (TBF_ADDSEG) may have changed, and what follows is translated for the new one.
 */
function endAfterSegLoad(ctx: I386Ctx, seg: number): void {
  if (seg > 3) return;
  ctx.loadImm(0, ctx.nextPc);
  ctx.jumpT0();
}

/** The memory operand's far pointer: T2 = its offset (of the operand size), T0 = its selector (the 16 bits after). */
function loadFarPointer(ctx: I386Ctx, d: Insn): void {
  ctx.genAddr();
  ctx.ld(d.size);
  G.gen_op_mov_T2_T0(ctx.ob);
  G.gen_op_addl_A0_im(ctx.ob, d.size);
  ctx.ld(2);
}

function transPopSreg(ctx: I386Ctx, d: Insn): void { ctx.popLoad(d.size); loadSeg(ctx, d.op >> 3); ctx.popDone(d.size); endAfterSegLoad(ctx, d.op >> 3); }
const disasPopSreg = (d: Insn): string => fmt(d.opsize ? 'popw' : 'pop', `%${SEGS[d.op >> 3]}`);

/** les lds lss lfs lgs: segment register `seg` and the ModRM register from the far pointer, the segment first (a bad selector changes nothing). */
function genLoadFar(ctx: I386Ctx, d: Insn, seg: number): void {
  loadFarPointer(ctx, d);
  loadSeg(ctx, seg);
  G.gen_op_mov_T0_T2(ctx.ob);
  ctx.storeReg(d.reg, d.size);
  endAfterSegLoad(ctx, seg);
}

/** A far jump (`call` false) or call to T2:T1 (offset, selector): the selector is checked first, then the return address pushed. */
function genFarTransfer(ctx: I386Ctx, d: Insn, call: boolean): void {
  const ob = ctx.ob;
  G.gen_op_check_cs_T1(ob, 0, ctx.pc | 0, ctx.retired);
  if (call) {
    ob.emit0(MOVL_T0_SEG[SEG_CS]);
    ctx.push(d.size);
    ctx.loadImm(0, ctx.nextPc);
    ctx.push(d.size);
  }
  G.gen_op_load_cs_T1(ob);
  G.gen_op_mov_T0_T2(ob);
  ctx.jumpT0();
}

/** lret (`iret` false) and iret: eip, cs (and eflags) off the stack, the selector checked before anything changes; then ESP += their size and `extra`. */
function genFarReturn(ctx: I386Ctx, d: Insn, iret: boolean, extra: number): void {
  const ob = ctx.ob, size = d.size;
  ctx.addrReg(ESP);
  ctx.ld(size);
  G.gen_op_mov_T2_T0(ob);
  G.gen_op_addl_A0_im(ob, size);
  ctx.ld(size);
  G.gen_op_mov_T1_T0(ob);
  if (iret) { G.gen_op_addl_A0_im(ob, size); ctx.ld(size); }
  G.gen_op_check_cs_T1(ob, 1, ctx.pc | 0, ctx.retired);
  G.gen_op_load_cs_T1(ob);
  if (iret) G.gen_op_write_eflags_T0(ob, POPF_MASK & (size === 2 ? 0xffff : -1));
  ctx.addrReg(ESP);
  G.gen_op_addl_A0_im(ob, (iret ? 3 : 2) * size + extra);
  ctx.storeRegA0(ESP);
  G.gen_op_mov_T0_T2(ob);
  ctx.jumpT0();
}
/** The EFLAGS bits popf and iret change at user level: the arithmetic flags, DF, AC and ID. */
const POPF_MASK = 0x8d5 | 0x400 | 0x240000;

// --- the x87 FPU (d8..df) ------------------------------------------------------------------------
/** Memory forms by opcode (d8..df) and ModRM reg: the helper's operation and objdump's mnemonic. */
const X87_MEM: ([number, string] | undefined)[][] = [
  ['fadds', 'fmuls', 'fcoms', 'fcomps', 'fsubs', 'fsubrs', 'fdivs', 'fdivrs'].map((n, k) => [X87.ARITH_M32 + k, n]),
  [[X87.FLD_M32, 'flds'], undefined, [X87.FST_M32, 'fsts'], [X87.FSTP_M32, 'fstps'], [X87.FLDENV, 'fldenv'], [X87.FLDCW, 'fldcw'], [X87.FNSTENV, 'fnstenv'], [X87.FNSTCW, 'fnstcw']],
  ['fiaddl', 'fimull', 'ficoml', 'ficompl', 'fisubl', 'fisubrl', 'fidivl', 'fidivrl'].map((n, k) => [X87.ARITH_MI32 + k, n]),
  [[X87.FILD_M32, 'fildl'], [X87.FISTTP_M32, 'fisttpl'], [X87.FIST_M32, 'fistl'], [X87.FISTP_M32, 'fistpl'], undefined, [X87.FLD_M80, 'fldt'], undefined, [X87.FSTP_M80, 'fstpt']],
  ['faddl', 'fmull', 'fcoml', 'fcompl', 'fsubl', 'fsubrl', 'fdivl', 'fdivrl'].map((n, k) => [X87.ARITH_M64 + k, n]),
  [[X87.FLD_M64, 'fldl'], [X87.FISTTP_M64, 'fisttpll'], [X87.FST_M64, 'fstl'], [X87.FSTP_M64, 'fstpl'], [X87.FRSTOR, 'frstor'], undefined, [X87.FNSAVE, 'fnsave'], [X87.FNSTSW_M, 'fnstsw']],
  ['fiadds', 'fimuls', 'ficoms', 'ficomps', 'fisubs', 'fisubrs', 'fidivs', 'fidivrs'].map((n, k) => [X87.ARITH_MI16 + k, n]),
  [[X87.FILD_M16, 'filds'], [X87.FISTTP_M16, 'fisttps'], [X87.FIST_M16, 'fists'], [X87.FISTP_M16, 'fistps'], [X87.FBLD, 'fbld'], [X87.FILD_M64, 'fildll'], [X87.FBSTP, 'fbstp'], [X87.FISTP_M64, 'fistpll']],
];
/** d9 e0..ff: the instructions without operands. */
const X87_D9: (number | undefined)[] = [
  X87.FCHS, X87.FABS, undefined, undefined, X87.FTST, X87.FXAM, undefined, undefined,
  X87.FLD1, X87.FLDL2T, X87.FLDL2E, X87.FLDPI, X87.FLDLG2, X87.FLDLN2, X87.FLDZ, undefined,
  X87.F2XM1, X87.FYL2X, X87.FPTAN, X87.FPATAN, X87.FXTRACT, X87.FPREM1, X87.FDECSTP, X87.FINCSTP,
  X87.FPREM, X87.FYL2XP1, X87.FSQRT, X87.FSINCOS, X87.FRNDINT, X87.FSCALE, X87.FSIN, X87.FCOS,
];
const X87_D9_NAMES = ['fchs', 'fabs', '', '', 'ftst', 'fxam', '', '', 'fld1', 'fldl2t', 'fldl2e', 'fldpi', 'fldlg2', 'fldln2', 'fldz', '',
  'f2xm1', 'fyl2x', 'fptan', 'fpatan', 'fxtract', 'fprem1', 'fdecstp', 'fincstp', 'fprem', 'fyl2xp1', 'fsqrt', 'fsincos', 'frndint', 'fscale', 'fsin', 'fcos'];
const ARITH_NAMES = ['fadd', 'fmul', 'fcom', 'fcomp', 'fsub', 'fsubr', 'fdiv', 'fdivr'];
/** fcmov's conditions (da: b e be u, db: nb ne nbe nu) as jcc condition numbers. */
const FCMOV_COND = [[2, 4, 6, 10], [3, 5, 7, 11]];
const FCMOV_NAMES = [['fcmovb', 'fcmove', 'fcmovbe', 'fcmovu'], ['fcmovnb', 'fcmovne', 'fcmovnbe', 'fcmovnu']];

/**
 * The undocumented aliases of register forms (fstp1 fxch4 fxch7 fstp8 fstp9 fcom2 fcomp3 fcomp5),
 * which QEMU executes as the instructions they alias; objdump shows them as (bad).
 */
const UNDOCUMENTED = '(bad)';
/** A register form (mod 3) of d8..df: what it does, as a helper operation or a special kind, and its text. */
interface X87RegForm { op?: number; kind?: 'fcomi' | 'fnstsw' | 'fcmov' | 'nop'; comi?: number; cond?: number; text: string }
function x87RegForm(d: Insn): X87RegForm | undefined {
  const esc = d.op & 7, reg = d.reg, i = d.rm;
  const sti = `%st(${i})`;
  switch (esc) {
    case 0:
      return { op: x87Reg(X87.ARITH_ST0_STI + reg, i), text: reg === 2 || reg === 3 ? fmt(ARITH_NAMES[reg], sti) : fmt(ARITH_NAMES[reg], sti, '%st') };
    case 1:
      if (reg === 0) return { op: x87Reg(X87.FLD_STI, i), text: fmt('fld', sti) };
      if (reg === 1) return { op: x87Reg(X87.FXCH_STI, i), text: fmt('fxch', sti) };
      if (reg === 2) return i === 0 ? { kind: 'nop', text: 'fnop' } : undefined;
      if (reg === 3) return { op: x87Reg(X87.FSTP_STI, i), text: UNDOCUMENTED }; // fstp1
      if (reg >= 4) {
        const k = ((reg - 4) << 3) | i, op = X87_D9[k];
        return op === undefined ? undefined : { op, text: X87_D9_NAMES[k] };
      }
      return undefined;
    case 2:
      if (reg < 4) return { op: x87Reg(X87.FMOV_ST0_STI, i), kind: 'fcmov', cond: FCMOV_COND[0][reg], text: fmt(FCMOV_NAMES[0][reg], sti, '%st') };
      return reg === 5 && i === 1 ? { op: X87.FUCOMPP, text: 'fucompp' } : undefined;
    case 3:
      if (reg < 4) return { op: x87Reg(X87.FMOV_ST0_STI, i), kind: 'fcmov', cond: FCMOV_COND[1][reg], text: fmt(FCMOV_NAMES[1][reg], sti, '%st') };
      if (reg === 4 && (i === 0 || i === 1 || i === 4)) return { kind: 'nop', text: ['fneni(8087 only)', 'fndisi(8087 only)', '', '', 'fnsetpm(287 only)'][i] };
      if (reg === 4 && i === 2) return { op: X87.FNCLEX, text: 'fnclex' };
      if (reg === 4 && i === 3) return { op: X87.FNINIT, text: 'fninit' };
      if (reg === 5 || reg === 6) return { kind: 'fcomi', comi: (i << 3) | (reg === 5 ? 1 : 0), text: fmt(reg === 5 ? 'fucomi' : 'fcomi', sti, '%st') };
      return undefined;
    case 4:
      if (reg === 2 || reg === 3) return { op: x87Reg(reg === 2 ? X87.FCOM_STI : X87.FCOMP_STI, i), text: UNDOCUMENTED }; // fcom2, fcomp3
      return { op: x87Reg(X87.ARITH_STI_ST0 + reg, i), text: fmt(ARITH_NAMES[reg], '%st', sti) };
    case 5:
      if (reg === 0) return { op: x87Reg(X87.FFREE_STI, i), text: fmt('ffree', sti) };
      if (reg === 1) return { op: x87Reg(X87.FXCH_STI, i), text: UNDOCUMENTED }; // fxch4
      if (reg === 2) return { op: x87Reg(X87.FST_STI, i), text: fmt('fst', sti) };
      if (reg === 3) return { op: x87Reg(X87.FSTP_STI, i), text: fmt('fstp', sti) };
      if (reg === 4) return { op: x87Reg(X87.FUCOM_STI, i), text: fmt('fucom', sti) };
      if (reg === 5) return { op: x87Reg(X87.FUCOMP_STI, i), text: fmt('fucomp', sti) };
      return undefined;
    case 6:
      if (reg === 3) return i === 1 ? { op: X87.FCOMPP, text: 'fcompp' } : undefined;
      if (reg === 2) return { op: x87Reg(X87.FCOMP_STI, i), text: UNDOCUMENTED }; // fcomp5
      return { op: x87Reg(X87.ARITH_STI_ST0_POP + reg, i), text: fmt(`${ARITH_NAMES[reg]}p`, '%st', sti) };
    default:
      if (reg === 0) return { op: x87Reg(X87.FFREEP_STI, i), text: fmt('ffreep', sti) };
      if (reg === 1) return { op: x87Reg(X87.FXCH_STI, i), text: UNDOCUMENTED }; // fxch7
      if (reg === 2 || reg === 3) return { op: x87Reg(X87.FSTP_STI, i), text: UNDOCUMENTED }; // fstp8, fstp9
      if (reg === 4 && i === 0) return { kind: 'fnstsw', text: fmt('fnstsw', '%ax') };
      if (reg === 5 || reg === 6) return { kind: 'fcomi', comi: (i << 3) | 2 | (reg === 5 ? 1 : 0), text: fmt(reg === 5 ? 'fucomip' : 'fcomip', sti, '%st') };
      return undefined;
  }
}
const x87Valid = (d: Insn): boolean => (d.mod === 3 ? x87RegForm(d) !== undefined : X87_MEM[d.op & 7][d.reg] !== undefined);

/** The control instructions, which leave the last instruction and operand pointers as they are (QEMU's update_fip/update_fdp). */
const X87_CONTROL = new Set<number>([X87.FLDENV, X87.FLDCW, X87.FNSTENV, X87.FNSTCW, X87.FRSTOR, X87.FNSAVE, X87.FNSTSW_M, X87.FNINIT, X87.FNCLEX]);

function transX87(ctx: I386Ctx, d: Insn): boolean {
  const ob = ctx.ob;
  if (d.mod !== 3) {
    const op = X87_MEM[d.op & 7][d.reg]![0];
    const seg = d.seg;
    ctx.genAddr();
    G.gen_op_fpu_A0(ob, op, ctx.pc | 0, ctx.retired);
    if (!X87_CONTROL.has(op)) {
      G.gen_op_fpu_ip(ob, ctx.pc | 0);
      // The operand's segment: the override, else ss for an ebp or esp base, else ds.
      ob.emit1((OPC as Record<string, number>)[`fpu_dp_A0_seg${seg >= 0 ? seg : d.base === EBP || d.base === ESP ? 2 : 3}`], seg >= 0 ? 1 : 0);
    }
    return true;
  }
  const f = x87RegForm(d)!;
  if (f.kind === 'nop') { if (f.text !== 'fnop') G.gen_op_fpu_ip(ob, ctx.pc | 0); return true; }
  if (f.kind === 'fnstsw') { G.gen_op_fnstsw_T0(ob); ctx.storeReg(EAX, 2); return true; }
  if (f.op === undefined || !X87_CONTROL.has(f.op)) G.gen_op_fpu_ip(ob, ctx.pc | 0);
  if (f.kind === 'fcomi') {
    G.gen_op_fcomi_T0(ob, f.comi!);
    G.gen_op_set_flags_T0(ob, 0x45);
    ctx.ccUnknown();
    return true;
  }
  if (f.kind === 'fcmov') {
    ctx.genCond(f.cond!);
    ifT0(ctx, () => G.gen_op_fpu(ob, f.op!));
    return true;
  }
  G.gen_op_fpu(ob, f.op!);
  return true;
}
const disasX87 = (d: Insn): string => (d.mod === 3 ? x87RegForm(d)!.text : fmt(X87_MEM[d.op & 7][d.reg]![1], mem(d)));

// --- the tables ------------------------------------------------------------------------------
const P = (name: string, pattern: string, spec: OperandSpec, trans: Trans, disas: Disas, valid?: (d: Insn) => boolean): X86Pattern => ({
  name, pattern, ...spec, valid, immFor: IMM_BY_NAME[name],
  trans: (ctx, f) => trans(ctx, f as Insn),
  disas: (f) => disas(f as Insn),
});
/** Immediates that depend on the opcode within an entry: sign-extended for 83 and 6a/6b, the operand size for 81 and 68/69. */
const IMM_BY_NAME: Record<string, (d: Insn) => ImmKind | undefined> = {
  grp1: (d) => (d.op === 0x83 ? 'ibs' : 'is'),
  push_imm: (d) => (d.op === 0x6a ? 'ibs' : 'iz'),
  imul_imm: (d) => (d.op === 0x6b ? 'ibs' : 'iz'),
  shxd: (d) => ((d.op & 1) === 0 ? 'ib' : undefined),
  lret: (d) => (d.op === 0xca ? 'iw' : undefined),
};
const MEM_ONLY = (d: Insn): boolean => d.mod !== 3;
/** A privileged instruction (or I/O), at user level a general protection fault: SIGSEGV, as qemu-i386 gives. */
const privileged = (ctx: I386Ctx): void => ctx.raise(EXCP_GP, false);
const PREFETCH_NAMES = ['prefetchnta', 'prefetcht0', 'prefetcht1', 'prefetcht2'];
/** sldt str smsw: the value to a register (operand size) or to memory (16 bits). */
function genStoreSystem(ctx: I386Ctx, d: Insn, value: number): void {
  ctx.loadImm(0, value);
  if (d.mod === 3) ctx.storeReg(d.rm, d.size); else { ctx.genAddr(); ctx.st(2); }
}
const CR_DR = (d: Insn): string => `%${d.op & 1 ? 'db' : 'cr'}${d.reg}`;
const BCD_NAMES = ['daa', 'das', 'aaa', 'aas'];
const M = { modrm: true } as const;
const MW = { modrm: true, size: 'w' } as const;
const NONE = '--------';

export const ONE_BYTE: X86Pattern[] = [
  // ALU r/m, reg and reg, r/m (00-3b)
  P('alu_rm', '00ooo0dw' + NONE, MW, (ctx, d) => {
    const op = (d.op >> 3) & 7, size = d.size;
    if ((d.op & 2) === 0) {
      ctx.loadRm(size);
      ctx.loadReg(1, d.reg, size);
      genAluTo(ctx, op, size, () => ctx.storeRm(size));
    } else {
      ctx.loadRm(size);
      G.gen_op_mov_T1_T0(ctx.ob);
      ctx.loadReg(0, d.reg, size);
      genAluTo(ctx, op, size, () => ctx.storeReg(d.reg, size));
    }
  }, (d) => {
    const name = ALU_NAMES[(d.op >> 3) & 7];
    return (d.op & 2) === 0 ? fmt(lockText(d) + name, reg(d.reg, d.size), rm(d)) : fmt(name, rm(d), reg(d.reg, d.size));
  }),
  P('alu_acc_imm', '00ooo10w' + NONE, { imm: 'is', size: 'w' }, (ctx, d) => {
    const op = (d.op >> 3) & 7;
    ctx.loadReg(0, EAX, d.size);
    ctx.loadImm(1, mask(d.imm, d.size));
    genAluTo(ctx, op, d.size, () => ctx.storeReg(EAX, d.size));
  }, (d) => fmt(ALU_NAMES[(d.op >> 3) & 7], imm(d.imm, d.size), reg(EAX, d.size))),
  P('inc_r', '01000rrr' + NONE, {}, (ctx, d) => {
    ctx.genComputeCf();
    ctx.loadReg(0, d.op & 7, d.size);
    G.gen_op_add_T0_im(ctx.ob, 1);
    ctx.storeReg(d.op & 7, d.size);
    G.gen_op_update_inc_cc(ctx.ob, ctx.ccOp = ccOp(CC_KIND_INC, sizeIndex(d.size)));
  }, (d) => fmt('inc', reg(d.op & 7, d.size))),
  P('dec_r', '01001rrr' + NONE, {}, (ctx, d) => {
    ctx.genComputeCf();
    ctx.loadReg(0, d.op & 7, d.size);
    G.gen_op_add_T0_im(ctx.ob, -1);
    ctx.storeReg(d.op & 7, d.size);
    G.gen_op_update_inc_cc(ctx.ob, ctx.ccOp = ccOp(CC_KIND_DEC, sizeIndex(d.size)));
  }, (d) => fmt('dec', reg(d.op & 7, d.size))),
  P('push_sreg', '000ss110' + NONE, {}, (ctx, d) => { ctx.ob.emit0(MOVL_T0_SEG[d.op >> 3]); ctx.push(d.size); },
    (d) => fmt(d.opsize ? 'pushw' : 'push', `%${SEGS[d.op >> 3]}`)),
  // pop es, ss, ds (07 17 1f; 0f, pop cs, is the two-byte map's escape).
  P('pop_es', '00000111' + NONE, {}, transPopSreg, disasPopSreg),
  P('pop_ss_ds', '0001-111' + NONE, {}, transPopSreg, disasPopSreg),
  // daa das aaa aas (27 2f 37 3f).
  P('bcd_adjust', '001gg111' + NONE, {}, (ctx, d) => { G.gen_op_bcd(ctx.ob, (d.op >> 3) & 3, 0); ctx.ccUnknown(); },
    (d) => BCD_NAMES[(d.op >> 3) & 3]),
  P('push_r', '01010rrr' + NONE, {}, (ctx, d) => { ctx.loadReg(0, d.op & 7, d.size); ctx.push(d.size); },
    (d) => fmt('push', reg(d.op & 7, d.size))),
  P('pop_r', '01011rrr' + NONE, {}, (ctx, d) => { ctx.popLoad(d.size); ctx.popDone(d.size); ctx.storeReg(d.op & 7, d.size); },
    (d) => fmt('pop', reg(d.op & 7, d.size))),
  P('pusha', '01100000' + NONE, {}, (ctx, d) => {
    G.gen_op_movl_T2_r4(ctx.ob);
    G.gen_op_mov_T1_T2(ctx.ob);
    for (let r = 0; r < 8; r++) {
      if (r === ESP) { G.gen_op_mov_T0_T1(ctx.ob); if (d.size === 2) G.gen_op_uxth_T0(ctx.ob); } else ctx.loadReg(0, r, d.size);
      ctx.push(d.size);
    }
  }, (d) => (d.opsize ? 'pushaw' : 'pusha')),
  P('popa', '01100001' + NONE, {}, (ctx, d) => {
    for (let r = 7; r >= 0; r--) {
      if (r !== ESP) { ctx.popLoad(d.size); ctx.popDone(d.size); ctx.storeReg(r, d.size); } else ctx.popDone(d.size);
    }
  }, (d) => (d.opsize ? 'popaw' : 'popa')),
  P('bound', '01100010' + NONE, M, (ctx, d) => {
    const ob = ctx.ob;
    ctx.genAddr();
    ctx.ld(d.size);
    G.gen_op_mov_T1_T0(ob);
    G.gen_op_addl_A0_im(ob, d.size);
    ctx.ld(d.size);
    G.gen_op_mov_T2_T0(ob);
    ctx.loadReg(0, d.reg, d.size);
    G.gen_op_bound_T0_T1_T2(ob, d.size, ctx.pc | 0, ctx.retired);
  }, (d) => fmt('bound', reg(d.reg, d.size), mem(d)), MEM_ONLY),
  // arpl: valid in protected mode (not vm86), on 16-bit operands whatever the operand size.
  P('arpl', '01100011' + NONE, M, (ctx, d) => {
    ctx.loadRm(2);
    ctx.loadReg(1, d.reg, 2);
    G.gen_op_arpl_T0_T1(ctx.ob);
    ctx.storeRm(2);
    ctx.ccUnknown();
  }, (d) => fmt('arpl', reg(d.reg, 2), rm(d, 2))),
  P('push_imm', '011010s0' + NONE, {}, (ctx, d) => { ctx.loadImm(0, d.imm); ctx.push(d.size); },
    (d) => fmt('push', imm(d.imm, d.size))),
  P('imul_imm', '011010s1' + NONE, M, (ctx, d) => {
    const ob = ctx.ob;
    ctx.loadRm(d.size);
    ctx.loadImm(1, d.imm);
    if (d.size === 4) { G.gen_op_muls64_T0_T1(ob); G.gen_op_imul_ovf_l_T1(ob); }
    else { G.gen_op_sxth_T0(ob); G.gen_op_sxth_T1(ob); G.gen_op_mul_T0_T1(ob); G.gen_op_imul_ovf_w_T1(ob); }
    ctx.storeReg(d.reg, d.size);
    ctx.setCc(CC_KIND_MUL, d.size, 2);
  }, (d) => fmt('imul', imm(d.imm, d.size), rm(d), reg(d.reg, d.size))),
  P('jcc_rel8', '0111cccc' + NONE, { imm: 'rel8' }, (ctx, d) => { ctx.genCond(d.op & 15); ctx.branchT0(d.imm); },
    (d) => fmt(`j${CC_NAMES[d.op & 15]}`, (d.imm >>> 0).toString(16))),
  P('grp1', '100000sw' + 'mmooobbb', { modrm: true, size: 'w' }, (ctx, d) => {
    ctx.loadRm(d.size);
    ctx.loadImm(1, mask(d.imm, d.size));
    genAluTo(ctx, d.reg, d.size, () => ctx.storeRm(d.size));
  }, (d) => fmt(lockText(d) + ALU_NAMES[d.reg] + sfx(d), imm(d.imm, d.size), rm(d))),
  P('test_rm', '1000010w' + NONE, MW, (ctx, d) => {
    ctx.loadRm(d.size);
    ctx.loadReg(1, d.reg, d.size);
    G.gen_op_and_T0_T1(ctx.ob);
    ctx.setCc(CC_KIND_LOGIC, d.size, 1);
  }, (d) => fmt('test', reg(d.reg, d.size), rm(d))),
  P('xchg_rm', '1000011w' + NONE, MW, (ctx, d) => {
    ctx.loadRm(d.size);
    G.gen_op_mov_T1_T0(ctx.ob);
    ctx.loadReg(0, d.reg, d.size);
    ctx.storeRm(d.size);
    G.gen_op_mov_T0_T1(ctx.ob);
    ctx.storeReg(d.reg, d.size);
  }, (d) => fmt(lockText(d) + 'xchg', reg(d.reg, d.size), rm(d))),
  P('mov_rm_r', '1000100w' + NONE, MW, (ctx, d) => {
    ctx.loadReg(0, d.reg, d.size);
    if (d.mod === 3) ctx.storeReg(d.rm, d.size); else { ctx.genAddr(); ctx.st(d.size); }
  }, (d) => fmt('mov', reg(d.reg, d.size), rm(d))),
  P('mov_r_rm', '1000101w' + NONE, MW, (ctx, d) => { ctx.loadRm(d.size); ctx.storeReg(d.reg, d.size); },
    (d) => fmt('mov', rm(d), reg(d.reg, d.size))),
  P('mov_rm_seg', '10001100' + NONE, M, (ctx, d) => {
    ctx.ob.emit0((OPC as Record<string, number>)[`movl_T0_seg${d.reg}`]);
    if (d.mod === 3) ctx.storeReg(d.rm, d.size); else { ctx.genAddr(); ctx.st(2); }
  }, (d) => fmt('mov', `%${SEGS[d.reg]}`, rm(d)), (d) => d.reg < 6),
  P('lea', '10001101' + NONE, M, (ctx, d) => {
    ctx.genEa();
    G.gen_op_mov_T0_A0(ctx.ob);
    ctx.storeReg(d.reg, d.size);
  }, (d) => fmt('lea', mem({ ...d, seg: -1 }), reg(d.reg, d.size)), (d) => d.mod !== 3),
  P('mov_seg_rm', '10001110' + NONE, M, (ctx, d) => {
    ctx.loadRm(2);
    loadSeg(ctx, d.reg);
    endAfterSegLoad(ctx, d.reg);
  }, (d) => fmt('mov', rm(d, d.mod === 3 ? 4 : 2), `%${SEGS[d.reg]}`), (d) => d.reg < 6 && d.reg !== 1),
  P('pop_rm', '10001111' + 'mm000bbb', M, (ctx, d) => {
    ctx.popLoad(d.size);
    ctx.popDone(d.size);
    if (d.mod === 3) ctx.storeReg(d.rm, d.size); else { ctx.genAddr(); ctx.st(d.size); }
  }, (d) => fmt('pop' + sfx(d), rm(d))),
  P('nop', '10010000' + NONE, {}, () => {}, (d) => (d.rep === 0xf3 ? 'pause' : d.opsize ? fmt('xchg', '%ax', '%ax') : 'nop')),
  P('xchg_acc', '10010rrr' + NONE, {}, (ctx, d) => {
    const r = d.op & 7;
    ctx.loadReg(0, r, d.size);
    ctx.loadReg(1, EAX, d.size);
    ctx.storeReg(EAX, d.size);
    G.gen_op_mov_T0_T1(ctx.ob);
    ctx.storeReg(r, d.size);
  }, (d) => fmt('xchg', reg(EAX, d.size), reg(d.op & 7, d.size))),
  P('cwde', '10011000' + NONE, {}, (ctx, d) => {
    if (d.size === 2) { ctx.loadReg(0, EAX, 1); G.gen_op_sxtb_T0(ctx.ob); }
    else { ctx.loadReg(0, EAX, 4); G.gen_op_sxth_T0(ctx.ob); }
    ctx.storeReg(EAX, d.size);
  }, (d) => (d.size === 2 ? 'cbtw' : 'cwtl')),
  P('cdq', '10011001' + NONE, {}, (ctx, d) => {
    ctx.loadReg(0, EAX, 4);
    if (d.size === 2) { G.gen_op_sxth_T0(ctx.ob); G.gen_op_sar_T0_im(ctx.ob, 16); }
    else G.gen_op_sar_T0_im(ctx.ob, 31);
    ctx.storeReg(EDX, d.size);
  }, (d) => (d.size === 2 ? 'cwtd' : 'cltd')),
  P('pushf', '10011100' + NONE, {}, (ctx, d) => { G.gen_op_read_eflags_T0(ctx.ob); ctx.push(d.size); }, (d) => (d.opsize ? 'pushfw' : 'pushf')),
  P('popf', '10011101' + NONE, {}, (ctx, d) => {
    ctx.popLoad(d.size);
    ctx.popDone(d.size);
    G.gen_op_write_eflags_T0(ctx.ob, POPF_MASK & (d.size === 2 ? 0xffff : -1));
    ctx.ccUnknown();
  }, (d) => (d.opsize ? 'popfw' : 'popf')),
  P('sahf', '10011110' + NONE, {}, (ctx) => { ctx.loadReg(0, 4, 1); G.gen_op_set_flags_T0(ctx.ob, 0xd5); ctx.ccUnknown(); }, () => 'sahf'),
  P('lahf', '10011111' + NONE, {}, (ctx) => {
    G.gen_op_compute_eflags_T0(ctx.ob);
    G.gen_op_and_T0_im(ctx.ob, 0xd5);
    G.gen_op_orr_T0_im(ctx.ob, 2);
    ctx.storeReg(4, 1);
  }, () => 'lahf'),
  P('lcall_ptr', '10011010' + NONE, { imm: 'far' }, (ctx, d) => {
    ctx.loadImm(1, d.imm2);
    G.gen_op_movl_T2_im(ctx.ob, d.imm);
    genFarTransfer(ctx, d, true);
  }, (d) => fmt(d.opsize ? 'lcallw' : 'lcall', imm(d.imm2, 2), imm(d.imm, d.size))),
  P('mov_acc_moffs', '101000dw' + NONE, { imm: 'moffs', size: 'w' }, (ctx, d) => {
    G.gen_op_movl_A0_im(ctx.ob, d.imm);
    ctx.addSeg(ctx.defaultDs());
    if ((d.op & 2) === 0) { ctx.ld(d.size); ctx.storeReg(EAX, d.size); }
    else { ctx.loadReg(0, EAX, d.size); ctx.st(d.size); }
  }, (d) => {
    const m = `${d.seg >= 0 ? `%${SEGS[d.seg]}:` : ''}${hex(d.imm)}`, mnem = d.adsize ? 'addr16 mov' : 'mov';
    return (d.op & 2) === 0 ? fmt(mnem, m, reg(EAX, d.size)) : fmt(mnem, reg(EAX, d.size), m);
  }),
  P('movs', '1010010w' + NONE, { size: 'w' }, (ctx, d) => genString(ctx, d, () => {
    ctx.addrStr(ESI);
    ctx.ld(d.size);
    ctx.addrStr(EDI);
    ctx.st(d.size);
    stepReg(ctx, ESI, d.size);
    stepReg(ctx, EDI, d.size);
  }, false), (d) => fmt(`${repText(d, false)}movs${suffix(d.size)}`, segText(d), diText(d))),
  P('cmps', '1010011w' + NONE, { size: 'w' }, (ctx, d) => genString(ctx, d, () => {
    ctx.addrStr(ESI);
    ctx.ld(d.size);
    G.gen_op_mov_T2_T0(ctx.ob);
    ctx.addrStr(EDI);
    ctx.ld(d.size);
    G.gen_op_mov_T1_T0(ctx.ob);
    G.gen_op_mov_T0_T2(ctx.ob);
    G.gen_op_sub_T0_T1(ctx.ob);
    ctx.setCc(CC_KIND_SUB, d.size, 2);
    stepReg(ctx, ESI, d.size);
    stepReg(ctx, EDI, d.size);
  }, true), (d) => fmt(`${repText(d, true)}cmps${suffix(d.size)}`, diText(d), segText(d))),
  P('test_acc_imm', '1010100w' + NONE, { imm: 'is', size: 'w' }, (ctx, d) => {
    ctx.loadReg(0, EAX, d.size);
    ctx.loadImm(1, d.imm);
    G.gen_op_and_T0_T1(ctx.ob);
    ctx.setCc(CC_KIND_LOGIC, d.size, 1);
  }, (d) => fmt('test', imm(d.imm, d.size), reg(EAX, d.size))),
  P('stos', '1010101w' + NONE, { size: 'w' }, (ctx, d) => genString(ctx, d, () => {
    ctx.loadReg(0, EAX, d.size);
    ctx.addrStr(EDI);
    ctx.st(d.size);
    stepReg(ctx, EDI, d.size);
  }, false), (d) => fmt(`${repText(d, false)}stos`, reg(EAX, d.size), diText(d))),
  P('lods', '1010110w' + NONE, { size: 'w' }, (ctx, d) => genString(ctx, d, () => {
    ctx.addrStr(ESI);
    ctx.ld(d.size);
    ctx.storeReg(EAX, d.size);
    stepReg(ctx, ESI, d.size);
  }, false), (d) => fmt(`${repText(d, false)}lods`, segText(d), reg(EAX, d.size))),
  P('scas', '1010111w' + NONE, { size: 'w' }, (ctx, d) => genString(ctx, d, () => {
    ctx.addrStr(EDI);
    ctx.ld(d.size);
    G.gen_op_mov_T1_T0(ctx.ob);
    ctx.loadReg(0, EAX, d.size);
    G.gen_op_sub_T0_T1(ctx.ob);
    ctx.setCc(CC_KIND_SUB, d.size, 2);
    stepReg(ctx, EDI, d.size);
  }, true), (d) => fmt(`${repText(d, true)}scas`, diText(d), reg(EAX, d.size))),
  P('mov_r8_imm', '10110rrr' + NONE, { imm: 'ib', size: 'b' }, (ctx, d) => { ctx.loadImm(0, d.imm); ctx.storeReg(d.op & 7, 1); },
    (d) => fmt('mov', imm(d.imm, 1), reg(d.op & 7, 1))),
  P('mov_r_imm', '10111rrr' + NONE, { imm: 'iz' }, (ctx, d) => { ctx.loadImm(0, d.imm); ctx.storeReg(d.op & 7, d.size); },
    (d) => fmt('mov', imm(d.imm, d.size), reg(d.op & 7, d.size))),
  P('grp2_imm', '1100000w' + NONE, { modrm: true, imm: 'ib', size: 'w' }, (ctx, d) => genShift(ctx, d, () => ctx.loadImm(1, d.imm), d.imm),
    (d) => fmt(SHIFT_NAMES[d.reg] + sfx(d), imm(d.imm, 1), rm(d))),
  P('ret_imm', '11000010' + NONE, { imm: 'iw' }, (ctx, d) => {
    ctx.popLoad(4);
    ctx.addrReg(ESP);
    G.gen_op_addl_A0_im(ctx.ob, 4 + d.imm);
    ctx.storeRegA0(ESP);
    ctx.jumpT0();
  }, (d) => fmt('ret', imm(d.imm, 2))),
  P('ret', '11000011' + NONE, {}, (ctx) => { ctx.popLoad(4); ctx.popDone(4); ctx.jumpT0(); }, (d) => (d.rep === 0xf3 ? 'repz ret' : d.rep ? 'repnz ret' : 'ret')),
  P('mov_rm_imm', '1100011w' + 'mm000bbb', { modrm: true, imm: 'is', size: 'w' }, (ctx, d) => {
    if (d.mod === 3) { ctx.loadImm(0, d.imm); ctx.storeReg(d.rm, d.size); }
    else { ctx.genAddr(); ctx.loadImm(0, d.imm); ctx.st(d.size); }
  }, (d) => fmt('mov' + sfx(d), imm(d.imm, d.size), rm(d))),
  // les lds (the VEX prefixes where ModRM would be a register: #UD here).
  P('les_lds', '1100010g' + NONE, M, (ctx, d) => genLoadFar(ctx, d, d.op & 1 ? 3 : 0), (d) => fmt(d.op & 1 ? 'lds' : 'les', mem(d), reg(d.reg, d.size)), MEM_ONLY),
  // enter $size, $level (QEMU's gen_enter): ebp pushed (2 or 4 bytes by the operand size); with a
  // nesting level (mod 32) level - 1 frame pointers copied from the old frame, then the new frame's.
  P('enter', '11001000' + NONE, { imm: 'enter' }, (ctx, d) => {
    const ob = ctx.ob, size = d.size, level = d.imm2 & 31;
    ctx.addrReg(ESP);
    G.gen_op_addl_A0_im(ob, -size);
    G.gen_op_mov_T1_A0(ob); // the frame temp
    ctx.loadReg(0, EBP, 4);
    ctx.st(size);
    for (let i = 1; i < level; i++) {
      ctx.addrReg(EBP);
      G.gen_op_addl_A0_im(ob, -size * i);
      ctx.ld(size);
      G.gen_op_mov_A0_T1(ob);
      G.gen_op_addl_A0_im(ob, -size * i);
      ctx.st(size);
    }
    if (level !== 0) {
      G.gen_op_mov_A0_T1(ob);
      G.gen_op_addl_A0_im(ob, -size * level);
      G.gen_op_mov_T0_T1(ob);
      ctx.st(size);
    }
    G.gen_op_mov_T0_T1(ob);
    ctx.storeReg(EBP, 4);
    G.gen_op_mov_A0_T1(ob);
    G.gen_op_addl_A0_im(ob, -(d.imm + size * level));
    ctx.storeRegA0(ESP);
  }, (d) => fmt(d.opsize ? 'enterw' : 'enter', imm(d.imm, 2), imm(d.imm2, 1))),
  P('leave', '11001001' + NONE, {}, (ctx) => {
    ctx.addrReg(EBP);
    ctx.ld(4);
    G.gen_op_addl_A0_im(ctx.ob, 4);
    ctx.storeRegA0(ESP);
    ctx.storeReg(EBP, 4);
  }, () => 'leave'),
  P('lret', '1100101-' + NONE, {}, (ctx, d) => genFarReturn(ctx, d, false, d.op === 0xca ? d.imm : 0),
    (d) => (d.op === 0xca ? fmt(d.opsize ? 'lretw' : 'lret', imm(d.imm, 2)) : d.opsize ? 'lretw' : 'lret')),
  P('int3', '11001100' + NONE, {}, (ctx) => ctx.raise(EXCP_BP, true), () => 'int3'),
  P('int', '11001101' + NONE, { imm: 'ib' }, (ctx, d) => {
    if (d.imm === 0x80) ctx.raise(EXCP_SYSCALL, true); else ctx.raise(EXCP_GP, false);
  }, (d) => fmt('int', imm(d.imm, 1))),
  P('into', '11001110' + NONE, {}, (ctx) => G.gen_op_into(ctx.ob, ctx.nextPc | 0, ctx.retiredAfter), () => 'into'),
  P('iret', '11001111' + NONE, {}, (ctx, d) => genFarReturn(ctx, d, true, 0), (d) => (d.opsize ? 'iretw' : 'iret')),
  P('grp2_1', '1101000w' + NONE, MW, (ctx, d) => genShift(ctx, d, () => ctx.loadImm(1, 1), 1),
    (d) => fmt(SHIFT_NAMES[d.reg] + sfx(d), rm(d))),
  P('grp2_cl', '1101001w' + NONE, MW, (ctx, d) => genShift(ctx, d, () => ctx.loadReg(1, ECX, 1), undefined),
    (d) => fmt(SHIFT_NAMES[d.reg] + sfx(d), '%cl', rm(d))),
  // aam (imm 0: a divide error) and aad.
  P('aam_aad', '1101010g' + NONE, { imm: 'ib' }, (ctx, d) => {
    if (d.op === 0xd4 && d.imm === 0) { ctx.raise(EXCP_DE, false); return; }
    G.gen_op_bcd(ctx.ob, d.op === 0xd4 ? BCD_AAM : BCD_AAD, d.imm);
    ctx.ccUnknown();
  }, (d) => fmt(d.op === 0xd4 ? 'aam' : 'aad', imm(d.imm, 1))),
  // salc (undocumented; QEMU implements it outside 64-bit mode): AL = CF ? 0xff : 0.
  P('salc', '11010110' + NONE, {}, (ctx) => {
    ctx.genComputeCf();
    G.gen_op_mov_T0_T2(ctx.ob);
    G.gen_op_neg_T0(ctx.ob);
    ctx.storeReg(EAX, 1);
  }, () => '(bad)'),
  P('xlat', '11010111' + NONE, {}, (ctx, d) => {
    ctx.loadReg(0, EAX, 1);
    G.gen_op_mov_T2_T0(ctx.ob);
    ctx.addrReg(EBX);
    G.gen_op_add_T3_T2(ctx.ob);
    if (d.adsize) G.gen_op_andl_A0_ffff(ctx.ob);
    ctx.addSeg(ctx.defaultDs());
    ctx.ld(1);
    ctx.storeReg(EAX, 1);
  }, (d) => fmt('xlat', `%${SEGS[d.seg >= 0 ? d.seg : 3]}:(%${d.adsize ? 'bx' : 'ebx'})`)),
  P('loop', '111000cc' + NONE, { imm: 'rel8' }, (ctx, d) => {
    const ob = ctx.ob, kind = d.op & 3;
    // The count is ECX, or CX with the 0x67 prefix.
    if (kind === 3) { if (d.adsize) G.gen_op_test_cx_zero_T0(ob); else G.gen_op_test_ecx_zero_T0(ob); ctx.branchT0(d.imm); return; }
    if (d.adsize) G.gen_op_dec_cx_test_T0(ob); else G.gen_op_dec_ecx_test_T0(ob);
    if (kind < 2) {
      G.gen_op_mov_T1_T0(ob);
      ctx.genCond(kind === 0 ? 5 : 4);
      G.gen_op_and_T0_T1(ob);
    }
    ctx.branchT0(d.imm);
  }, (d) => fmt(d.adsize ? ['loopnew', 'loopew', 'loopw', 'jcxz'][d.op & 3] : ['loopne', 'loope', 'loop', 'jecxz'][d.op & 3], (d.imm >>> 0).toString(16))),
  P('call', '11101000' + NONE, { imm: 'relz' }, (ctx, d) => { ctx.loadImm(0, ctx.nextPc); ctx.push(4); ctx.jumpImm(d.imm); },
    (d) => fmt('call', (d.imm >>> 0).toString(16))),
  P('jmp', '11101001' + NONE, { imm: 'relz' }, (ctx, d) => ctx.jumpImm(d.imm), (d) => fmt('jmp', (d.imm >>> 0).toString(16))),
  P('ljmp_ptr', '11101010' + NONE, { imm: 'far' }, (ctx, d) => {
    ctx.loadImm(1, d.imm2);
    G.gen_op_movl_T2_im(ctx.ob, d.imm);
    genFarTransfer(ctx, d, false);
  }, (d) => fmt(d.opsize ? 'ljmpw' : 'ljmp', imm(d.imm2, 2), imm(d.imm, d.size))),
  P('jmp8', '11101011' + NONE, { imm: 'rel8' }, (ctx, d) => ctx.jumpImm(d.imm), (d) => fmt('jmp', (d.imm >>> 0).toString(16))),
  P('fwait', '10011011' + NONE, {}, () => {}, () => 'fwait'),
  P('x87', '11011---' + NONE, M, transX87, disasX87, x87Valid),
  // in/out/ins/outs: I/O at user level (IOPL 0, no I/O bitmap) is a general protection fault (SIGSEGV).
  P('in_out_imm', '111001-w' + NONE, { imm: 'ib', size: 'w' }, privileged,
    (d) => ((d.op & 2) === 0 ? fmt('in', imm(d.imm, 1), reg(EAX, d.size)) : fmt('out', reg(EAX, d.size), imm(d.imm, 1)))),
  P('in_out_dx', '111011-w' + NONE, { size: 'w' }, privileged,
    (d) => ((d.op & 2) === 0 ? fmt('in', '(%dx)', reg(EAX, d.size)) : fmt('out', reg(EAX, d.size), '(%dx)'))),
  P('outs', '0110111w' + NONE, { size: 'w' }, privileged,
    (d) => fmt(`${repText(d, false)}outs${suffix(d.size)}`, segText(d), '(%dx)')),
  P('ins', '0110110w' + NONE, { size: 'w' }, privileged,
    (d) => fmt(`${repText(d, false)}ins${suffix(d.size)}`, '(%dx)', diText(d))),
  P('hlt', '11110100' + NONE, {}, (ctx) => ctx.raise(EXCP_GP, false), () => 'hlt'),
  P('cmc', '11110101' + NONE, {}, (ctx) => { G.gen_op_modify_cf(ctx.ob, 2); ctx.ccUnknown(); }, () => 'cmc'),
  P('grp3_test', '1111011w' + 'mm00-bbb', { modrm: true, imm: 'is', size: 'w' }, (ctx, d) => {
    ctx.loadRm(d.size);
    ctx.loadImm(1, d.imm);
    G.gen_op_and_T0_T1(ctx.ob);
    ctx.setCc(CC_KIND_LOGIC, d.size, 1);
  }, (d) => fmt('test' + sfx(d), imm(d.imm, d.size), rm(d))),
  P('grp3_not', '1111011w' + 'mm010bbb', MW, (ctx, d) => { ctx.loadRm(d.size); G.gen_op_not_T0(ctx.ob); ctx.storeRm(d.size); },
    (d) => fmt(lockText(d) + 'not' + sfx(d), rm(d))),
  P('grp3_neg', '1111011w' + 'mm011bbb', MW, (ctx, d) => {
    ctx.loadRm(d.size);
    G.gen_op_mov_T1_T0(ctx.ob);
    G.gen_op_neg_T0(ctx.ob);
    ctx.storeRm(d.size);
    ctx.setCc(CC_KIND_SUB, d.size, 2);
  }, (d) => fmt(lockText(d) + 'neg' + sfx(d), rm(d))),
  P('grp3_muldiv', '1111011w' + 'mm1ggbbb', MW, (ctx, d) => { ctx.loadRm(d.size); genMulDiv(ctx, d, d.reg); },
    (d) => fmt(['mul', 'imul', 'div', 'idiv'][d.reg - 4] + sfx(d), rm(d))),
  P('clc', '11111000' + NONE, {}, (ctx) => { G.gen_op_modify_cf(ctx.ob, 0); ctx.ccUnknown(); }, () => 'clc'),
  P('stc', '11111001' + NONE, {}, (ctx) => { G.gen_op_modify_cf(ctx.ob, 1); ctx.ccUnknown(); }, () => 'stc'),
  P('cli', '11111010' + NONE, {}, (ctx) => ctx.raise(EXCP_GP, false), () => 'cli'),
  P('sti', '11111011' + NONE, {}, (ctx) => ctx.raise(EXCP_GP, false), () => 'sti'),
  P('cld', '11111100' + NONE, {}, (ctx) => G.gen_op_set_df(ctx.ob, 1), () => 'cld'),
  P('std', '11111101' + NONE, {}, (ctx) => G.gen_op_set_df(ctx.ob, -1), () => 'std'),
  P('incdec_rm', '1111111w' + 'mm00gbbb', MW, (ctx, d) => {
    ctx.genComputeCf();
    ctx.loadRm(d.size);
    G.gen_op_add_T0_im(ctx.ob, d.reg === 0 ? 1 : -1);
    ctx.storeRm(d.size);
    G.gen_op_update_inc_cc(ctx.ob, ctx.ccOp = ccOp(d.reg === 0 ? CC_KIND_INC : CC_KIND_DEC, sizeIndex(d.size)));
  }, (d) => fmt(lockText(d) + (d.reg === 0 ? 'inc' : 'dec') + sfx(d), rm(d))),
  P('call_rm', '11111111' + 'mm010bbb', M, (ctx, d) => {
    ctx.loadRm(4);
    G.gen_op_mov_T1_T0(ctx.ob);
    ctx.loadImm(0, ctx.nextPc);
    ctx.push(4);
    G.gen_op_mov_T0_T1(ctx.ob);
    ctx.jumpT0();
  }, (d) => fmt('call', `*${rm(d, 4)}`)),
  P('lcall_m', '11111111' + 'mm011bbb', M, (ctx, d) => {
    loadFarPointer(ctx, d);
    G.gen_op_mov_T1_T0(ctx.ob);
    genFarTransfer(ctx, d, true);
  }, (d) => fmt(d.opsize ? 'lcallw' : 'lcall', `*${mem(d)}`), MEM_ONLY),
  P('ljmp_m', '11111111' + 'mm101bbb', M, (ctx, d) => {
    loadFarPointer(ctx, d);
    G.gen_op_mov_T1_T0(ctx.ob);
    genFarTransfer(ctx, d, false);
  }, (d) => fmt(d.opsize ? 'ljmpw' : 'ljmp', `*${mem(d)}`), MEM_ONLY),
  P('jmp_rm', '11111111' + 'mm100bbb', M, (ctx) => { ctx.loadRm(4); ctx.jumpT0(); }, (d) => fmt('jmp', `*${rm(d, 4)}`)),
  P('push_rm', '11111111' + 'mm110bbb', M, (ctx, d) => { ctx.loadRm(d.size); ctx.push(d.size); }, (d) => fmt('push' + sfx(d), rm(d))),
];

export const TWO_BYTE: X86Pattern[] = [
  P('ud2', '00001011' + NONE, {}, (ctx) => ctx.undefinedInsn(), () => 'ud2'),
  P('hint_nop', '0001111-' + NONE, M, () => {}, (d) => (d.op === 0x1e && d.rep === 0xf3 && d.mod === 3 && d.reg === 7 && d.rm === 3 ? 'endbr32' : fmt('nop' + sfx(d), rm(d)))),
  P('sys_grp6', '00000000' + 'mm01-bbb', M, privileged, (d) => fmt(d.reg === 2 ? 'lldt' : 'ltr', rm(d, 2))),
  // sldt, str, smsw: allowed at CPL 3 without UMIP; qemu-i386's LDT and task register selectors are 0, its cr0 PG|WP|PE.
  P('sldt_str', '00000000' + 'mm00-bbb', M, (ctx, d) => genStoreSystem(ctx, d, 0), (d) => fmt(d.reg ? 'str' : 'sldt', rm(d, d.mod === 3 ? d.size : 2))),
  P('smsw', '00000001' + 'mm100bbb', M, (ctx, d) => genStoreSystem(ctx, d, 0x80010001), (d) => fmt('smsw', rm(d, d.mod === 3 ? d.size : 2))),
  P('verr_verw', '00000000' + 'mm10-bbb', M, (ctx, d) => {
    ctx.loadRm(2);
    G.gen_op_desc_T0(ctx.ob, d.reg === 4 ? DESC_VERR : DESC_VERW);
    ctx.ccUnknown();
  }, (d) => fmt(d.reg === 4 ? 'verr' : 'verw', rm(d, 2))),
  // lar, lsl: the register written only when ZF says the selector is valid.
  P('lar_lsl', '0000001-' + NONE, M, (ctx, d) => {
    ctx.loadRm(2);
    G.gen_op_desc_T0(ctx.ob, d.op & 1 ? DESC_LSL : DESC_LAR);
    G.gen_op_mov_T1_T0(ctx.ob);
    ctx.ccUnknown();
    ctx.genCond(4);
    ifT0(ctx, () => { G.gen_op_mov_T0_T1(ctx.ob); ctx.storeReg(d.reg, d.size); });
  }, (d) => fmt(d.op & 1 ? 'lsl' : 'lar', rm(d, d.mod === 3 ? d.size : 2), reg(d.reg, d.size))),
  P('sys_grp7', '00000001' + 'mm01-bbb', M, privileged, (d) => fmt(d.reg === 2 ? 'lgdtl' : 'lidtl', mem(d)), MEM_ONLY),
  P('lmsw', '00000001' + 'mm110bbb', M, privileged, (d) => fmt('lmsw', rm(d, 2))),
  P('invlpg', '00000001' + 'mm111bbb', M, privileged, (d) => fmt('invlpg', mem(d)), MEM_ONLY),
  P('clts', '00000110' + NONE, {}, privileged, () => 'clts'),
  P('invd_wbinvd', '0000100-' + NONE, {}, privileged, (d) => (d.op & 1 ? 'wbinvd' : 'invd')),
  // The AMD prefetches (memory forms; the register forms are #UD): no-ops here.
  P('prefetch_amd', '00001101' + NONE, M, () => {}, (d) => fmt(['prefetch', 'prefetchw', 'prefetchwt1'][d.reg] ?? 'prefetch', mem(d)), MEM_ONLY),
  // 0f 18 (prefetches for memory /0../3, else hint no-ops), 0f 19, 0f 1c, 0f 1d: no-ops.
  P('hint_prefetch', '0001100-' + NONE, M, () => {}, (d) => (d.op === 0x18 && d.reg < 4 ? fmt(PREFETCH_NAMES[d.reg], mem(d)) : fmt('nop' + sfx(d), rm(d))),
    (d) => d.op !== 0x18 || d.reg >= 4 || d.mod !== 3),
  P('hint_nop_1c', '0001110-' + NONE, M, () => {}, (d) => fmt('nop' + sfx(d), rm(d))),
  // mov to and from control and debug registers (0f 20..23).
  P('mov_cr_dr', '001000--' + NONE, { modrm: true, modrmReg: true }, privileged,
    (d) => ((d.op & 2) === 0 ? fmt('mov', CR_DR(d), reg(d.rm, 4)) : fmt('mov', reg(d.rm, 4), CR_DR(d)))),
  P('msr_pmc', '001100-0' + NONE, {}, privileged, (d) => (d.op === 0x30 ? 'wrmsr' : 'rdmsr')),
  P('rdpmc', '00110011' + NONE, {}, privileged, () => 'rdpmc'),
  P('sysenter_exit', '0011010-' + NONE, {}, privileged, (d) => (d.op & 1 ? 'sysexit' : 'sysenter')),
  P('rdtsc', '00110001' + NONE, {}, (ctx) => G.gen_op_rdtsc(ctx.ob), () => 'rdtsc'),
  P('cmovcc', '0100cccc' + NONE, M, (ctx, d) => {
    ctx.loadRm(d.size);
    G.gen_op_mov_T1_T0(ctx.ob);
    ctx.genCond(d.op & 15);
    ifT0(ctx, () => { G.gen_op_mov_T0_T1(ctx.ob); ctx.storeReg(d.reg, d.size); });
  }, (d) => fmt(`cmov${CC_NAMES[d.op & 15]}`, rm(d), reg(d.reg, d.size))),
  P('jcc', '1000cccc' + NONE, { imm: 'relz' }, (ctx, d) => { ctx.genCond(d.op & 15); ctx.branchT0(d.imm); },
    (d) => fmt(`j${CC_NAMES[d.op & 15]}`, (d.imm >>> 0).toString(16))),
  P('setcc', '1001cccc' + NONE, M, (ctx, d) => {
    if (d.mod !== 3) ctx.genAddr();
    ctx.genCond(d.op & 15);
    if (d.mod === 3) ctx.storeReg(d.rm, 1); else ctx.st(1);
  }, (d) => fmt(`set${CC_NAMES[d.op & 15]}`, rm(d, 1))),
  P('push_seg', '1010-000' + NONE, {}, (ctx, d) => {
    ctx.ob.emit0((OPC as Record<string, number>)[`movl_T0_seg${d.op === 0xa0 ? 4 : 5}`]);
    ctx.push(d.size);
  }, (d) => fmt('push', d.op === 0xa0 ? '%fs' : '%gs')),
  P('pop_seg', '1010-001' + NONE, {}, (ctx, d) => {
    ctx.popLoad(d.size);
    ctx.ob.emit2((OPC as Record<string, number>)[`movl_seg${d.op === 0xa1 ? 4 : 5}_T0`], ctx.pc | 0, ctx.retired);
    ctx.popDone(d.size);
  }, (d) => fmt('pop', d.op === 0xa1 ? '%fs' : '%gs')),
  P('cpuid', '10100010' + NONE, {}, (ctx) => G.gen_op_cpuid(ctx.ob), () => 'cpuid'),
  P('bt_r', '10ggg011' + NONE, M, (ctx, d) => { ctx.loadReg(1, d.reg, d.size); genBt(ctx, d, (d.op >> 3) & 3, true); },
    (d) => fmt(['bt', 'bts', 'btr', 'btc'][(d.op >> 3) & 3], reg(d.reg, d.size), rm(d)), (d) => ((d.op >> 3) & 4) !== 0),
  P('shxd', '1010g10c' + NONE, { modrm: true }, (ctx, d) => {
    ctx.loadRm(d.size);
    ctx.loadReg(1, d.reg, d.size);
    if (d.op & 1) ctx.loadReg(2, ECX, 4); else G.gen_op_movl_T2_im(ctx.ob, d.imm);
    G.gen_op_shxd_T0_T1_T2(ctx.ob, ((d.op & 8) !== 0 ? 4 : 0) | sizeIndex(d.size));
    ctx.storeRm(d.size);
    ctx.ccUnknown();
  }, (d) => fmt((d.op & 8) !== 0 ? 'shrd' : 'shld', (d.op & 1) ? '%cl' : imm(d.imm, 1), reg(d.reg, d.size), rm(d))),
  P('imul_r_rm', '10101111' + NONE, M, (ctx, d) => {
    const ob = ctx.ob;
    ctx.loadRm(d.size);
    G.gen_op_mov_T1_T0(ob);
    ctx.loadReg(0, d.reg, d.size);
    if (d.size === 4) { G.gen_op_muls64_T0_T1(ob); G.gen_op_imul_ovf_l_T1(ob); }
    else { G.gen_op_sxth_T0(ob); G.gen_op_sxth_T1(ob); G.gen_op_mul_T0_T1(ob); G.gen_op_imul_ovf_w_T1(ob); }
    ctx.storeReg(d.reg, d.size);
    ctx.setCc(CC_KIND_MUL, d.size, 2);
  }, (d) => fmt('imul', rm(d), reg(d.reg, d.size))),
  P('cmpxchg', '1011000w' + NONE, MW, (ctx, d) => {
    const ob = ctx.ob;
    ctx.loadRm(d.size);
    ctx.loadReg(1, d.reg, d.size);
    ctx.loadReg(2, EAX, 4);
    G.gen_op_cmpxchg_T0_T1_T2(ob, d.size === 4 ? -1 : (1 << (8 * d.size)) - 1);
    ctx.storeRm(d.size);
    G.gen_op_mov_T0_T2(ob);
    G.gen_op_sub_T0_T1(ob);
    ctx.setCc(CC_KIND_SUB, d.size, 2);
    G.gen_op_mov_T0_T1(ob);
    ctx.storeReg(EAX, d.size);
  }, (d) => fmt(lockText(d) + 'cmpxchg', reg(d.reg, d.size), rm(d))),
  // lss lfs lgs (b2 b4 b5): the segment register first, so that a bad selector leaves the register as it was.
  P('lss', '10110010' + NONE, M, (ctx, d) => genLoadFar(ctx, d, 2), (d) => fmt('lss', mem(d), reg(d.reg, d.size)), MEM_ONLY),
  P('lfs_lgs', '1011010g' + NONE, M, (ctx, d) => genLoadFar(ctx, d, d.op & 7), (d) => fmt(d.op & 1 ? 'lgs' : 'lfs', mem(d), reg(d.reg, d.size)), MEM_ONLY),
  P('movzx', '1011011w' + NONE, M, (ctx, d) => { ctx.loadRm(d.op & 1 ? 2 : 1); ctx.storeReg(d.reg, d.size); },
    (d) => fmt(`movz${d.op & 1 ? 'w' : 'b'}${suffix(d.size)}`, rm(d, d.op & 1 ? 2 : 1), reg(d.reg, d.size))),
  P('bt_imm', '10111010' + 'mm1ggbbb', { modrm: true, imm: 'ib' }, (ctx, d) => { ctx.loadImm(1, d.imm); genBt(ctx, d, d.reg & 3, false); },
    (d) => fmt(['bt', 'bts', 'btr', 'btc'][d.reg & 3] + sfx(d), imm(d.imm, 1), rm(d))),
  P('bsx', '1011110g' + NONE, M, (ctx, d) => {
    ctx.loadRm(d.size);
    ctx.loadReg(1, d.reg, d.size);
    G.gen_op_bsx_T0(ctx.ob, d.op & 1);
    ctx.storeReg(d.reg, d.size);
    G.gen_op_update1_cc_T3(ctx.ob, ctx.ccOp = ccOp(CC_KIND_LOGIC, sizeIndex(d.size)));
  }, (d) => fmt(d.op & 1 ? 'bsr' : 'bsf', rm(d), reg(d.reg, d.size))),
  P('movsx', '1011111w' + NONE, M, (ctx, d) => {
    ctx.loadRm(d.op & 1 ? 2 : 1);
    if (d.op & 1) G.gen_op_sxth_T0(ctx.ob); else G.gen_op_sxtb_T0(ctx.ob);
    ctx.storeReg(d.reg, d.size);
  }, (d) => fmt(`movs${d.op & 1 ? 'w' : 'b'}${suffix(d.size)}`, rm(d, d.op & 1 ? 2 : 1), reg(d.reg, d.size))),
  P('xadd', '1100000w' + NONE, MW, (ctx, d) => {
    const ob = ctx.ob;
    ctx.loadRm(d.size);
    G.gen_op_mov_T2_T0(ob);
    ctx.loadReg(1, d.reg, d.size);
    G.gen_op_add_T0_T1(ob);
    if (d.mod === 3) {
      G.gen_op_swap_T0_T2(ob);
      ctx.storeReg(d.reg, d.size);
      G.gen_op_swap_T0_T2(ob);
      ctx.storeReg(d.rm, d.size);
    } else {
      ctx.st(d.size);
      G.gen_op_swap_T0_T2(ob);
      ctx.storeReg(d.reg, d.size);
      G.gen_op_swap_T0_T2(ob);
    }
    ctx.setCc(CC_KIND_ADD, d.size, 2);
  }, (d) => fmt(lockText(d) + 'xadd', reg(d.reg, d.size), rm(d))),
  P('cmpxchg8b', '11000111' + 'mm001bbb', M, (ctx) => { ctx.genAddr(); G.gen_op_cmpxchg8b_A0(ctx.ob, ctx.pc | 0, ctx.retired); ctx.ccUnknown(); },
    (d) => fmt(lockText(d) + 'cmpxchg8b', mem(d)), (d) => d.mod !== 3),
  P('bswap', '11001rrr' + NONE, {}, (ctx, d) => { ctx.loadReg(0, d.op & 7, 4); G.gen_op_bswap_T0(ctx.ob); ctx.storeReg(d.op & 7, 4); },
    (d) => fmt('bswap', reg(d.op & 7, 4))),
];


const oneByte = new Decoder<I386Ctx>(16, ONE_BYTE, [[8, 8]]);
const twoByte = new Decoder<I386Ctx>(16, TWO_BYTE, [[8, 8]]);

const PREFIX_SEG: Record<number, number> = { 0x26: 0, 0x2e: 1, 0x36: 2, 0x3e: 3, 0x64: 4, 0x65: 5 };

export interface Parsed { d: Insn; entry: X86Pattern | undefined }

/**
 * Parse the instruction at `pc`: its prefixes, its entry, and what the entry says follows.
 * `entry` is undefined for bytes that are no instruction (#UD). Throws FetchFault when the
 * instruction runs into memory that is not executable, InvalidInsn for one that is too long.
 */
export function parseInsn(read: ByteReader, pc: number): Parsed {
  const r = new InsnReader(read, pc);
  const d = emptyInsn(pc);
  let b: number;
  for (;;) {
    b = r.u8();
    if (b === 0x66) d.opsize = 1;
    else if (b === 0x67) d.adsize = 1;
    else if (b === 0xf0) d.lock = 1;
    else if (b === 0xf2 || b === 0xf3) d.rep = b;
    else if (PREFIX_SEG[b] !== undefined) d.seg = PREFIX_SEG[b];
    else break;
  }
  let table = oneByte;
  if (b === 0x0f) { b = r.u8(); d.twoByte = 1; table = twoByte; }
  d.op = b;
  const found = table.decode((b << 8) | r.peek());
  if (!found) { d.len = r.pos - pc; return { d, entry: undefined }; }
  const entry = found.pattern as X86Pattern;
  Object.assign(d, found.fields);
  const sizeKind = entry.size ?? 'v';
  d.size = sizeKind === 'b' ? 1 : sizeKind === 'l' ? 4 : sizeKind === 'w' && (d.op & 1) === 0 ? 1 : d.opsize ? 2 : 4;
  if (entry.modrm) parseModrm(r, d, entry.modrmReg);
  const immKind = entry.immFor ? entry.immFor(d) : entry.imm;
  if (immKind) parseImm(r, d, immKind);
  d.len = r.pos - pc;
  return { d, entry };
}

/** Disassembly of the instruction at `pc` (objdump's AT&T syntax), or `(bad)`. */
export function disasInsn(read: ByteReader, pc: number): { text: string; len: number } {
  try {
    const { d, entry } = parseInsn(read, pc);
    if (!entry || (entry.valid && !entry.valid(d))) return { text: '(bad)', len: Math.max(d.len, 1) };
    return { text: entry.disas(d, pc, 0), len: d.len };
  } catch (e) {
    if (e instanceof FetchFault || e instanceof InvalidInsn) return { text: '(bad)', len: 1 };
    throw e;
  }
}

/** Translate the instruction at ctx.pc; false where nothing executable is (the block raises the fault). */
export function translateInsn(ctx: I386Ctx): boolean {
  let parsed: Parsed;
  try {
    parsed = parseInsn((a) => ctx.code.u8(a), ctx.pc);
  } catch (e) {
    if (e instanceof FetchFault) {
      // The fault is taken when the instruction would run: eip on it, the address what could not be read.
      G.gen_op_raise_fetch_fault(ctx.ob, ctx.pc | 0, e.addr | 0, ctx.retired);
      ctx.ended = true;
      return false;
    }
    if (e instanceof InvalidInsn) {
      ctx.nextPc = (ctx.pc + 1) >>> 0;
      ctx.raise(EXCP_UD, false);
      return true;
    }
    throw e;
  }
  const { d, entry } = parsed;
  ctx.insn = d;
  ctx.nextPc = (ctx.pc + d.len) >>> 0;
  if (ctx.logInsns) ctx.insns.push({ pc: ctx.pc, insn: 0, size: d.len, bytes: Array.from({ length: d.len }, (_, k) => ctx.code.u8(ctx.pc + k) ?? 0) });
  if (!entry || (entry.valid && !entry.valid(d)) || entry.trans(ctx, d, 0) === false) ctx.undefinedInsn();
  return true;
}
