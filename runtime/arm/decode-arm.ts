/**
 * ARM state (ARMv5TE) instruction patterns: each entry decodes one encoding class and holds its
 * translator and its disassembler side by side. Field letters: c cond, S set-flags, d Rd, n Rn,
 * s Rs, m Rm, o opcode, P/U/W/L/B addressing bits, i/r/a/t immediates, rotations and shifts.
 * Patterns are tried in order, so the specific forms of the multiply and miscellaneous spaces
 * come before the data-processing patterns that would otherwise swallow them.
 */
import { Decoder, type Pattern } from '../decoder.js';
import * as G from '../generated/arm/ops.js';
import { cp15Spec } from '../../ops/arm/cp15.js';
import { EXCP_BKPT, EXCP_SWI, EXCP_WFI } from '../../ops/arm/state.js';
import {
  DP_MOV, DP_MVN, DisasContext, MEM, genAddress, genBlockTransfer, genDataProc, genLoadStore, genShiftImm,
  genShiftReg, isLogicalOp,
} from './translate.js';
import { DP_NAMES, SHIFT_NAMES, cond, hex, imm, reg, regList, rotateImm, shiftedReg } from './disas-util.js';

type P = Pattern<DisasContext>;
const sext = (v: number, bits: number): number => (v << (32 - bits)) >> (32 - bits);
const c = (f: Record<string, number>): string => cond(f.c);
const u = (f: Record<string, number>): string => (f.U ? '' : '-');

/** Data processing: result to rd (writing pc jumps; with S it is an exception return). */
function finishDataProc(ctx: DisasContext, op: number, S: number, rd: number): void {
  const writes = genDataProc(ctx, op, S !== 0 && rd !== 15);
  if (!writes) return;
  if (rd === 15 && S) { ctx.exceptionReturnT0(); }
  else ctx.storeReg(rd);
}

function dpText(f: Record<string, number>, operand2: string): string {
  const name = DP_NAMES[f.o];
  const s = f.S && (f.o < 8 || f.o > 11) ? 's' : '';
  if (f.o === DP_MOV || f.o === DP_MVN) return `${name}${s}${c(f)} ${reg(f.d)}, ${operand2}`;
  if (f.o >= 8 && f.o <= 11) return `${name}${c(f)} ${reg(f.n)}, ${operand2}`;
  return `${name}${s}${c(f)} ${reg(f.d)}, ${reg(f.n)}, ${operand2}`;
}

/** MOV of a shifted register prints as the shift itself (`lsl r0, r1, #2`, `rrx r0, r1`), as objdump does. */
function movShiftText(f: Record<string, number>, shift: string): string {
  return `${shift}${f.S ? 's' : ''}${c(f)} ${reg(f.d)}, ${reg(f.m)}`;
}

/** The extra load/store forms (halfword, signed, doubleword) after the address is in T1/T2. */
function extraLoadStore(ctx: DisasContext, f: Record<string, number>): boolean {
  const wb = !f.P || f.W !== 0;
  const ob = ctx.ob;
  if (f.L) {
    genLoadStore(ctx, true, f.d, f.o === 1 ? MEM.lduw : f.o === 2 ? MEM.ldsb : MEM.ldsw, wb, f.n);
  } else if (f.o === 1) {
    genLoadStore(ctx, false, f.d, MEM.stw, wb, f.n);
  } else if (f.o === 2) { // LDRD
    ctx.mem(MEM.ldl_aligned);
    G.gen_op_mov_T3_T0(ob);
    G.gen_op_add_T1_im(ob, 4);
    ctx.mem(MEM.ldl_aligned);
    ctx.storeReg(f.d + 1);
    G.gen_op_mov_T0_T3(ob);
    ctx.storeReg(f.d);
    if (wb && f.n !== 15) { G.gen_op_mov_T0_T2(ob); ctx.storeReg(f.n); }
  } else { // STRD
    ctx.loadReg(0, f.d);
    ctx.mem(MEM.stl);
    G.gen_op_add_T1_im(ob, 4);
    ctx.loadReg(0, f.d + 1);
    ctx.mem(MEM.stl);
    if (wb && f.n !== 15) { G.gen_op_mov_T0_T2(ob); ctx.storeReg(f.n); }
  }
  return true;
}

