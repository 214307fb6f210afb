/**
 * The Thumb decoder: every 16-bit encoding decodes, translates and disassembles without
 * throwing, and the disassembly of known encodings matches GNU objdump's text. The expected
 * text was produced by assembling a `.thumb` file with `arm-none-eabi-as -mcpu=arm926ej-s`
 * (binutils 2.40) and disassembling it with `arm-none-eabi-objdump -d`; it is hard-coded here
 * as a reference independent of this project. BL/BLX pairs are printed from both halves.
 */
import test from 'ava';
import { DisasContext } from '../runtime/arm/translate.js';
import { THUMB_PATTERNS, disasThumb, thumbDecoder, translateThumbInsn } from '../runtime/arm/decode-thumb.js';
import { normaliseDisas } from './support/disas-normalise.js';
import { OpState } from '../ops/core.js';
import { CF, EXCEPTION, EXCP_SWI, EXCP_UDEF, LR, NF, PC, SP, THUMB, VF, ZF } from '../ops/arm/state.js';
import * as armGen from '../runtime/generated/arm/ops.js';
import { OpTable } from '../runtime/op-table.js';
import { Interpreter } from '../runtime/interp.js';
import { newMemory } from './support/op-harness.js';

/** objdump -d output: address, encoding (a BL pair as insn + next), text. */
const OBJDUMP: { pc: number; insn: number; next?: number; text: string }[] = [
  { pc: 0x0, insn: 0x00c8, text: 'lsls\tr0, r1, #3' },
  { pc: 0x2, insn: 0x001a, text: 'movs\tr2, r3' },
  { pc: 0x4, insn: 0x082c, text: 'lsrs\tr4, r5, #32' },
  { pc: 0x6, insn: 0x086c, text: 'lsrs\tr4, r5, #1' },
  { pc: 0x8, insn: 0x103e, text: 'asrs\tr6, r7, #32' },
  { pc: 0xa, insn: 0x17fe, text: 'asrs\tr6, r7, #31' },
  { pc: 0xc, insn: 0x1888, text: 'adds\tr0, r1, r2' },
  { pc: 0xe, insn: 0x1b63, text: 'subs\tr3, r4, r5' },
  { pc: 0x10, insn: 0x1dc8, text: 'adds\tr0, r1, #7' },
  { pc: 0x12, insn: 0x1e08, text: 'subs\tr0, r1, #0' },
  { pc: 0x14, insn: 0x1c08, text: 'adds\tr0, r1, #0' },
  { pc: 0x16, insn: 0x23ff, text: 'movs\tr3, #255\t@ 0xff' },
  { pc: 0x18, insn: 0x2c00, text: 'cmp\tr4, #0' },
  { pc: 0x1a, insn: 0x35c8, text: 'adds\tr5, #200\t@ 0xc8' },
  { pc: 0x1c, insn: 0x3e01, text: 'subs\tr6, #1' },
  { pc: 0x1e, insn: 0x4008, text: 'ands\tr0, r1' },
  { pc: 0x20, insn: 0x4048, text: 'eors\tr0, r1' },
  { pc: 0x22, insn: 0x4088, text: 'lsls\tr0, r1' },
  { pc: 0x24, insn: 0x40c8, text: 'lsrs\tr0, r1' },
  { pc: 0x26, insn: 0x4108, text: 'asrs\tr0, r1' },
  { pc: 0x28, insn: 0x4148, text: 'adcs\tr0, r1' },
  { pc: 0x2a, insn: 0x4188, text: 'sbcs\tr0, r1' },
  { pc: 0x2c, insn: 0x41c8, text: 'rors\tr0, r1' },
  { pc: 0x2e, insn: 0x4208, text: 'tst\tr0, r1' },
  { pc: 0x30, insn: 0x4248, text: 'negs\tr0, r1' },
  { pc: 0x32, insn: 0x4288, text: 'cmp\tr0, r1' },
  { pc: 0x34, insn: 0x42c8, text: 'cmn\tr0, r1' },
  { pc: 0x36, insn: 0x4308, text: 'orrs\tr0, r1' },
  { pc: 0x38, insn: 0x4348, text: 'muls\tr0, r1' },
  { pc: 0x3a, insn: 0x4388, text: 'bics\tr0, r1' },
  { pc: 0x3c, insn: 0x43c8, text: 'mvns\tr0, r1' },
  { pc: 0x3e, insn: 0x4440, text: 'add\tr0, r8' },
  { pc: 0x40, insn: 0x4480, text: 'add\tr8, r0' },
  { pc: 0x42, insn: 0x448f, text: 'add\tpc, r1' },
  { pc: 0x44, insn: 0x449d, text: 'add\tsp, r3' },
  { pc: 0x46, insn: 0x4540, text: 'cmp\tr0, r8' },
  { pc: 0x48, insn: 0x45d1, text: 'cmp\tr9, sl' },
  { pc: 0x4a, insn: 0x4640, text: 'mov\tr0, r8' },
  { pc: 0x4c, insn: 0x4680, text: 'mov\tr8, r0' },
  { pc: 0x4e, insn: 0x46f7, text: 'mov\tpc, lr' },
  { pc: 0x50, insn: 0x46e3, text: 'mov\tfp, ip' },
  { pc: 0x58, insn: 0x4700, text: 'bx\tr0' },
  { pc: 0x5a, insn: 0x4770, text: 'bx\tlr' },
  { pc: 0x5c, insn: 0x4778, text: 'bx\tpc' },
  { pc: 0x5e, insn: 0x4798, text: 'blx\tr3' },
  { pc: 0x60, insn: 0x47f0, text: 'blx\tlr' },
  { pc: 0x62, insn: 0x4804, text: 'ldr\tr0, [pc, #16]\t@ (74 <start+0x74>)' },
  { pc: 0x64, insn: 0x4fff, text: 'ldr\tr7, [pc, #1020]\t@ (464 <armfunc+0x388>)' },
  { pc: 0x66, insn: 0x5088, text: 'str\tr0, [r1, r2]' },
  { pc: 0x68, insn: 0x5288, text: 'strh\tr0, [r1, r2]' },
  { pc: 0x6a, insn: 0x5488, text: 'strb\tr0, [r1, r2]' },
  { pc: 0x6c, insn: 0x5688, text: 'ldrsb\tr0, [r1, r2]' },
  { pc: 0x6e, insn: 0x5888, text: 'ldr\tr0, [r1, r2]' },
  { pc: 0x70, insn: 0x5a88, text: 'ldrh\tr0, [r1, r2]' },
  { pc: 0x72, insn: 0x5c88, text: 'ldrb\tr0, [r1, r2]' },
  { pc: 0x74, insn: 0x5e88, text: 'ldrsh\tr0, [r1, r2]' },
  { pc: 0x76, insn: 0x6048, text: 'str\tr0, [r1, #4]' },
  { pc: 0x78, insn: 0x6008, text: 'str\tr0, [r1, #0]' },
  { pc: 0x7a, insn: 0x6fc8, text: 'ldr\tr0, [r1, #124]\t@ 0x7c' },
  { pc: 0x7c, insn: 0x77c8, text: 'strb\tr0, [r1, #31]' },
  { pc: 0x7e, insn: 0x7808, text: 'ldrb\tr0, [r1, #0]' },
  { pc: 0x80, insn: 0x87c8, text: 'strh\tr0, [r1, #62]\t@ 0x3e' },
  { pc: 0x82, insn: 0x8848, text: 'ldrh\tr0, [r1, #2]' },
  { pc: 0x84, insn: 0x90ff, text: 'str\tr0, [sp, #1020]\t@ 0x3fc' },
  { pc: 0x86, insn: 0x9900, text: 'ldr\tr1, [sp, #0]' },
  { pc: 0x88, insn: 0x9901, text: 'ldr\tr1, [sp, #4]' },
  { pc: 0x8a, insn: 0xa004, text: 'add\tr0, pc, #16\t@ (adr r0, 9c <start+0x9c>)' },
  { pc: 0x8c, insn: 0xa9ff, text: 'add\tr1, sp, #1020\t@ 0x3fc' },
  { pc: 0x8e, insn: 0xa900, text: 'add\tr1, sp, #0' },
  { pc: 0x90, insn: 0xb07f, text: 'add\tsp, #508\t@ 0x1fc' },
  { pc: 0x92, insn: 0xb081, text: 'sub\tsp, #4' },
  { pc: 0x94, insn: 0xb000, text: 'add\tsp, #0' },
  { pc: 0x96, insn: 0xb501, text: 'push\t{r0, lr}' },
  { pc: 0x98, insn: 0xb4f0, text: 'push\t{r4, r5, r6, r7}' },
  { pc: 0x9a, insn: 0xbd01, text: 'pop\t{r0, pc}' },
  { pc: 0x9c, insn: 0xbc0a, text: 'pop\t{r1, r3}' },
  { pc: 0x9e, insn: 0xb500, text: 'push\t{lr}' },
  { pc: 0xa0, insn: 0xc006, text: 'stmia\tr0!, {r1, r2}' },
  { pc: 0xa2, insn: 0xc806, text: 'ldmia\tr0!, {r1, r2}' },
  { pc: 0xa4, insn: 0xc803, text: 'ldmia\tr0, {r0, r1}' },
  { pc: 0xa6, insn: 0xcbf7, text: 'ldmia\tr3!, {r0, r1, r2, r4, r5, r6, r7}' },
  { pc: 0xa8, insn: 0xd0aa, text: 'beq.n\t0 <start>' },
  { pc: 0xaa, insn: 0xd106, text: 'bne.n\tba <fwd>' },
  { pc: 0xac, insn: 0xdc05, text: 'bgt.n\tba <fwd>' },
  { pc: 0xae, insn: 0xe00a, text: 'b.n\tc6 <fwd2>' },
  { pc: 0xb0, insn: 0xdf12, text: 'svc\t18' },
  { pc: 0xb2, insn: 0xdfff, text: 'svc\t255\t@ 0xff' },
  { pc: 0xb4, insn: 0xe7a4, text: 'b.n\t0 <start>' },
  { pc: 0xb6, insn: 0xe000, text: 'b.n\tba <fwd>' },
  { pc: 0xb8, insn: 0xbe12, text: 'bkpt\t0x0012' },
  { pc: 0xba, insn: 0xf7ff, next: 0xffa1, text: 'bl\t0 <start>' },
  { pc: 0xbe, insn: 0xf000, next: 0xe80e, text: 'blx\tdc <armfunc>' },
  { pc: 0xc2, insn: 0xf7ff, next: 0xfffa, text: 'bl\tba <fwd>' },
  { pc: 0xda, insn: 0x46c0, text: 'nop\t\t\t@ (mov r8, r8)' },
  { pc: 0x0, insn: 0x4608, text: 'mov\tr0, r1' },
  { pc: 0x2, insn: 0x4408, text: 'add\tr0, r1' },
  { pc: 0x4, insn: 0x4508, text: 'cmp\tr0, r1' },
  { pc: 0x6, insn: 0xde00, text: 'udf\t#0' },
  { pc: 0x12, insn: 0x4701, text: 'bx\tr0' },
  { pc: 0x26, insn: 0x0000, text: 'movs\tr0, r0' },
  { pc: 0x28, insn: 0x1c08, text: 'adds\tr0, r1, #0' },
  { pc: 0x2c, insn: 0xb081, text: 'sub\tsp, #4' },
  { pc: 0x2e, insn: 0xb0ff, text: 'sub\tsp, #508\t@ 0x1fc' },
  { pc: 0x30, insn: 0xdeff, text: 'udf\t#255\t@ 0xff' },
  { pc: 0x32, insn: 0xdf00, text: 'svc\t0' },
];

