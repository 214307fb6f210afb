/**
 * The ARM decoder's disassembly against GNU objdump: the expected text was produced by
 * assembling ARM sources with `arm-none-eabi-as -mcpu=arm926ej-s` (binutils 2.40) and
 * disassembling with `arm-none-eabi-objdump -d`, and is hard-coded here as a reference
 * independent of this project. Every pattern of ARM_PATTERNS is covered, the undefined classes
 * by encodings chosen from the ARM ARM; random encodings translate without throwing.
 */
import test from 'ava';
import { DisasContext } from '../runtime/arm/translate.js';
import { ARM_PATTERNS, armDecoder, disasArm, translateArmInsn } from '../runtime/arm/decode-arm.js';
import { normaliseDisas } from './support/disas-normalise.js';

const OBJDUMP: { pc: number; insn: number; text: string }[] = [
  { pc: 0x0, insn: 0xfa000078, text: 'blx\t1e8 <tfunc>' },
  { pc: 0x4, insn: 0xfa000078, text: 'blx\t1ec <tfunc2>' },
  { pc: 0x8, insn: 0xf5d1f004, text: 'pld\t[r1, #4]' },
  { pc: 0xc, insn: 0xf551ffff, text: 'pld\t[r1, #-4095]\t@ 0xfffff001' },
  { pc: 0x10, insn: 0xf7d2f103, text: 'pld\t[r2, r3, lsl #2]' },
  { pc: 0x14, insn: 0xf752f003, text: 'pld\t[r2, -r3]' },
  { pc: 0x18, insn: 0xe0000291, text: 'mul\tr0, r1, r2' },
  { pc: 0x1c, insn: 0x00130594, text: 'mulseq\tr3, r4, r5' },
  { pc: 0x20, insn: 0xe0203291, text: 'mla\tr0, r1, r2, r3' },
  { pc: 0x24, insn: 0xe0303291, text: 'mlas\tr0, r1, r2, r3' },
  { pc: 0x28, insn: 0xe0810392, text: 'umull\tr0, r1, r2, r3' },
  { pc: 0x2c, insn: 0xe0c10392, text: 'smull\tr0, r1, r2, r3' },
  { pc: 0x30, insn: 0xe0a10392, text: 'umlal\tr0, r1, r2, r3' },
  { pc: 0x34, insn: 0xe0f10392, text: 'smlals\tr0, r1, r2, r3' },
  { pc: 0x38, insn: 0xe1020091, text: 'swp\tr0, r1, [r2]' },
  { pc: 0x3c, insn: 0xe1420091, text: 'swpb\tr0, r1, [r2]' },
  { pc: 0x40, insn: 0xe1c100b2, text: 'strh\tr0, [r1, #2]' },
  { pc: 0x44, insn: 0xe1c100b0, text: 'strh\tr0, [r1]' },
  { pc: 0x48, insn: 0xe17100b6, text: 'ldrh\tr0, [r1, #-6]!' },
  { pc: 0x4c, insn: 0xe0d100d1, text: 'ldrsb\tr0, [r1], #1' },
  { pc: 0x50, insn: 0xe1d10fff, text: 'ldrsh\tr0, [r1, #255]\t@ 0xff' },
  { pc: 0x54, insn: 0xe1c120d8, text: 'ldrd\tr2, [r1, #8]' },
  { pc: 0x58, insn: 0xe16140f8, text: 'strd\tr4, [r1, #-8]!' },
  { pc: 0x5c, insn: 0xe19100b2, text: 'ldrh\tr0, [r1, r2]' },
  { pc: 0x60, insn: 0xe12100b2, text: 'strh\tr0, [r1, -r2]!' },
  { pc: 0x64, insn: 0xe09100d2, text: 'ldrsb\tr0, [r1], r2' },
  { pc: 0x68, insn: 0xe18200d3, text: 'ldrd\tr0, [r2, r3]' },
  { pc: 0x6c, insn: 0xe10f0000, text: 'mrs\tr0, CPSR' },
  { pc: 0x70, insn: 0xe14f1000, text: 'mrs\tr1, SPSR' },
  { pc: 0x74, insn: 0xe129f000, text: 'msr\tCPSR_fc, r0' },
  { pc: 0x78, insn: 0xe128f001, text: 'msr\tCPSR_f, r1' },
  { pc: 0x7c, insn: 0xe16ff002, text: 'msr\tSPSR_fsxc, r2' },
  { pc: 0x80, insn: 0xe12fff1e, text: 'bx\tlr' },
  { pc: 0x84, insn: 0x112fff13, text: 'bxne\tr3' },
  { pc: 0x88, insn: 0xe12fff33, text: 'blx\tr3' },
  { pc: 0x8c, insn: 0xe16f0f11, text: 'clz\tr0, r1' },
  { pc: 0x90, insn: 0xe1020051, text: 'qadd\tr0, r1, r2' },
  { pc: 0x94, insn: 0xe1220051, text: 'qsub\tr0, r1, r2' },
  { pc: 0x98, insn: 0xe1420051, text: 'qdadd\tr0, r1, r2' },
  { pc: 0x9c, insn: 0xe1620051, text: 'qdsub\tr0, r1, r2' },
  { pc: 0xa0, insn: 0xe1212374, text: 'bkpt\t0x1234' },
  { pc: 0xa4, insn: 0xe1003281, text: 'smlabb\tr0, r1, r2, r3' },
  { pc: 0xa8, insn: 0xe10032a1, text: 'smlatb\tr0, r1, r2, r3' },
  { pc: 0xac, insn: 0xe10032c1, text: 'smlabt\tr0, r1, r2, r3' },
  { pc: 0xb0, insn: 0xe1203281, text: 'smlawb\tr0, r1, r2, r3' },
  { pc: 0xb4, insn: 0xe12032c1, text: 'smlawt\tr0, r1, r2, r3' },
  { pc: 0xb8, insn: 0xe12002a1, text: 'smulwb\tr0, r1, r2' },
  { pc: 0xbc, insn: 0xe12002e1, text: 'smulwt\tr0, r1, r2' },
  { pc: 0xc0, insn: 0xe1410382, text: 'smlalbb\tr0, r1, r2, r3' },
  { pc: 0xc4, insn: 0xe14103e2, text: 'smlaltt\tr0, r1, r2, r3' },
  { pc: 0xc8, insn: 0xe1600281, text: 'smulbb\tr0, r1, r2' },
  { pc: 0xcc, insn: 0xe16002a1, text: 'smultb\tr0, r1, r2' },
  { pc: 0xd0, insn: 0xe328f20f, text: 'msr\tCPSR_f, #-268435456\t@ 0xf0000000' },
  { pc: 0xd4, insn: 0xe321f013, text: 'msr\tCPSR_c, #19' },
  { pc: 0xd8, insn: 0xe2810004, text: 'add\tr0, r1, #4' },
  { pc: 0xdc, insn: 0xe29104ff, text: 'adds\tr0, r1, #-16777216\t@ 0xff000000' },
  { pc: 0xe0, insn: 0xe24100ff, text: 'sub\tr0, r1, #255\t@ 0xff' },
  { pc: 0xe4, insn: 0xe2610000, text: 'rsb\tr0, r1, #0' },
  { pc: 0xe8, insn: 0xe2032001, text: 'and\tr2, r3, #1' },
  { pc: 0xec, insn: 0xe2232c01, text: 'eor\tr2, r3, #256\t@ 0x100' },
  { pc: 0xf0, insn: 0xe2a54003, text: 'adc\tr4, r5, #3' },
  { pc: 0xf4, insn: 0xe2c54003, text: 'sbc\tr4, r5, #3' },
  { pc: 0xf8, insn: 0xe2e54003, text: 'rsc\tr4, r5, #3' },
  { pc: 0xfc, insn: 0xe3100001, text: 'tst\tr0, #1' },
  { pc: 0x100, insn: 0xe3300001, text: 'teq\tr0, #1' },
  { pc: 0x104, insn: 0xe3500000, text: 'cmp\tr0, #0' },
  { pc: 0x108, insn: 0xe3700001, text: 'cmn\tr0, #1' },
  { pc: 0x10c, insn: 0xe3800102, text: 'orr\tr0, r0, #-2147483648\t@ 0x80000000' },
  { pc: 0x110, insn: 0xe3a00001, text: 'mov\tr0, #1' },
  { pc: 0x114, insn: 0xe1b0f00e, text: 'movs\tpc, lr' },
  { pc: 0x118, insn: 0xe3e00000, text: 'mvn\tr0, #0' },
  { pc: 0x11c, insn: 0xe3c00003, text: 'bic\tr0, r0, #3' },
  { pc: 0x120, insn: 0x13a00102, text: 'movne\tr0, #-2147483648\t@ 0x80000000' },
  { pc: 0x124, insn: 0xe0810002, text: 'add\tr0, r1, r2' },
  { pc: 0x128, insn: 0xe0810102, text: 'add\tr0, r1, r2, lsl #2' },
  { pc: 0x12c, insn: 0xe0510022, text: 'subs\tr0, r1, r2, lsr #32' },
  { pc: 0x130, insn: 0xe1a001c1, text: 'asr\tr0, r1, #3' },
  { pc: 0x134, insn: 0xe1b003e1, text: 'rors\tr0, r1, #7' },
  { pc: 0x138, insn: 0xe1a00061, text: 'rrx\tr0, r1' },
  { pc: 0x13c, insn: 0xe1500081, text: 'cmp\tr0, r1, lsl #1' },
  { pc: 0x140, insn: 0xe1e00001, text: 'mvn\tr0, r1' },
  { pc: 0x144, insn: 0xe0810312, text: 'add\tr0, r1, r2, lsl r3' },
  { pc: 0x148, insn: 0xe1b00271, text: 'rors\tr0, r1, r2' },
  { pc: 0x14c, insn: 0xe1810352, text: 'orr\tr0, r1, r2, asr r3' },
  { pc: 0x150, insn: 0xe5910000, text: 'ldr\tr0, [r1]' },
  { pc: 0x154, insn: 0xe5910004, text: 'ldr\tr0, [r1, #4]' },
  { pc: 0x158, insn: 0xe5310004, text: 'ldr\tr0, [r1, #-4]!' },
  { pc: 0x15c, insn: 0xe4d10001, text: 'ldrb\tr0, [r1], #1' },
  { pc: 0x160, insn: 0xe5c10fff, text: 'strb\tr0, [r1, #4095]\t@ 0xfff' },
  { pc: 0x164, insn: 0xe52d0004, text: 'push\t{r0}\t\t@ (str r0, [sp, #-4]!)' },
  { pc: 0x168, insn: 0xe4b10004, text: 'ldrt\tr0, [r1], #4' },
  { pc: 0x16c, insn: 0xe4e10000, text: 'strbt\tr0, [r1], #0' },
  { pc: 0x170, insn: 0xe59f0008, text: 'ldr\tr0, [pc, #8]\t@ 180 <start+0x180>' },
  { pc: 0x174, insn: 0xe7910002, text: 'ldr\tr0, [r1, r2]' },
  { pc: 0x178, insn: 0xe7310102, text: 'ldr\tr0, [r1, -r2, lsl #2]!' },
  { pc: 0x17c, insn: 0xe6810042, text: 'str\tr0, [r1], r2, asr #32' },
  { pc: 0x180, insn: 0xe7d10062, text: 'ldrb\tr0, [r1, r2, rrx]' },
  { pc: 0x184, insn: 0xe6b10002, text: 'ldrt\tr0, [r1], r2' },
  { pc: 0x188, insn: 0xe8900006, text: 'ldm\tr0, {r1, r2}' },
  { pc: 0x18c, insn: 0xe8b00006, text: 'ldm\tr0!, {r1, r2}' },
  { pc: 0x190, insn: 0xe92d4010, text: 'push\t{r4, lr}' },
  { pc: 0x194, insn: 0xe9900002, text: 'ldmib\tr0, {r1}' },
  { pc: 0x198, insn: 0xe800000e, text: 'stmda\tr0, {r1, r2, r3}' },
  { pc: 0x19c, insn: 0xe8bd8010, text: 'pop\t{r4, pc}' },
  { pc: 0x1a0, insn: 0xe8d08001, text: 'ldm\tr0, {r0, pc}^' },
  { pc: 0x1a4, insn: 0xe8c00006, text: 'stmia\tr0, {r1, r2}^' },
  { pc: 0x1a8, insn: 0xeaffff94, text: 'b\t0 <start>' },
  { pc: 0x1ac, insn: 0xebffff93, text: 'bl\t0 <start>' },
  { pc: 0x1b0, insn: 0x1affff92, text: 'bne\t0 <start>' },
  { pc: 0x1b4, insn: 0xcbffffff, text: 'blgt\t1b8 <fwd>' },
  { pc: 0x1b8, insn: 0xee110f10, text: 'mrc\t15, 0, r0, cr1, cr0, {0}' },
  { pc: 0x1bc, insn: 0xee070f9a, text: 'mcr\t15, 0, r0, cr7, cr10, {4}' },
  { pc: 0x1c0, insn: 0xee100f30, text: 'mrc\t15, 0, r0, cr0, cr0, {1}' },
  { pc: 0x1c4, insn: 0xee17ff7a, text: 'mrc\t15, 0, APSR_nzcv, cr7, cr10, {3}' },
  { pc: 0x1c8, insn: 0xef123456, text: 'svc\t0x00123456' },
  { pc: 0x1cc, insn: 0x0f000000, text: 'svceq\t0x00000000' },
  { pc: 0x1e4, insn: 0xe10f0000, text: 'mrs\tr0, CPSR' },
  { pc: 0x0, insn: 0x00910002, text: 'addseq\tr0, r1, r2' },
  { pc: 0x4, insn: 0x01b00101, text: 'lslseq\tr0, r1, #2' },
  { pc: 0x8, insn: 0x01a00211, text: 'lsleq\tr0, r1, r2' },
  { pc: 0xc, insn: 0x11a00001, text: 'movne\tr0, r1' },
  { pc: 0x10, insn: 0x05d10000, text: 'ldrbeq\tr0, [r1]' },
  { pc: 0x14, insn: 0x04e10001, text: 'strbteq\tr0, [r1], #1' },
  { pc: 0x18, insn: 0x04310001, text: 'ldrteq\tr0, [r1], #-1' },
  { pc: 0x1c, insn: 0x01420091, text: 'swpbeq\tr0, r1, [r2]' },
  { pc: 0x20, insn: 0x08900006, text: 'ldmeq\tr0, {r1, r2}' },
  { pc: 0x24, insn: 0x09b00006, text: 'ldmibeq\tr0!, {r1, r2}' },
  { pc: 0x28, insn: 0xe8800006, text: 'stm\tr0, {r1, r2}' },
  { pc: 0x2c, insn: 0xe8a00006, text: 'stmia\tr0!, {r1, r2}' },
  { pc: 0x30, insn: 0xe92d0010, text: 'stmfd\tsp!, {r4}' },
  { pc: 0x34, insn: 0xe9210030, text: 'stmdb\tr1!, {r4, r5}' },
  { pc: 0x38, insn: 0xe8bd0010, text: 'ldmfd\tsp!, {r4}' },
  { pc: 0x3c, insn: 0xe9100006, text: 'ldmdb\tr0, {r1, r2}' },
  { pc: 0x40, insn: 0x01d100d1, text: 'ldrsbeq\tr0, [r1, #1]' },
  { pc: 0x44, insn: 0x01c100d0, text: 'ldrdeq\tr0, [r1]' },
  { pc: 0x48, insn: 0x00303291, text: 'mlaseq\tr0, r1, r2, r3' },
  { pc: 0x4c, insn: 0x00910392, text: 'umullseq\tr0, r1, r2, r3' },
  { pc: 0x50, insn: 0x01003281, text: 'smlabbeq\tr0, r1, r2, r3' },
  { pc: 0x54, insn: 0x016f0f11, text: 'clzeq\tr0, r1' },
  { pc: 0x58, insn: 0x010f0000, text: 'mrseq\tr0, CPSR' },
  { pc: 0x5c, insn: 0x0122f000, text: 'msreq\tCPSR_x, r0' },
  { pc: 0x60, insn: 0xe324f801, text: 'msr\tCPSR_s, #65536\t@ 0x10000' },
  { pc: 0x64, insn: 0x1e070f15, text: 'mcrne\t15, 0, r0, cr7, cr5, {0}' },
  { pc: 0x68, insn: 0xe49d0004, text: 'pop\t{r0}\t\t@ (ldr r0, [sp], #4)' },
  { pc: 0x6c, insn: 0xe50d0004, text: 'str\tr0, [sp, #-4]' },
  { pc: 0x70, insn: 0xe49d0008, text: 'ldr\tr0, [sp], #8' },
  { pc: 0x74, insn: 0xe52d1004, text: 'push\t{r1}\t\t@ (str r1, [sp, #-4]!)' },
  { pc: 0x78, insn: 0xe8fd0003, text: 'ldm\tsp!, {r0, r1}^' },
  { pc: 0x7c, insn: 0xe96d0003, text: 'stmdb\tsp!, {r0, r1}^' },
  { pc: 0x80, insn: 0xe1b00211, text: 'lsls\tr0, r1, r2' },
  { pc: 0x84, insn: 0xe1a00021, text: 'lsr\tr0, r1, #32' },
  { pc: 0x88, insn: 0xe1a00001, text: 'mov\tr0, r1' },
  { pc: 0x8c, insn: 0xe1100271, text: 'tst\tr0, r1, ror r2' },
  { pc: 0x90, insn: 0xe33004ff, text: 'teq\tr0, #-16777216\t@ 0xff000000' },
  { pc: 0x94, insn: 0x1fabcdef, text: 'svcne\t0x00abcdef' },
  { pc: 0x98, insn: 0xe1200172, text: 'bkpt\t0x0012' },
  { pc: 0x9c, insn: 0xe5110000, text: 'ldr\tr0, [r1, #-0]' },
  { pc: 0xa0, insn: 0xe15100b0, text: 'ldrh\tr0, [r1, #-0]' },
  { pc: 0xa4, insn: 0xe4110000, text: 'ldr\tr0, [r1], #-0' },
  { pc: 0xa8, insn: 0xf5d1f000, text: 'pld\t[r1]' },
  { pc: 0xac, insn: 0xf551f000, text: 'pld\t[r1, #-0]' },
  { pc: 0xb0, insn: 0xe25ef004, text: 'subs\tpc, lr, #4' },
  { pc: 0xb4, insn: 0xe28f0008, text: 'add\tr0, pc, #8' },
  { pc: 0xb8, insn: 0xe24f0008, text: 'sub\tr0, pc, #8' },
  { pc: 0x0, insn: 0xe5b10000, text: 'ldr\tr0, [r1, #0]!' },
  { pc: 0x4, insn: 0xe1f100b0, text: 'ldrh\tr0, [r1, #0]!' },
  { pc: 0x8, insn: 0xe5310000, text: 'ldr\tr0, [r1, #-0]!' },
  { pc: 0xc, insn: 0xe0c100b0, text: 'strh\tr0, [r1], #0' },
  { pc: 0x10, insn: 0xe04100b0, text: 'strh\tr0, [r1], #-0' },
  { pc: 0x14, insn: 0xe4910000, text: 'ldr\tr0, [r1], #0' },
  { pc: 0x18, insn: 0xf5d1f000, text: 'pld\t[r1]' },
];