const EXTRA_NAMES = [['', 'strh', 'ldrd', 'strd'], ['', 'ldrh', 'ldrsb', 'ldrsh']];
function addrText(f: Record<string, number>, offset: string | null): string {
  const wb = f.W ? '!' : '';
  if (offset === null) return `[${reg(f.n)}]`;
  return f.P ? `[${reg(f.n)}, ${offset}]${wb}` : `[${reg(f.n)}], ${offset}`;
}
/** An immediate offset: omitted only for `[rn, #+0]` without writeback (objdump keeps `#-0`). */
const immOffset = (f: Record<string, number>): string | null => (f.i || !f.P || f.W || !f.U ? `#${u(f)}${f.i}` : null);
const LDM_MODES = ['da', 'ia', 'db', 'ib'];

/** SMULxy-style halfword selection: T0 = half x of rm, T1 = half y of rs, T0 = T0 * T1. */
function halfwordProduct(ctx: DisasContext, f: Record<string, number>): void {
  const ob = ctx.ob;
  ctx.loadReg(0, f.m);
  if (f.x) G.gen_op_sar_T0_im(ob, 16); else G.gen_op_sxth_T0(ob);
  ctx.loadReg(1, f.s);
  if (f.y) G.gen_op_sar_T1_im(ob, 16); else G.gen_op_sxth_T1(ob);
  G.gen_op_mul_T0_T1(ob);
}
const xy = (f: Record<string, number>): string => `${f.x ? 't' : 'b'}${f.y ? 't' : 'b'}`;