/** Encodings undefined on ARMv5T (later architectures' CBZ, SXTH, REV, hints, CPS; empty lists; BLX pc). */
const UNDEFINED = [0xb100, 0xb200, 0xba00, 0xbf00, 0xb660, 0xbc00, 0xb400, 0xc000, 0xc800, 0x47f8, 0xe801, 0xde00, 0xdeff];

test('every 16-bit encoding decodes, translates and disassembles without throwing', (t) => {
  let defined = 0;
  for (let insn = 0; insn < 0x10000; insn++) {
    const text = disasThumb(insn, 0x8000);
    t.true(typeof text === 'string' && text.length > 0);
    const ctx = DisasContext.detached(true);
    ctx.pc = 0x8000; ctx.nextPc = 0x8002;
    translateThumbInsn(ctx, insn);
    t.true(ctx.ob.count > 0 || ctx.ended || thumbDecoder.decode(insn) !== undefined, `insn ${insn.toString(16)}`);
    if (thumbDecoder.decode(insn)) defined++;
  }
  t.true(defined > 60000);
});

test('every pattern is reached by some encoding', (t) => {
  const seen = new Set<string>();
  for (let insn = 0; insn < 0x10000; insn++) { const d = thumbDecoder.decode(insn); if (d) seen.add(d.pattern.name); }
  t.deepEqual([...seen].sort(), THUMB_PATTERNS.map((p) => p.name).sort());
});