/** Encodings of the undefined classes, by the pattern that must claim them. */
const UNDEFINED: [number, string][] = [
  [0xf0000000, 'uncond_undef'], // cond 1111 outside BLX/PLD
  [0xf57ff01f, 'uncond_undef'], // CLREX (ARMv6K)
  [0xe0400090, 'extra_undef'], // UMAAL (ARMv6) in the multiply space
  [0xe1c130d0, 'extra_undef'], // LDRD with an odd Rd
  [0xe1000070, 'misc_undef'], // miscellaneous space, op 0111 with op1 00
  [0xe7f000f0, 'media_undef'], // the permanently undefined UDF
  [0xe6af0070, 'media_undef'], // SXTB (ARMv6)
  [0xe8900000, 'ldm_empty'],
  [0xec410b10, 'ldc_stc'], // coprocessor 11 (VFP) transfer
  [0xee000a10, 'cp_undef'], // VFP register transfer
];

test('disassembly matches GNU objdump', (t) => {
  for (const { pc, insn, text } of OBJDUMP) {
    t.is(normaliseDisas(disasArm(insn, pc)), normaliseDisas(text), `${(insn >>> 0).toString(16).padStart(8, '0')} at ${pc.toString(16)}`);
  }
});

test('undefined classes are claimed by their patterns', (t) => {
  for (const [insn, name] of UNDEFINED) {
    t.is(armDecoder.decode(insn)?.pattern.name, name, (insn >>> 0).toString(16));
    t.is(disasArm(insn, 0), 'undefined');
  }
});

test('every pattern is covered', (t) => {
  const seen = new Set<string>();
  for (const { insn } of OBJDUMP) { const d = armDecoder.decode(insn); if (d) seen.add(d.pattern.name); }
  for (const [insn] of UNDEFINED) { const d = armDecoder.decode(insn); if (d) seen.add(d.pattern.name); }
  t.deepEqual([...seen].sort(), ARM_PATTERNS.map((p) => p.name).sort());
});

test('random encodings decode, translate and disassemble without throwing', (t) => {
  let x = 0x12345678;
  for (let i = 0; i < 100000; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; // xorshift32
    const insn = x >>> 0;
    t.true(disasArm(insn, 0x8000).length > 0);
    const ctx = DisasContext.detached(false);
    ctx.pc = 0x8000; ctx.nextPc = 0x8004;
    translateArmInsn(ctx, insn);
  }
  t.pass();
});