export const ARM_PATTERNS: P[] = [
  // --- the unconditional space (cond = 1111) ---
  {
    name: 'blx_imm', pattern: '1111 101h iiii iiii iiii iiii iiii iiii',
    trans: (ctx, f) => {
      ctx.loadImm(0, ctx.pc + 4);
      ctx.storeReg(14);
      ctx.jumpImm((ctx.pcValue + (sext(f.i, 24) << 2) + (f.h << 1)) | 0, true);
    },
    disas: (f, pc) => `blx ${hex(pc + 8 + (sext(f.i, 24) << 2) + (f.h << 1))}`,
  },
  { name: 'pld_imm', pattern: '1111 0101 U101 nnnn 1111 iiii iiii iiii', trans: () => {}, disas: (f) => `pld ${addrText({ ...f, P: 1, W: 0 }, immOffset({ ...f, P: 1, W: 0 }))}` },
  { name: 'pld_reg', pattern: '1111 0111 U101 nnnn 1111 aaaa att0 mmmm', trans: () => {}, disas: (f) => `pld [${reg(f.n)}, ${u(f)}${shiftedReg(f.m, f.t, f.a)}]` },
  { name: 'uncond_undef', pattern: '1111 ---- ---- ---- ---- ---- ---- ----', trans: () => false, disas: () => 'undefined' },

  // --- multiplies and the other encodings with bits 7 and 4 set ---
  {
    name: 'mul', pattern: 'cccc 0000 00AS dddd nnnn ssss 1001 mmmm',
    trans: (ctx, f) => {
      ctx.loadReg(0, f.m); ctx.loadReg(1, f.s); G.gen_op_mul_T0_T1(ctx.ob);
      if (f.A) { ctx.loadReg(1, f.n); G.gen_op_add_T0_T1(ctx.ob); }
      if (f.S) G.gen_op_logic_T0_cc(ctx.ob);
      ctx.storeReg(f.d);
    },
    disas: (f) => f.A ? `mla${f.S ? 's' : ''}${c(f)} ${reg(f.d)}, ${reg(f.m)}, ${reg(f.s)}, ${reg(f.n)}`
      : `mul${f.S ? 's' : ''}${c(f)} ${reg(f.d)}, ${reg(f.m)}, ${reg(f.s)}`,
  },
  {
    name: 'mull', pattern: 'cccc 0000 1UAS hhhh llll ssss 1001 mmmm',
    trans: (ctx, f) => {
      ctx.loadReg(0, f.m); ctx.loadReg(1, f.s);
      if (f.U) G.gen_op_muls64_T0_T1(ctx.ob); else G.gen_op_mulu64_T0_T1(ctx.ob);
      if (f.A) { ctx.loadReg(2, f.l); ctx.loadReg(3, f.h); G.gen_op_add64_T0_T1_T2_T3(ctx.ob); }
      if (f.S) G.gen_op_logic64_cc(ctx.ob);
      ctx.storeReg(f.l); ctx.storeRegT1(f.h);
    },
    disas: (f) => `${f.U ? 's' : 'u'}${f.A ? 'mlal' : 'mull'}${f.S ? 's' : ''}${c(f)} ${reg(f.l)}, ${reg(f.h)}, ${reg(f.m)}, ${reg(f.s)}`,
  },
  {
    name: 'swp', pattern: 'cccc 0001 0B00 nnnn dddd ---- 1001 mmmm',
    trans: (ctx, f) => {
      ctx.loadReg(1, f.n);
      ctx.mem(f.B ? MEM.ldub : MEM.ldl);
      G.gen_op_mov_T3_T0(ctx.ob);
      ctx.loadReg(0, f.m);
      ctx.mem(f.B ? MEM.stb : MEM.stl);
      G.gen_op_mov_T0_T3(ctx.ob);
      ctx.storeReg(f.d);
    },
    disas: (f) => `swp${f.B ? 'b' : ''}${c(f)} ${reg(f.d)}, ${reg(f.m)}, [${reg(f.n)}]`,
  },
  {
    name: 'ldst_extra_imm', pattern: 'cccc 000P U1WL nnnn dddd iiii 1oo1 iiii',
    when: (f) => f.o !== 0 && (f.L !== 0 || f.o === 1 || (f.d & 1) === 0),
    trans: (ctx, f) => { genAddress(ctx, f.n, f.U !== 0, f.P !== 0, false, f.i); return extraLoadStore(ctx, f); },
    disas: (f) => `${EXTRA_NAMES[f.L][f.o]}${c(f)} ${reg(f.d)}, ${addrText(f, immOffset(f))}`,
  },
  {
    name: 'ldst_extra_reg', pattern: 'cccc 000P U0WL nnnn dddd ---- 1oo1 mmmm',
    when: (f) => f.o !== 0 && (f.L !== 0 || f.o === 1 || (f.d & 1) === 0),
    trans: (ctx, f) => { ctx.loadReg(1, f.m); genAddress(ctx, f.n, f.U !== 0, f.P !== 0, true); return extraLoadStore(ctx, f); },
    disas: (f) => `${EXTRA_NAMES[f.L][f.o]}${c(f)} ${reg(f.d)}, ${addrText(f, `${u(f)}${reg(f.m)}`)}`,
  },
  { name: 'extra_undef', pattern: 'cccc 000- ---- ---- ---- ---- 1--1 ----', trans: () => false, disas: () => 'undefined' },

  // --- the miscellaneous space (compare opcodes without S) ---
  {
    name: 'mrs', pattern: 'cccc 0001 0R00 ---- dddd ---- 0000 ----',
    trans: (ctx, f) => { if (f.R) G.gen_op_movl_T0_spsr(ctx.ob); else G.gen_op_movl_T0_cpsr(ctx.ob); ctx.storeReg(f.d); },
    disas: (f) => `mrs${c(f)} ${reg(f.d)}, ${f.R ? 'SPSR' : 'CPSR'}`,
  },
  {
    name: 'msr_reg', pattern: 'cccc 0001 0R10 ffff ---- ---- 0000 mmmm',
    trans: (ctx, f) => { ctx.loadReg(0, f.m); genMsr(ctx, f); },
    disas: (f) => `msr${c(f)} ${psrFields(f)}, ${reg(f.m)}`,
  },
  {
    name: 'bx', pattern: 'cccc 0001 0010 ---- ---- ---- 0001 mmmm',
    trans: (ctx, f) => { ctx.loadReg(0, f.m); ctx.bxT0(); },
    disas: (f) => `bx${c(f)} ${reg(f.m)}`,
  },
  {
    name: 'blx_reg', pattern: 'cccc 0001 0010 ---- ---- ---- 0011 mmmm',
    trans: (ctx, f) => { ctx.loadReg(0, f.m); ctx.loadImm(1, ctx.pc + 4); ctx.storeRegT1(14); ctx.bxT0(); },
    disas: (f) => `blx${c(f)} ${reg(f.m)}`,
  },
  {
    name: 'clz', pattern: 'cccc 0001 0110 ---- dddd ---- 0001 mmmm',
    trans: (ctx, f) => { ctx.loadReg(0, f.m); G.gen_op_clz_T0(ctx.ob); ctx.storeReg(f.d); },
    disas: (f) => `clz${c(f)} ${reg(f.d)}, ${reg(f.m)}`,
  },
  {
    name: 'qaddsub', pattern: 'cccc 0001 0oo0 nnnn dddd ---- 0101 mmmm',
    trans: (ctx, f) => {
      ctx.loadReg(0, f.m); ctx.loadReg(1, f.n);
      if (f.o & 2) G.gen_op_qdouble_T1(ctx.ob);
      if (f.o & 1) G.gen_op_qsub_T0_T1(ctx.ob); else G.gen_op_qadd_T0_T1(ctx.ob);
      ctx.storeReg(f.d);
    },
    disas: (f) => `${['qadd', 'qsub', 'qdadd', 'qdsub'][f.o]}${c(f)} ${reg(f.d)}, ${reg(f.m)}, ${reg(f.n)}`,
  },
  {
    name: 'bkpt', pattern: 'cccc 0001 0010 iiii iiii iiii 0111 iiii',
    trans: (ctx) => { ctx.raise(EXCP_BKPT, ctx.pc, false); },
    disas: (f) => `bkpt 0x${f.i.toString(16).padStart(4, '0')}`,
  },
  {
    name: 'smla_xy', pattern: 'cccc 0001 0000 dddd nnnn ssss 1yx0 mmmm',
    trans: (ctx, f) => { halfwordProduct(ctx, f); ctx.loadReg(1, f.n); G.gen_op_addq_T0_T1(ctx.ob); ctx.storeReg(f.d); },
    disas: (f) => `smla${xy(f)}${c(f)} ${reg(f.d)}, ${reg(f.m)}, ${reg(f.s)}, ${reg(f.n)}`,
  },
  {
    name: 'smlaw_smulw', pattern: 'cccc 0001 0010 dddd nnnn ssss 1yM0 mmmm',
    trans: (ctx, f) => {
      ctx.loadReg(0, f.m); ctx.loadReg(1, f.s);
      if (f.y) G.gen_op_sar_T1_im(ctx.ob, 16);
      G.gen_op_shl_T1_im(ctx.ob, 16);
      G.gen_op_mulhs_T0_T1(ctx.ob);
      if (!f.M) { ctx.loadReg(1, f.n); G.gen_op_addq_T0_T1(ctx.ob); }
      ctx.storeReg(f.d);
    },
    disas: (f) => f.M ? `smulw${f.y ? 't' : 'b'}${c(f)} ${reg(f.d)}, ${reg(f.m)}, ${reg(f.s)}`
      : `smlaw${f.y ? 't' : 'b'}${c(f)} ${reg(f.d)}, ${reg(f.m)}, ${reg(f.s)}, ${reg(f.n)}`,
  },
  {
    name: 'smlal_xy', pattern: 'cccc 0001 0100 hhhh llll ssss 1yx0 mmmm',
    trans: (ctx, f) => {
      halfwordProduct(ctx, f);
      G.gen_op_mov_T1_T0(ctx.ob); G.gen_op_sar_T1_im(ctx.ob, 31);
      ctx.loadReg(2, f.l); ctx.loadReg(3, f.h); G.gen_op_add64_T0_T1_T2_T3(ctx.ob);
      ctx.storeReg(f.l); ctx.storeRegT1(f.h);
    },
    disas: (f) => `smlal${xy(f)}${c(f)} ${reg(f.l)}, ${reg(f.h)}, ${reg(f.m)}, ${reg(f.s)}`,
  },
  {
    name: 'smul_xy', pattern: 'cccc 0001 0110 dddd ---- ssss 1yx0 mmmm',
    trans: (ctx, f) => { halfwordProduct(ctx, f); ctx.storeReg(f.d); },
    disas: (f) => `smul${xy(f)}${c(f)} ${reg(f.d)}, ${reg(f.m)}, ${reg(f.s)}`,
  },
  {
    name: 'msr_imm', pattern: 'cccc 0011 0R10 ffff ---- rrrr iiii iiii',
    trans: (ctx, f) => { ctx.loadImm(0, rotateImm(f.i, f.r)); genMsr(ctx, f); },
    disas: (f) => `msr${c(f)} ${psrFields(f)}, ${imm(rotateImm(f.i, f.r))}`,
  },
  { name: 'misc_undef', pattern: 'cccc 00-1 0--0 ---- ---- ---- ---- ----', trans: () => false, disas: () => 'undefined' },

  // --- data processing ---
  {
    name: 'dp_imm', pattern: 'cccc 001o oooS nnnn dddd rrrr iiii iiii',
    trans: (ctx, f) => {
      const v = rotateImm(f.i, f.r);
      if (f.o !== DP_MOV && f.o !== DP_MVN) ctx.loadReg(0, f.n);
      ctx.loadImm(1, v);
      if (f.S && f.r !== 0 && isLogicalOp(f.o)) G.gen_op_set_cf_im(ctx.ob, v >>> 31);
      finishDataProc(ctx, f.o, f.S, f.d);
    },
    disas: (f) => dpText(f, imm(rotateImm(f.i, f.r))),
  },
  {
    name: 'dp_reg_imm', pattern: 'cccc 000o oooS nnnn dddd aaaa att0 mmmm',
    trans: (ctx, f) => {
      if (f.o !== DP_MOV && f.o !== DP_MVN) ctx.loadReg(0, f.n);
      ctx.loadReg(1, f.m);
      genShiftImm(ctx, f.t, f.a, f.S !== 0 && isLogicalOp(f.o));
      finishDataProc(ctx, f.o, f.S, f.d);
    },
    disas: (f) => f.o === DP_MOV && (f.t !== 0 || f.a !== 0)
      ? (f.t === 3 && f.a === 0 ? movShiftText(f, 'rrx') : `${movShiftText(f, SHIFT_NAMES[f.t])}, #${f.a === 0 ? 32 : f.a}`)
      : dpText(f, shiftedReg(f.m, f.t, f.a)),
  },
  {
    name: 'dp_reg_reg', pattern: 'cccc 000o oooS nnnn dddd ssss 0tt1 mmmm',
    trans: (ctx, f) => {
      const pc12 = ctx.pc + 12;
      if (f.o !== DP_MOV && f.o !== DP_MVN) ctx.loadReg(0, f.n, pc12);
      ctx.loadReg(1, f.m, pc12);
      ctx.loadReg(2, f.s, pc12);
      genShiftReg(ctx, f.t, f.S !== 0 && isLogicalOp(f.o));
      finishDataProc(ctx, f.o, f.S, f.d);
    },
    disas: (f) => f.o === DP_MOV ? `${movShiftText(f, SHIFT_NAMES[f.t])}, ${reg(f.s)}` : dpText(f, shiftedReg(f.m, f.t, 0, f.s)),
  },

  // --- single loads and stores ---
  {
    name: 'ldst_imm', pattern: 'cccc 010P UBWL nnnn dddd iiii iiii iiii',
    trans: (ctx, f) => {
      genAddress(ctx, f.n, f.U !== 0, f.P !== 0, false, f.i);
      ctx.userAccess = !f.P && f.W !== 0; // LDRT, STRT, LDRBT, STRBT
      genLoadStore(ctx, f.L !== 0, f.d, f.L ? (f.B ? MEM.ldub : MEM.ldl) : (f.B ? MEM.stb : MEM.stl), !f.P || f.W !== 0, f.n);
      ctx.userAccess = false;
    },
    disas: (f) => {
      // objdump prints the single-register stack forms as push/pop.
      if (f.n === 13 && f.i === 4 && !f.B && f.P === (f.L ? 0 : 1) && f.U === f.L && f.W === (f.L ? 0 : 1)) {
        return `${f.L ? 'pop' : 'push'}${c(f)} {${reg(f.d)}}`;
      }
      return `${f.L ? 'ldr' : 'str'}${f.B ? 'b' : ''}${!f.P && f.W ? 't' : ''}${c(f)} ${reg(f.d)}, ${addrText(f, immOffset(f))}`;
    },
  },
  { name: 'media_undef', pattern: 'cccc 011- ---- ---- ---- ---- ---1 ----', trans: () => false, disas: () => 'undefined' },
  {
    name: 'ldst_reg', pattern: 'cccc 011P UBWL nnnn dddd aaaa att0 mmmm',
    trans: (ctx, f) => {
      ctx.loadReg(1, f.m);
      genShiftImm(ctx, f.t, f.a, false);
      genAddress(ctx, f.n, f.U !== 0, f.P !== 0, true);
      ctx.userAccess = !f.P && f.W !== 0;
      genLoadStore(ctx, f.L !== 0, f.d, f.L ? (f.B ? MEM.ldub : MEM.ldl) : (f.B ? MEM.stb : MEM.stl), !f.P || f.W !== 0, f.n);
      ctx.userAccess = false;
    },
    disas: (f) => `${f.L ? 'ldr' : 'str'}${f.B ? 'b' : ''}${!f.P && f.W ? 't' : ''}${c(f)} ${reg(f.d)}, ${addrText(f, `${u(f)}${shiftedReg(f.m, f.t, f.a)}`)}`,
  },

  // --- block transfers and branches ---
  {
    name: 'ldm_stm', pattern: 'cccc 100P USWL nnnn rrrr rrrr rrrr rrrr',
    when: (f) => f.r !== 0,
    trans: (ctx, f) => genBlockTransfer(ctx, f.L !== 0, f.n, f.r, f.P !== 0, f.U !== 0, f.W !== 0, f.S !== 0),
    disas: (f) => ldmText(f),
  },
  { name: 'ldm_empty', pattern: 'cccc 100- ---- ---- 0000 0000 0000 0000', trans: () => false, disas: () => 'undefined' },
  {
    name: 'b', pattern: 'cccc 101L iiii iiii iiii iiii iiii iiii',
    trans: (ctx, f) => {
      const target = (ctx.pcValue + (sext(f.i, 24) << 2)) | 0;
      if (f.L) { ctx.loadImm(0, ctx.pc + 4); ctx.storeReg(14); ctx.jumpImm(target); }
      else if (f.c < 14) ctx.branchCond(f.c, target);
      else ctx.jumpImm(target);
    },
    disas: (f, pc) => `b${f.L ? 'l' : ''}${c(f)} ${hex(pc + 8 + (sext(f.i, 24) << 2))}`,
  },

  // --- coprocessors and SWI ---
  { name: 'ldc_stc', pattern: 'cccc 110- ---- ---- ---- ---- ---- ----', trans: () => false, disas: () => 'undefined' },
  {
    name: 'mrc_mcr', pattern: 'cccc 1110 oooL nnnn dddd pppp OOO1 mmmm',
    when: (f) => f.p === 15,
    trans: (ctx, f) => {
      const spec = cp15Spec(f.o, f.n, f.m, f.O);
      if (f.L) {
        G.gen_op_mrc_cp15_T0(ctx.ob, spec);
        if (f.d === 15) G.gen_op_movl_cpsr_nzcv_T0(ctx.ob);
        else ctx.storeReg(f.d);
      } else {
        ctx.loadReg(0, f.d);
        G.gen_op_mcr_cp15_T0(ctx.ob, spec);
        // c7, c0, 4 is the ARM926's wait for interrupt: the exec loop idles until one arrives.
        if (spec === cp15Spec(0, 7, 0, 4)) ctx.raise(EXCP_WFI, ctx.nextPc, true);
        else ctx.endAfter();
      }
    },
    disas: (f) => `${f.L ? 'mrc' : 'mcr'}${c(f)} 15, ${f.o}, ${f.L && f.d === 15 ? 'APSR_nzcv' : reg(f.d)}, cr${f.n}, cr${f.m}, {${f.O}}`,
  },
  { name: 'cp_undef', pattern: 'cccc 1110 ---- ---- ---- ---- ---- ----', trans: () => false, disas: () => 'undefined' },
  {
    name: 'swi', pattern: 'cccc 1111 iiii iiii iiii iiii iiii iiii',
    trans: (ctx) => { ctx.raise(EXCP_SWI, ctx.nextPc, true); },
    disas: (f) => `svc${c(f)} 0x${f.i.toString(16).padStart(8, '0')}`,
  },
];