test('disassembly matches GNU objdump', (t) => {
  for (const { pc, insn, next, text } of OBJDUMP) {
    t.is(normaliseDisas(disasThumb(insn, pc, next)), normaliseDisas(text), `${insn.toString(16).padStart(4, '0')} at ${pc.toString(16)}`);
  }
});

test('encodings undefined on ARMv5T translate to an undefined-instruction exception', (t) => {
  for (const insn of UNDEFINED) {
    const d = thumbDecoder.decode(insn);
    t.true(!d || d.pattern.name === 'udf', insn.toString(16));
  }
});

test('the normaliser compares meaning, not presentation', (t) => {
  t.is(normaliseDisas('beq.n\t0 <start>'), 'beq 0');
  t.is(normaliseDisas('ldr\tr0, [pc, #16]\t@ (74 <start+0x74>)'), 'ldr r0, [pc, #16]');
  t.is(normaliseDisas('add r0, r1, #0x1f'), 'add r0, r1, #31');
});

// --- semantics, run through the interpreter back-end ---------------------------------------------
const interp = new Interpreter(new OpTable(armGen));
const st = new OpState(newMemory());

/** Translate `insns` at `pc` as one block (stopping where a translation ends it) and run it. */
function run(pc: number, insns: number[], regs: Record<number, number> = {}, c = 0): OpState {
  st.env.fill(0);
  st.env[THUMB] = 1; st.env[CF] = c; st.env[ZF] = 1;
  for (const [r, v] of Object.entries(regs)) st.env[Number(r)] = v;
  const ctx = DisasContext.detached(true);
  for (let i = 0; i < insns.length && !ctx.ended; i++) {
    ctx.pc = pc + 2 * i; ctx.nextPc = ctx.pc + 2; ctx.retired = i;
    translateThumbInsn(ctx, insns[i]);
  }
  if (!ctx.ended) { ctx.pc = pc + 2 * insns.length - 2; ctx.nextPc = ctx.pc + 2; ctx.endAfter(); }
  interp.run(st, ctx.ob);
  return st;
}
const flagsOf = (s: OpState) => ({ n: s.env[NF] < 0 ? 1 : 0, z: s.env[ZF] === 0 ? 1 : 0, c: s.env[CF], v: s.env[VF] < 0 ? 1 : 0 });

