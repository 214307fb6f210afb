/**
 * Thumb state (ARMv5TE Thumb-1, ARM ARM chapter A7) instruction patterns, in the style of
 * decode-arm.ts: each entry decodes one 16-bit encoding class and holds its translator and its
 * disassembler (GNU objdump syntax) side by side. Field letters: d Rd (or Rdn), n Rn, m Rm/Rs,
 * o opcode, i immediates, r register lists, c cond, H/h high-register bits, L load, R lr/pc bit.
 *
 * Thumb has no conditional execution besides B<cond>, so every pattern runs unconditionally.
 * All low-register data processing sets the flags; the high-register ADD/MOV, ADD rd, pc/sp
 * and ADD/SUB sp do not. The pc reads as the instruction's address + 4.
 *
 * BL/BLX(1) are two 16-bit instructions (ARM ARM A7.1.17), translated separately as ARMv5
 * allows: the prefix (H=10) sets LR = pc + 4 + (offset << 12), the suffix (H=11 BL, H=01 BLX)
 * branches to LR + (offset << 1) and sets LR = next instruction | 1. When the prefix was
 * translated just before the suffix in the same block the target is a constant.
 */
import { Decoder, type Pattern } from '../decoder.js';
import * as G from '../generated/arm/ops.js';
import { EXCP_BKPT, EXCP_SWI } from '../../ops/arm/state.js';
import {
  DP_ADC, DP_ADD, DP_AND, DP_BIC, DP_CMN, DP_CMP, DP_EOR, DP_MOV, DP_MVN, DP_ORR, DP_SBC, DP_SUB, DP_TST,
  DisasContext, MEM, SHIFT_ASR, SHIFT_LSL, SHIFT_LSR, SHIFT_ROR, genAddress, genBlockTransfer, genDataProc,
  genLoadStore, genShiftImm, genShiftReg,
} from './translate.js';
import { cond, hex, reg, regList } from './disas-util.js';

type P = Pattern<DisasContext>;
const sext = (v: number, bits: number): number => (v << (32 - bits)) >> (32 - bits);
/** Thumb immediates print in decimal as objdump does, with the hex value as a comment from 10 on. */
const dimm = (v: number): string => `#${v}`;
const cmt = (v: number): string => (v > 9 ? `\t@ ${hex(v)}` : '');

/** Rd = Rd <op> Rm with flags (the data-processing register format's ALU ops). */
function aluRegs(ctx: DisasContext, op: number, d: number, m: number): void {
  if (op !== DP_MVN) ctx.loadReg(0, d);
  ctx.loadReg(1, m);
  if (genDataProc(ctx, op, true)) ctx.storeReg(d);
}

/** Rd = T1 (already shifted, C set by the shifter) with N and Z from the result. */
function movsT1(ctx: DisasContext, d: number): void {
  genDataProc(ctx, DP_MOV, true);
  ctx.storeReg(d);
}

// The data-processing register format: op 0..15 → [name, how to translate].
const THUMB_DP_NAMES = ['ands', 'eors', 'lsls', 'lsrs', 'asrs', 'adcs', 'sbcs', 'rors',
  'tst', 'negs', 'cmp', 'cmn', 'orrs', 'muls', 'bics', 'mvns'];
const THUMB_DP_ALU: (number | undefined)[] = [DP_AND, DP_EOR, undefined, undefined, undefined, DP_ADC, DP_SBC, undefined,
  DP_TST, undefined, DP_CMP, DP_CMN, DP_ORR, undefined, DP_BIC, DP_MVN];
const THUMB_DP_SHIFT: Record<number, number> = { 2: SHIFT_LSL, 3: SHIFT_LSR, 4: SHIFT_ASR, 7: SHIFT_ROR };

const LDST_REG_NAMES = ['str', 'strh', 'strb', 'ldrsb', 'ldr', 'ldrh', 'ldrb', 'ldrsh'];
const LDST_REG_OPS = [MEM.stl, MEM.stw, MEM.stb, MEM.ldsb, MEM.ldl, MEM.lduw, MEM.ldub, MEM.ldsw];

// --- the BL/BLX pair ---------------------------------------------------------------------------
/** The last BL prefix translated per block: its pc, the block's retired count then, and LR's value. */
const blPrefix = new WeakMap<DisasContext, { pc: number; retired: number; lr: number }>();