function genMsr(ctx: DisasContext, f: Record<string, number>): void {
  if (!f.R && f.f === 8) { G.gen_op_movl_cpsr_flags_T0(ctx.ob); return; }
  G.gen_op_msr_T0(ctx.ob, f.f, f.R);
  // A write to the CPSR's control byte may change mode or mask interrupts: the next block must see it.
  if (!f.R && (f.f & 1)) ctx.endAfter();
}

function psrFields(f: Record<string, number>): string {
  return `${f.R ? 'SPSR' : 'CPSR'}_${['f', 's', 'x', 'c'].filter((_, i) => f.f & (8 >> i)).join('')}`;
}

/**
 * LDM/STM as objdump prints them: `push`/`pop` for STMDB/LDMIA sp! (`stmfd`/`ldmfd` with one
 * register), `ldm` for LDMIA, `stm` for a plain STMIA, the mode suffix otherwise.
 */
function ldmText(f: Record<string, number>): string {
  const mode = (f.P << 1) | f.U;
  if (f.n === 13 && f.W && !f.S && (f.L ? mode === 1 : mode === 2)) {
    if (f.r & (f.r - 1)) return `${f.L ? 'pop' : 'push'}${c(f)} ${regList(f.r)}`;
    return `${f.L ? 'ldmfd' : 'stmfd'}${c(f)} sp!, ${regList(f.r)}`;
  }
  const mn = f.L && mode === 1 ? 'ldm' : !f.L && mode === 1 && !f.W && !f.S ? 'stm' : `${f.L ? 'ldm' : 'stm'}${LDM_MODES[mode]}`;
  return `${mn}${c(f)} ${reg(f.n)}${f.W ? '!' : ''}, ${regList(f.r)}${f.S ? '^' : ''}`;
}

/** Indexed on bits 27..20 and 7..4, ARM's classic decode bits. */
export const armDecoder = new Decoder<DisasContext>(32, ARM_PATTERNS, [[20, 8], [4, 4]]);

/** Translate one ARM instruction at ctx.pc; the caller has set pc/nextPc/retired. */
export function translateArmInsn(ctx: DisasContext, insn: number): void {
  const d = armDecoder.decode(insn);
  const condField = insn >>> 28;
  // Conditional execution: the branch pattern folds its condition into a conditional jump.
  const conditional = condField < 14 && !(d && d.pattern.name === 'b' && !d.fields.L);
  if (conditional) ctx.beginConditional(condField);
  if (!d || d.pattern.trans(ctx, d.fields, insn) === false) ctx.undefined();
  if (conditional) ctx.endConditional();
}

export function disasArm(insn: number, pc: number): string {
  const d = armDecoder.decode(insn);
  return d ? d.pattern.disas(d.fields, pc, insn) : 'undefined';
}

export { SHIFT_NAMES };