test('shifts by immediate: LSL #0 keeps C, LSR/ASR #0 shift by 32', (t) => {
  let s = run(0x1000, [0x001a], { 3: -5 }, 1); // movs r2, r3
  t.is(s.env[2], -5); t.deepEqual(flagsOf(s), { n: 1, z: 0, c: 1, v: 0 });
  s = run(0x1000, [0x082c], { 5: 0x80000000 | 0 }, 0); // lsrs r4, r5, #32
  t.is(s.env[4], 0); t.deepEqual(flagsOf(s), { n: 0, z: 1, c: 1, v: 0 });
  s = run(0x1000, [0x103e], { 7: 0x40000000 }, 1); // asrs r6, r7, #32
  t.is(s.env[6], 0); t.is(s.env[CF], 0);
});

test('data processing register ops: NEG, MUL, shifts by register, CMP high', (t) => {
  let s = run(0x1000, [0x4248], { 1: 1 }); // negs r0, r1
  t.is(s.env[0], -1); t.deepEqual(flagsOf(s), { n: 1, z: 0, c: 0, v: 0 });
  s = run(0x1000, [0x4248], { 1: 0 }); // negs r0, r1: 0 - 0 sets C
  t.deepEqual(flagsOf(s), { n: 0, z: 1, c: 1, v: 0 });
  s = run(0x1000, [0x4348], { 0: 3, 1: -7 }, 1); // muls r0, r1
  t.is(s.env[0], -21); t.deepEqual(flagsOf(s), { n: 1, z: 0, c: 1, v: 0 });
  s = run(0x1000, [0x4088], { 0: 3, 1: 0x120 }, 0); // lsls r0, r1: amount = low byte (0x20 = 32)
  t.is(s.env[0], 0); t.is(s.env[CF], 1);
  s = run(0x1000, [0x45d1], { 9: 5, 10: 5 }); // cmp r9, sl
  t.deepEqual(flagsOf(s), { n: 0, z: 1, c: 1, v: 0 });
  s = run(0x1000, [0x4440], { 0: 1, 8: 2 }, 0); // add r0, r8: no flags
  t.is(s.env[0], 3); t.deepEqual(flagsOf(s), { n: 0, z: 0, c: 0, v: 0 });
});