/** The LR value a BL prefix at `pc` sets. */
const prefixLr = (pc: number, off: number): number => (pc + 4 + (sext(off, 11) << 12)) | 0;

function blSuffix(ctx: DisasContext, off: number, toArm: boolean): void {
  const ob = ctx.ob;
  const prev = blPrefix.get(ctx);
  const returnAddr = (ctx.nextPc | 1) | 0;
  if (prev && prev.pc === ctx.pc - 2 && prev.retired === ctx.retired - 1) {
    // The prefix is the previous instruction of this block: LR is known at translation time.
    let target = (prev.lr + (off << 1)) | 0;
    if (toArm) target &= ~3;
    ctx.loadImm(0, returnAddr);
    ctx.storeReg(14);
    ctx.jumpImm(target, !toArm);
    return;
  }
  ctx.loadReg(0, 14);
  if (off !== 0) G.gen_op_add_T0_im(ob, off << 1);
  if (toArm) G.gen_op_and_T0_im(ob, ~3);
  ctx.loadImm(1, returnAddr);
  ctx.storeRegT1(14);
  if (toArm) ctx.bxT0(); // bit 0 clear: ARM state
  else ctx.jumpT0();
}

export const THUMB_PATTERNS: P[] = [
  // --- shift by immediate, add/subtract (format 1, 2) ---
  {
    name: 'addsub', pattern: '0001 1Io mmm nnn ddd',
    trans: (ctx, f) => {
      ctx.loadReg(0, f.n);
      if (f.I) ctx.loadImm(1, f.m); else ctx.loadReg(1, f.m);
      genDataProc(ctx, f.o ? DP_SUB : DP_ADD, true);
      ctx.storeReg(f.d);
    },
    disas: (f) => `${f.o ? 'subs' : 'adds'} ${reg(f.d)}, ${reg(f.n)}, ${f.I ? dimm(f.m) : reg(f.m)}`,
  },
  {
    name: 'shift_imm', pattern: '000 tt iiiii mmm ddd',
    when: (f) => f.t !== 3,
    trans: (ctx, f) => {
      ctx.loadReg(1, f.m);
      genShiftImm(ctx, f.t, f.i, true); // LSL #0 keeps C; LSR/ASR #0 mean #32
      movsT1(ctx, f.d);
    },
    disas: (f) => f.t === SHIFT_LSL && f.i === 0 ? `movs ${reg(f.d)}, ${reg(f.m)}`
      : `${['lsls', 'lsrs', 'asrs'][f.t]} ${reg(f.d)}, ${reg(f.m)}, #${f.i === 0 ? 32 : f.i}`,
  },

  // --- MOV/CMP/ADD/SUB with an 8-bit immediate (format 3) ---
  {
    name: 'imm8', pattern: '001 oo ddd iiiiiiii',
    trans: (ctx, f) => {
      const op = [DP_MOV, DP_CMP, DP_ADD, DP_SUB][f.o];
      if (op !== DP_MOV) ctx.loadReg(0, f.d);
      ctx.loadImm(1, f.i);
      if (genDataProc(ctx, op, true)) ctx.storeReg(f.d);
    },
    disas: (f) => `${['movs', 'cmp', 'adds', 'subs'][f.o]} ${reg(f.d)}, ${dimm(f.i)}${cmt(f.i)}`,
  },

  // --- data processing on low registers (format 4) ---
  {
    name: 'dp_reg', pattern: '010000 oooo mmm ddd',
    trans: (ctx, f) => {
      const ob = ctx.ob;
      const alu = THUMB_DP_ALU[f.o];
      if (alu !== undefined) { aluRegs(ctx, alu, f.d, f.m); return; }
      const shift = THUMB_DP_SHIFT[f.o];
      if (shift !== undefined) {
        // Shift by the low byte of Rs with ARM's rules for amounts of 0 and 32 and more.
        ctx.loadReg(1, f.d);
        ctx.loadReg(2, f.m);
        genShiftReg(ctx, shift, true);
        movsT1(ctx, f.d);
        return;
      }
      if (f.o === 9) { // NEG: Rd = 0 - Rm
        ctx.loadImm(0, 0);
        ctx.loadReg(1, f.m);
        genDataProc(ctx, DP_SUB, true);
        ctx.storeReg(f.d);
        return;
      }
      // MUL: Rd = Rm * Rd, N and Z from the result (C unpredictable on ARMv5: left unchanged).
      ctx.loadReg(0, f.d);
      ctx.loadReg(1, f.m);
      G.gen_op_mul_T0_T1(ob);
      G.gen_op_logic_T0_cc(ob);
      ctx.storeReg(f.d);
    },
    disas: (f) => `${THUMB_DP_NAMES[f.o]} ${reg(f.d)}, ${reg(f.m)}`,
  },

  // --- high registers and branch exchange (format 5) ---
  {
    name: 'hi_add', pattern: '010001 00 H mmmm ddd',
    trans: (ctx, f) => {
      const d = (f.H << 3) | f.d;
      ctx.loadReg(0, d);
      ctx.loadReg(1, f.m);
      G.gen_op_add_T0_T1(ctx.ob);
      ctx.storeReg(d); // ADD pc, Rm jumps without interworking
    },
    disas: (f) => `add ${reg((f.H << 3) | f.d)}, ${reg(f.m)}`,
  },
  {
    name: 'hi_cmp', pattern: '010001 01 H mmmm ddd',
    trans: (ctx, f) => {
      ctx.loadReg(0, (f.H << 3) | f.d);
      ctx.loadReg(1, f.m);
      genDataProc(ctx, DP_CMP, true);
    },
    disas: (f) => `cmp ${reg((f.H << 3) | f.d)}, ${reg(f.m)}`,
  },
  {
    name: 'hi_mov', pattern: '010001 10 H mmmm ddd',
    trans: (ctx, f) => {
      ctx.loadReg(0, f.m);
      ctx.storeReg((f.H << 3) | f.d); // MOV pc, Rm jumps without interworking
    },
    disas: (f) => {
      const d = (f.H << 3) | f.d;
      return d === 8 && f.m === 8 ? 'nop\t@ (mov r8, r8)' : `mov ${reg(d)}, ${reg(f.m)}`;
    },
  },
  {
    name: 'bx', pattern: '010001 11 0 mmmm ---',
    trans: (ctx, f) => { ctx.loadReg(0, f.m); ctx.bxT0(); },
    disas: (f) => `bx ${reg(f.m)}`,
  },
  {
    name: 'blx_reg', pattern: '010001 11 1 mmmm ---',
    when: (f) => f.m !== 15, // BLX pc is unpredictable: undefined here as in objdump
    trans: (ctx, f) => {
      ctx.loadReg(0, f.m);
      ctx.loadImm(1, ctx.nextPc | 1);
      ctx.storeRegT1(14);
      ctx.bxT0();
    },
    disas: (f) => `blx ${reg(f.m)}`,
  },

  // --- loads and stores ---
  {
    name: 'ldr_pc', pattern: '01001 ddd iiiiiiii',
    trans: (ctx, f) => {
      ctx.loadImm(1, ((ctx.pcValue & ~3) + (f.i << 2)) | 0);
      ctx.mem(MEM.ldl);
      ctx.storeRegFromLoad(f.d);
    },
    disas: (f, pc) => `ldr ${reg(f.d)}, [pc, #${f.i << 2}]\t@ (${hex(((pc + 4) & ~3) + (f.i << 2))})`,
  },
  {
    name: 'ldst_reg', pattern: '0101 ooo mmm nnn ddd',
    trans: (ctx, f) => {
      ctx.loadReg(1, f.m);
      genAddress(ctx, f.n, true, true, true);
      genLoadStore(ctx, f.o >= 3, f.d, LDST_REG_OPS[f.o], false, f.n);
    },
    disas: (f) => `${LDST_REG_NAMES[f.o]} ${reg(f.d)}, [${reg(f.n)}, ${reg(f.m)}]`,
  },
  {
    name: 'ldst_imm', pattern: '011 BL iiiii nnn ddd',
    trans: (ctx, f) => {
      genAddress(ctx, f.n, true, true, false, f.B ? f.i : f.i << 2);
      genLoadStore(ctx, f.L !== 0, f.d, f.L ? (f.B ? MEM.ldub : MEM.ldl) : (f.B ? MEM.stb : MEM.stl), false, f.n);
    },
    disas: (f) => {
      const off = f.B ? f.i : f.i << 2;
      return `${f.L ? 'ldr' : 'str'}${f.B ? 'b' : ''} ${reg(f.d)}, [${reg(f.n)}, #${off}]${cmt(off)}`;
    },
  },
  {
    name: 'ldst_half', pattern: '1000 L iiiii nnn ddd',
    trans: (ctx, f) => {
      genAddress(ctx, f.n, true, true, false, f.i << 1);
      genLoadStore(ctx, f.L !== 0, f.d, f.L ? MEM.lduw : MEM.stw, false, f.n);
    },
    disas: (f) => `${f.L ? 'ldrh' : 'strh'} ${reg(f.d)}, [${reg(f.n)}, #${f.i << 1}]${cmt(f.i << 1)}`,
  },
  {
    name: 'ldst_sp', pattern: '1001 L ddd iiiiiiii',
    trans: (ctx, f) => {
      genAddress(ctx, 13, true, true, false, f.i << 2);
      genLoadStore(ctx, f.L !== 0, f.d, f.L ? MEM.ldl : MEM.stl, false, 13);
    },
    disas: (f) => `${f.L ? 'ldr' : 'str'} ${reg(f.d)}, [sp, #${f.i << 2}]${cmt(f.i << 2)}`,
  },

  // --- address arithmetic ---
  {
    name: 'add_pc_sp', pattern: '1010 S ddd iiiiiiii',
    trans: (ctx, f) => {
      if (f.S) {
        ctx.loadReg(0, 13);
        if (f.i) G.gen_op_add_T0_im(ctx.ob, f.i << 2);
      } else {
        ctx.loadImm(0, ((ctx.pcValue & ~3) + (f.i << 2)) | 0);
      }
      ctx.storeReg(f.d);
    },
    disas: (f, pc) => f.S ? `add ${reg(f.d)}, sp, #${f.i << 2}${cmt(f.i << 2)}`
      : `add ${reg(f.d)}, pc, #${f.i << 2}\t@ (adr ${reg(f.d)}, ${hex(((pc + 4) & ~3) + (f.i << 2))})`,
  },
  {
    name: 'adjust_sp', pattern: '1011 0000 S iiiiiii',
    trans: (ctx, f) => {
      ctx.loadReg(0, 13);
      if (f.i) G.gen_op_add_T0_im(ctx.ob, f.S ? -(f.i << 2) : f.i << 2);
      ctx.storeReg(13);
    },
    disas: (f) => `${f.S ? 'sub' : 'add'} sp, #${f.i << 2}${cmt(f.i << 2)}`,
  },

  // --- PUSH/POP, BKPT (the miscellaneous space; everything else in it is undefined on v5T) ---
  {
    name: 'push', pattern: '1011 010R rrrrrrrr',
    when: (f) => f.r !== 0 || f.R !== 0,
    trans: (ctx, f) => genBlockTransfer(ctx, false, 13, f.r | (f.R << 14), true, false, true, false),
    disas: (f) => `push ${regList(f.r | (f.R << 14))}`,
  },
  {
    name: 'pop', pattern: '1011 110R rrrrrrrr',
    when: (f) => f.r !== 0 || f.R !== 0,
    // A loaded pc interworks on ARMv5T (genBlockTransfer ends with bx).
    trans: (ctx, f) => genBlockTransfer(ctx, true, 13, f.r | (f.R << 15), false, true, true, false),
    disas: (f) => `pop ${regList(f.r | (f.R << 15))}`,
  },
  {
    name: 'bkpt', pattern: '1011 1110 iiiiiiii',
    trans: (ctx) => { ctx.raise(EXCP_BKPT, ctx.pc, false); },
    disas: (f) => `bkpt 0x${f.i.toString(16).padStart(4, '0')}`,
  },

  // --- LDMIA/STMIA ---
  {
    name: 'ldm_stm', pattern: '1100 L nnn rrrrrrrr',
    when: (f) => f.r !== 0,
    trans: (ctx, f) => {
      const wb = !f.L || (f.r & (1 << f.n)) === 0; // LDMIA with the base in the list: no writeback
      genBlockTransfer(ctx, f.L !== 0, f.n, f.r, false, true, wb, false);
    },
    disas: (f) => `${f.L ? 'ldmia' : 'stmia'} ${reg(f.n)}${!f.L || (f.r & (1 << f.n)) === 0 ? '!' : ''}, ${regList(f.r)}`,
  },

  // --- branches and SWI ---
  {
    name: 'udf', pattern: '1101 1110 iiiiiiii',
    trans: () => false,
    disas: (f) => `udf #${f.i}${cmt(f.i)}`,
  },
  {
    name: 'swi', pattern: '1101 1111 iiiiiiii',
    trans: (ctx) => { ctx.raise(EXCP_SWI, ctx.nextPc, true); },
    disas: (f) => `svc ${f.i}${cmt(f.i)}`,
  },
  {
    name: 'b_cond', pattern: '1101 cccc iiiiiiii',
    trans: (ctx, f) => { ctx.branchCond(f.c, (ctx.pcValue + (sext(f.i, 8) << 1)) | 0); },
    disas: (f, pc) => `b${cond(f.c)} ${hex(pc + 4 + (sext(f.i, 8) << 1))}`,
  },
  {
    name: 'b', pattern: '11100 iiiiiiiiiii',
    trans: (ctx, f) => { ctx.jumpImm((ctx.pcValue + (sext(f.i, 11) << 1)) | 0); },
    disas: (f, pc) => `b ${hex(pc + 4 + (sext(f.i, 11) << 1))}`,
  },
  {
    name: 'blx_suffix', pattern: '11101 iiiiiiiiiii',
    when: (f) => (f.i & 1) === 0,
    trans: (ctx, f) => { blSuffix(ctx, f.i, true); },
    disas: (f) => `blx.suffix lr + ${hex(f.i << 1)}`,
  },
  {
    name: 'bl_prefix', pattern: '11110 iiiiiiiiiii',
    trans: (ctx, f) => {
      const lr = prefixLr(ctx.pc, f.i);
      ctx.loadImm(0, lr);
      ctx.storeReg(14);
      blPrefix.set(ctx, { pc: ctx.pc, retired: ctx.retired, lr });
    },
    disas: (f, pc) => `bl.prefix lr = ${hex(prefixLr(pc, f.i))}`,
  },
  {
    name: 'bl_suffix', pattern: '11111 iiiiiiiiiii',
    trans: (ctx, f) => { blSuffix(ctx, f.i, false); },
    disas: (f) => `bl.suffix lr + ${hex(f.i << 1)}`,
  },
];

/** Indexed on the top eight bits, which separate every Thumb-1 format. */
export const thumbDecoder = new Decoder<DisasContext>(16, THUMB_PATTERNS, [[8, 8]]);

/** Translate one Thumb instruction at ctx.pc; the caller has set pc/nextPc (pc + 2)/retired. */
export function translateThumbInsn(ctx: DisasContext, insn: number): void {
  const d = thumbDecoder.decode(insn & 0xffff);
  if (!d || d.pattern.trans(ctx, d.fields, insn) === false) ctx.undefined();
}

/**
 * Disassemble one 16-bit Thumb instruction. Given the following halfword `next`, a BL/BLX
 * prefix followed by its suffix prints as the one `bl`/`blx` objdump shows for the pair.
 */
export function disasThumb(insn: number, pc: number, next?: number): string {
  insn &= 0xffff;
  if (next !== undefined && (insn >>> 11) === 0x1e) {
    const h = (next >>> 11) & 0x1f;
    if (h === 0x1f || (h === 0x1d && (next & 1) === 0)) {
      let target = (prefixLr(pc, insn & 0x7ff) + ((next & 0x7ff) << 1)) | 0;
      if (h === 0x1d) target &= ~3;
      return `${h === 0x1f ? 'bl' : 'blx'} ${hex(target)}`;
    }
  }
  const d = thumbDecoder.decode(insn);
  return d ? d.pattern.disas(d.fields, pc, insn) : 'undefined';
}

/** True for a BL/BLX prefix: the halfword that starts a 32-bit BL pair. */
export function isThumbBlPrefix(insn: number): boolean { return ((insn >>> 11) & 0x1f) === 0x1e; }