test('pc-relative addressing reads (pc + 4) & ~3', (t) => {
  let s = run(0x1002, [0xa004]); // add r0, pc, #16
  t.is(s.env[0], 0x1014);
  st.stl(0x1014, 0x12345678);
  const ctx = DisasContext.detached(true);
  ctx.pc = 0x1002; ctx.nextPc = 0x1004; translateThumbInsn(ctx, 0x4804); ctx.endAfter(); // ldr r0, [pc, #16]
  st.env[0] = 0; interp.run(st, ctx.ob);
  t.is(st.env[0], 0x12345678);
  s = run(0x1000, [0xb081], { [SP]: 0x2000 }); // sub sp, #4
  t.is(s.env[SP], 0x1ffc);
});

test('BL pair, in one block and split across blocks; BLX to ARM', (t) => {
  // bl 0 from 0xba: f7ff ffa1
  let s = run(0xba, [0xf7ff, 0xffa1]);
  t.is(s.env[PC], 0); t.is(s.env[LR], 0xbf); t.is(s.env[THUMB], 1);
  s = run(0xba, [0xf7ff]);
  t.is(s.env[LR], (0xbe - 0x1000) | 0);
  s = run(0xbc, [0xffa1], { [LR]: (0xbe - 0x1000) | 0 });
  t.is(s.env[PC], 0); t.is(s.env[LR], 0xbf);
  // blx 0xdc from 0xbe: f000 e80e
  s = run(0xbe, [0xf000, 0xe80e]);
  t.is(s.env[PC], 0xdc); t.is(s.env[THUMB], 0); t.is(s.env[LR], 0xc3);
  s = run(0xc0, [0xe80e], { [LR]: 0xc2 });
  t.is(s.env[PC], 0xdc); t.is(s.env[THUMB], 0); t.is(s.env[LR], 0xc3);
});

test('PUSH/POP {pc} interworks, LDMIA with the base in the list does not write back', (t) => {
  st.stl(0x3000, 0x11); st.stl(0x3004, 0x2001);
  let s = run(0x1000, [0xbd01], { [SP]: 0x3000 }); // pop {r0, pc}
  t.is(s.env[0], 0x11); t.is(s.env[PC], 0x2000); t.is(s.env[THUMB], 1); t.is(s.env[SP], 0x3008);
  st.stl(0x3004, 0x2000);
  s = run(0x1000, [0xbd01], { [SP]: 0x3000 });
  t.is(s.env[PC], 0x2000); t.is(s.env[THUMB], 0);
  s = run(0x1000, [0xc803], { 0: 0x3000 }); // ldmia r0, {r0, r1}
  t.is(s.env[0], 0x11); t.is(s.env[1], 0x2000);
  s = run(0x1000, [0xb501], { 0: 7, [LR]: 9, [SP]: 0x3100 }); // push {r0, lr}
  t.is(s.env[SP], 0x30f8); t.is(st.ldl(0x30f8), 7); t.is(st.ldl(0x30fc), 9);
});

test('SWI, undefined and conditional branches', (t) => {
  let s = run(0x1000, [0xdf12]);
  t.is(s.env[EXCEPTION], EXCP_SWI); t.is(s.env[PC], 0x1002);
  s = run(0x1000, [0xde00]);
  t.is(s.env[EXCEPTION], EXCP_UDEF); t.is(s.env[PC], 0x1000);
  s = run(0x10a8, [0xd0aa]); // beq 0 with Z clear → falls through
  t.is(s.env[PC], 0x10aa);
  s = run(0xa8, [0xd0aa], { [ZF]: 0 }); // Z set
  t.is(s.env[PC], 0);
});
