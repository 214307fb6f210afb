/**
 * Directed tests of the exec loop (runtime/arm/cpu.ts): exceptions taken in the middle of a
 * block, exception return, self-modifying code, blocks cut at page boundaries, TB cache
 * flushes, mode switches with banked registers, and exact instruction counts. Every scenario
 * runs in both engines (JIT and interpreter); the two must agree on every state word, the
 * instruction count, the exceptions taken and all of RAM, and both must match expected
 * values written by hand from the ARM Architecture Reference Manual (DDI 0100I: A2.3–A2.6
 * exceptions and banked registers, A4.1.39 MSR, A2.6.5 effects of data-aborted instructions,
 * base restored abort model), never from running the emulator.
 *
 * Instruction-count convention (the exec loop's): an instruction that completes is counted; an
 * instruction that aborts or is undefined is not (it did not execute); SWI executes and counts.
 */
import test, { type ExecutionContext } from 'ava';
import { ArmCpu, loadArmTable, type ArmCpuOptions } from '../runtime/arm/cpu.js';
import { writeCpsr } from '../ops/arm/modes.js';
import { CP15_FAR, CPSR_T, LR, SPSR, USR_R8 } from '../ops/arm/state.js';
import { assemble } from './support/arm-asm.js';
import { firstDifference, hex } from './support/arm-compare.js';
import { TB_FLAG_THUMB } from '../runtime/arm/translate.js';
import type { TranslationBlock } from '../runtime/tb.js';
import { ENV_BASE, TLB_BASE } from '../ops/core.js';
import { BUDGET_ADDR, JC_BASE } from '../runtime/dispatch.js';

/** Where a block's code ends (the end of the last host range it was read from; host == guest here). */
const blockEnd = (tb: TranslationBlock): number => tb.ranges[tb.ranges.length - 1];

const RAM = 0x20000;
/** The SWI immediate that stops a program (ARM); in Thumb state, `svc 0xfe`. */
const HALT = 0x123456;
const THUMB_HALT = 0xfe;
/** Outside RAM nothing answers: loads and stores there take a data abort. */
const BAD = 0x80000000;
/** A word read here acknowledges interrupts (drops both lines); nothing else answers outside RAM. */
const ACK = 0x90000000;

const u = (v: number): number => v >>> 0;

/**
 * Vectors at 0 (ARM ARM A2.6: reset 0x00, undefined 0x04, SWI 0x08, prefetch abort 0x0c,
 * data abort 0x10, IRQ 0x18, FIQ 0x1c), each a branch to a handler the test may replace.
 */
function program(code: string, handlers: Partial<Record<'und' | 'swi' | 'pabt' | 'dabt' | 'irq' | 'fiq', string>> = {}): string {
  const h = {
    und: 'movs pc, lr',         // resume after the undefined instruction
    swi: 'movs pc, lr',         // resume after the SWI
    pabt: `svc #${HALT}`,       // stop where we are
    dabt: 'subs pc, lr, #4',    // resume after the aborted instruction
    irq: 'subs pc, lr, #4',     // resume the interrupted instruction
    fiq: 'subs pc, lr, #4',
    ...handlers,
  };
  return `
  .syntax unified
  .arm
  .org 0
  b .
  b und_h
  b swi_h
  b pabt_h
  b dabt_h
  b .
  b irq_h
  b fiq_h
und_h:  ${h.und}
swi_h:  ${h.swi}
pabt_h: ${h.pabt}
dabt_h: ${h.dabt}
irq_h:  ${h.irq}
fiq_h:  ${h.fiq}
  .ltorg
${code}
`;
}

const images = new Map<string, Uint8Array>();
function image(src: string): Uint8Array {
  let img = images.get(src);
  if (!img) { img = assemble(src, 0); images.set(src, img); }
  return img;
}

interface Setup {
  src: string;
  /** Start address; bit 0 set for Thumb state. */
  start: number;
  /** Initial CPSR (all fields written). */
  cpsr: number;
  regs?: Record<number, number>;
  opts?: Partial<ArmCpuOptions>;
}

async function makeCpu(engine: 'jit' | 'interp', s: Setup): Promise<ArmCpu> {
  const table = await loadArmTable();
  const bus = {
    read: (addr: number): number | undefined => {
      if (addr !== ACK) return undefined;
      cpu.irqLine = cpu.fiqLine = false;
      return 0;
    },
    write: (): boolean => false,
  };
  const cpu: ArmCpu = new ArmCpu(table, {
    // The JIT compiles every block at once here: the tiered default would interpret most of
    // these short programs, and these tests are about the compiled code.
    engine, ramSize: RAM, bus, hotThreshold: 0,
    onSwi: (c, imm) => {
      const thumb = (c.cpsr & CPSR_T) !== 0;
      if ((!thumb && imm === HALT) || (thumb && imm === THUMB_HALT)) { c.halted = true; return true; }
      return false;
    },
    ...s.opts,
  });
  cpu.writeBytes(0, image(s.src));
  writeCpsr(cpu.env, s.cpsr, -1);
  for (const [r, v] of Object.entries(s.regs ?? {})) cpu.env[Number(r)] = v;
  cpu.pc = s.start;
  return cpu;
}


type Step = (t: ExecutionContext, cpu: ArmCpu, engine: string) => void;

/**
 * Runs the scenario in both engines, step by step: each step drives the CPU (runs it) and
 * checks it against the hand-written values; after every step the two CPUs must agree.
 */
async function inBothEngines(t: ExecutionContext, s: Setup, ...steps: Step[]): Promise<[ArmCpu, ArmCpu]> {
  const jit = await makeCpu('jit', s);
  const interp = await makeCpu('interp', s);
  for (const [i, step] of steps.entries()) {
    step(t, jit, 'jit');
    step(t, interp, 'interp');
    const diff = firstDifference(jit, interp);
    t.is(diff, undefined, `engines differ after step ${i}: ${diff}`);
  }
  return [jit, interp];
}

/** Registers by number, checked with the engine's name in the message. */
function regs(t: ExecutionContext, cpu: ArmCpu, engine: string, expected: Record<number, number>): void {
  for (const [r, v] of Object.entries(expected)) t.is(hex(cpu.env[Number(r)]), hex(v), `${engine}: r${r}`);
}

interface EntryCheck { pc: number; cpsr: number; lr: number; spsr: number; icount: number; far?: number }
function atVector(t: ExecutionContext, cpu: ArmCpu, engine: string, e: EntryCheck): void {
  t.is(hex(cpu.pc), hex(e.pc), `${engine}: pc at the vector`);
  t.is(hex(cpu.cpsr), hex(e.cpsr), `${engine}: CPSR after entry`);
  t.is(hex(cpu.env[LR]), hex(e.lr), `${engine}: banked LR`);
  t.is(hex(cpu.env[SPSR]), hex(e.spsr), `${engine}: banked SPSR`);
  t.is(cpu.icount, e.icount, `${engine}: instructions retired before the exception`);
  if (e.far !== undefined) t.is(hex(cpu.env[CP15_FAR]), hex(e.far), `${engine}: FAR`);
}

function halted(t: ExecutionContext, cpu: ArmCpu, engine: string, pc: number, cpsr: number, icount: number): void {
  t.true(cpu.halted, `${engine}: halted`);
  t.is(hex(cpu.pc), hex(pc), `${engine}: final pc`);
  t.is(hex(cpu.cpsr), hex(cpsr), `${engine}: final CPSR`);
  t.is(cpu.icount, icount, `${engine}: instruction count`);
}

// --- 1. exceptions in the middle of a block -------------------------------------------------

/** User mode, Z and C set, IRQ/FIQ enabled, A clear: 0x60000010. */
const USR_ZC = 0x60000010;
/** The same after entry to a mode: mode bits replaced, I set, F and flags unchanged, T clear. */
const entered = (old: number, mode: number): number => u((old & ~0x3f) | 0x80 | mode);
const MODE_ABT = 0x17, MODE_UND = 0x1b, MODE_SVC = 0x13;

/** Straight-line ARM code at 0x1000 with the instruction under test third, at 0x1008. */
const armMid = (insn: string): string => program(`
  .org 0x1000
  mov r2, #1        @ 0x1000
  mov r3, #2        @ 0x1004
  ${insn}           @ 0x1008
  mov r4, #3        @ 0x100c
  mov r5, #4        @ 0x1010
  svc #${HALT}      @ 0x1014
`);

const ABORTING_ACCESSES: { insn: string; base: number; far: number }[] = [
  { insn: 'ldr r0, [r1]', base: BAD, far: BAD },
  { insn: 'ldr r0, [r1], #4', base: BAD, far: BAD },
  { insn: 'ldr r0, [r1, #4]!', base: BAD, far: BAD + 4 },
  { insn: 'ldrb r0, [r1, #-1]!', base: BAD + 1, far: BAD },
  { insn: 'ldrh r0, [r1], #2', base: BAD, far: BAD },
  { insn: 'str r2, [r1]', base: BAD, far: BAD },
  { insn: 'str r2, [r1], #4', base: BAD, far: BAD },
  { insn: 'str r2, [r1, #4]!', base: BAD, far: BAD + 4 },
  { insn: 'strb r2, [r1, #1]!', base: BAD, far: BAD + 1 },
  // The first two words are in RAM, the third aborts: base restored all the same.
  { insn: 'stmia r1!, {r2-r5}', base: RAM - 8, far: RAM },
  { insn: 'stmdb r1!, {r2-r5}', base: BAD + 16, far: BAD },
  { insn: 'ldmia r1!, {r2, r3}', base: BAD, far: BAD },
  { insn: 'swp r0, r2, [r1]', base: BAD, far: BAD },
];

for (const { insn, base, far } of ABORTING_ACCESSES) {
  test.serial(`data abort mid-block (ARM): ${insn}`, async (t) => {
    const s: Setup = { src: armMid(insn), start: 0x1000, cpsr: USR_ZC, regs: { 0: 0xdead, 1: base, 4: 0x44, 5: 0x55, 13: 0x8888, 14: 0x7777 } };
    const loadsMany = insn.startsWith('ldm');
    await inBothEngines(t, s,
      (t, cpu, e) => {
        cpu.run(1); // one block: runs to the abort and takes it
        // ARM ARM A2.6.5: R14_abt = aborted instruction + 8, SPSR_abt = CPSR, mode abt, I set, T clear, pc = 0x10.
        atVector(t, cpu, e, { pc: 0x10, cpsr: entered(USR_ZC, MODE_ABT), lr: 0x1010, spsr: USR_ZC, icount: 2, far });
        // Before: done. After: not. Single loads leave rd unchanged; the base is restored.
        regs(t, cpu, e, { 0: 0xdead, 1: base, 4: 0x44, 5: 0x55 });
        if (!loadsMany) regs(t, cpu, e, { 2: 1, 3: 2 });
      },
      (t, cpu, e) => {
        cpu.run(100); // subs pc, lr, #4: back to user mode at 0x100c
        halted(t, cpu, e, 0x1018, USR_ZC, 2 + 2 + 3); // + the vector's b and the handler's subs
        regs(t, cpu, e, { 0: 0xdead, 1: base, 4: 3, 5: 4, 13: 0x8888, 14: 0x7777 });
      });
  });
}

test.serial('data abort on LDM that has already loaded its own base leaves the base unchanged (A2.6.5 rule 2)', async (t) => {
  // ldmia r0, {r0, r1, r2} with r0 = RAM - 8: r0 and r1 load from RAM, r2 aborts at RAM.
  const s: Setup = { src: armMid('ldmia r0, {r0, r1, r2}'), start: 0x1000, cpsr: USR_ZC, regs: { 0: RAM - 8, 1: 0x11 } };
  await inBothEngines(t, s, (t, cpu, e) => {
    cpu.run(1);
    atVector(t, cpu, e, { pc: 0x10, cpsr: entered(USR_ZC, MODE_ABT), lr: 0x1010, spsr: USR_ZC, icount: 2, far: RAM });
    regs(t, cpu, e, { 0: RAM - 8 });
  });
});

test.serial('data abort on a load into pc: pc and R14_abt are not affected by the load (A2.6.5 rule 1)', async (t) => {
  for (const insn of ['ldr pc, [r1]', 'ldmia r1, {r2, pc}', 'ldmia r1!, {r2, pc}']) {
    // r1 = RAM - 4: for the LDMs, r2 loads from RAM and pc from RAM + 0, which aborts.
    const base = insn.startsWith('ldr') ? BAD : RAM - 4;
    const s: Setup = { src: armMid(insn), start: 0x1000, cpsr: USR_ZC, regs: { 1: base } };
    await inBothEngines(t, s, (t, cpu, e) => {
      cpu.run(1);
      atVector(t, cpu, e, { pc: 0x10, cpsr: entered(USR_ZC, MODE_ABT), lr: 0x1010, spsr: USR_ZC, icount: 2, far: insn.startsWith('ldr') ? BAD : RAM });
      regs(t, cpu, e, { 1: base });
    }, (t, cpu, e) => {
      cpu.run(100);
      halted(t, cpu, e, 0x1018, USR_ZC, 2 + 2 + 3);
    });
  }
});

test.serial('data abort on LDRD/STRD (ARMv5TE): base restored', async (t) => {
  for (const [insn, base, far] of [['ldrd r2, [r1, #8]!', RAM - 12, RAM], ['strd r2, [r1], #8', RAM - 4, RAM], ['ldrd r2, [r1], #-8', BAD, BAD]] as const) {
    const s: Setup = { src: armMid(insn), start: 0x1000, cpsr: USR_ZC, regs: { 1: base } };
    await inBothEngines(t, s, (t, cpu, e) => {
      cpu.run(1);
      atVector(t, cpu, e, { pc: 0x10, cpsr: entered(USR_ZC, MODE_ABT), lr: 0x1010, spsr: USR_ZC, icount: 2, far });
      regs(t, cpu, e, { 1: base });
    });
  }
});

test.serial('loads and stores at the emulator\'s own state (TLB, jump cache, CPU state) are data aborts and change nothing', async (t) => {
  // Where dynwasm keeps its state in linear memory (ops/core.ts, runtime/dispatch.ts): on this
  // board nothing answers there, so the guest gets a data abort with FAR at the address.
  const targets = [TLB_BASE, TLB_BASE + 4 * 0x1000 >>> 0, JC_BASE, BUDGET_ADDR, ENV_BASE, ENV_BASE + 4 * 15, ENV_BASE + 4 * 0x3f0];
  for (const insn of ['str r0, [r1]', 'strb r0, [r1]', 'ldr r0, [r1]']) {
    for (const addr of targets) {
      const s: Setup = { src: armMid(insn), start: 0x1000, cpsr: USR_ZC, regs: { 0: 0x1008, 1: addr } };
      await inBothEngines(t, s, (t, cpu, e) => {
        cpu.run(1);
        atVector(t, cpu, e, { pc: 0x10, cpsr: entered(USR_ZC, MODE_ABT), lr: 0x1010, spsr: USR_ZC, icount: 2, far: addr });
        regs(t, cpu, e, { 0: 0x1008, 1: addr, 2: 1, 3: 2 });
        cpu.run(100);
        halted(t, cpu, e, 0x1018, USR_ZC, 2 + 2 + 3);
        regs(t, cpu, e, { 0: 0x1008, 1: addr, 4: 3, 5: 4 });
      });
    }
  }
});

test.serial('ARM data abort restarted by the handler (subs pc, lr, #8) re-executes the load', async (t) => {
  const src = armMid('ldr r0, [r1, #4]!').replace(/dabt_h: .*/, 'dabt_h: mov r1, #0x8000\n  subs pc, lr, #8')
    + '\n  .org 0x8004\n  .word 0xcafef00d\n';
  const s: Setup = { src, start: 0x1000, cpsr: USR_ZC, regs: { 0: 0xdead, 1: BAD } };
  await inBothEngines(t, s, (t, cpu, e) => {
    cpu.run(100);
    // 2 + vector b, handler mov, subs + ldr, mov, mov, svc.
    halted(t, cpu, e, 0x1018, USR_ZC, 2 + 3 + 4);
    regs(t, cpu, e, { 0: 0xcafef00d, 1: 0x8004, 4: 3, 5: 4 });
  });
});

test.serial('undefined instruction mid-block (ARM): LR_und = address + 4, vector 0x04', async (t) => {
  const s: Setup = { src: armMid('.word 0xe7f000f0  @ permanently undefined'), start: 0x1000, cpsr: USR_ZC, regs: { 0: 0xdead, 4: 0x44, 5: 0x55, 14: 0x7777 } };
  await inBothEngines(t, s,
    (t, cpu, e) => {
      cpu.run(1);
      atVector(t, cpu, e, { pc: 0x04, cpsr: entered(USR_ZC, MODE_UND), lr: 0x100c, spsr: USR_ZC, icount: 2 });
      regs(t, cpu, e, { 0: 0xdead, 2: 1, 3: 2, 4: 0x44, 5: 0x55 });
    },
    (t, cpu, e) => {
      cpu.run(100); // movs pc, lr
      halted(t, cpu, e, 0x1018, USR_ZC, 2 + 2 + 3);
      regs(t, cpu, e, { 4: 3, 5: 4, 14: 0x7777 });
    });
});

test.serial('SWI mid-block (ARM): LR_svc = next instruction, SPSR_svc = CPSR, vector 0x08; the SWI counts', async (t) => {
  const s: Setup = { src: armMid('svc #0x42'), start: 0x1000, cpsr: USR_ZC, regs: { 4: 0x44, 5: 0x55, 14: 0x7777 } };
  await inBothEngines(t, s,
    (t, cpu, e) => {
      cpu.run(1);
      atVector(t, cpu, e, { pc: 0x08, cpsr: entered(USR_ZC, MODE_SVC), lr: 0x100c, spsr: USR_ZC, icount: 3 });
      regs(t, cpu, e, { 2: 1, 3: 2, 4: 0x44, 5: 0x55 });
    },
    (t, cpu, e) => {
      cpu.run(100);
      halted(t, cpu, e, 0x1018, USR_ZC, 3 + 2 + 3);
      regs(t, cpu, e, { 4: 3, 5: 4, 14: 0x7777 });
    });
});

test.serial('prefetch abort: a jump outside RAM, LR_abt = address + 4, vector 0x0c', async (t) => {
  const src = program(`
  .org 0x1000
  mov r2, #1
  mov r3, #2
  mov pc, #0x80000000
`);
  const s: Setup = { src, start: 0x1000, cpsr: USR_ZC };
  await inBothEngines(t, s, (t, cpu, e) => {
    cpu.run(2);
    atVector(t, cpu, e, { pc: 0x0c, cpsr: entered(USR_ZC, MODE_ABT), lr: 0x80000004, spsr: USR_ZC, icount: 3 });
  });
});

/** Thumb: straight-line code at 0x1000 with the instruction under test third, at 0x1004. */
const thumbMid = (insn: string, handlers: Parameters<typeof program>[1] = {}, extra = ''): string => program(`
  .org 0x1000
  .thumb
  movs r2, #1       @ 0x1000
  movs r3, #2       @ 0x1002
  ${insn}           @ 0x1004
  movs r4, #3       @ 0x1006
  movs r5, #4       @ 0x1008
  svc #${THUMB_HALT} @ 0x100a
  .arm
${extra}
`, handlers);
/** User mode, Thumb, C set: after movs r2/r3 the flags are N=0 Z=0 C=1 V=0. */
const USR_T_C = 0x20000030;

test.serial('data abort mid-block (Thumb): LR_abt = address + 8, T cleared, SPSR.T set; restart with subs pc, lr, #8', async (t) => {
  const src = thumbMid('ldr r0, [r1]', { dabt: 'mov r1, #0x8000\n  subs pc, lr, #8' }, '  .org 0x8000\n  .word 0xcafef00d');
  const s: Setup = { src, start: 0x1001, cpsr: 0x20000030, regs: { 0: 0xdead, 1: BAD, 4: 0x44 } };
  await inBothEngines(t, s,
    (t, cpu, e) => {
      cpu.run(1);
      atVector(t, cpu, e, { pc: 0x10, cpsr: entered(USR_T_C, MODE_ABT), lr: 0x100c, spsr: USR_T_C, icount: 2, far: BAD });
      regs(t, cpu, e, { 0: 0xdead, 1: BAD, 2: 1, 3: 2, 4: 0x44 });
    },
    (t, cpu, e) => {
      cpu.run(100);
      halted(t, cpu, e, 0x100c, USR_T_C, 2 + 3 + 4);
      regs(t, cpu, e, { 0: 0xcafef00d, 1: 0x8000, 4: 3, 5: 4 });
    });
});

test.serial('Thumb data abort resumed after the instruction (sub lr, lr, #6; movs pc, lr)', async (t) => {
  const src = thumbMid('str r2, [r1, #4]', { dabt: 'sub lr, lr, #6\n  movs pc, lr' });
  const s: Setup = { src, start: 0x1001, cpsr: 0x20000030, regs: { 1: BAD } };
  await inBothEngines(t, s, (t, cpu, e) => {
    cpu.run(1);
    atVector(t, cpu, e, { pc: 0x10, cpsr: entered(USR_T_C, MODE_ABT), lr: 0x100c, spsr: USR_T_C, icount: 2, far: BAD + 4 });
  }, (t, cpu, e) => {
    cpu.run(100);
    halted(t, cpu, e, 0x100c, USR_T_C, 2 + 3 + 3);
    regs(t, cpu, e, { 1: BAD, 4: 3, 5: 4 });
  });
});

test.serial('undefined instruction mid-block (Thumb): LR_und = address + 2; movs pc, lr returns to Thumb', async (t) => {
  const s: Setup = { src: thumbMid('.short 0xde00  @ udf'), start: 0x1001, cpsr: 0x20000030, regs: { 0: 0xdead, 4: 0x44 } };
  await inBothEngines(t, s,
    (t, cpu, e) => {
      cpu.run(1);
      atVector(t, cpu, e, { pc: 0x04, cpsr: entered(USR_T_C, MODE_UND), lr: 0x1006, spsr: USR_T_C, icount: 2 });
      regs(t, cpu, e, { 0: 0xdead, 2: 1, 3: 2, 4: 0x44 });
    },
    (t, cpu, e) => {
      cpu.run(100);
      halted(t, cpu, e, 0x100c, USR_T_C, 2 + 2 + 3);
      regs(t, cpu, e, { 4: 3, 5: 4 });
    });
});

test.serial('SWI mid-block (Thumb): LR_svc = address + 2; movs pc, lr returns to Thumb', async (t) => {
  const s: Setup = { src: thumbMid('svc #0x42'), start: 0x1001, cpsr: 0x20000030, regs: { 4: 0x44 } };
  await inBothEngines(t, s,
    (t, cpu, e) => {
      cpu.run(1);
      atVector(t, cpu, e, { pc: 0x08, cpsr: entered(USR_T_C, MODE_SVC), lr: 0x1006, spsr: USR_T_C, icount: 3 });
      regs(t, cpu, e, { 2: 1, 3: 2, 4: 0x44 });
    },
    (t, cpu, e) => {
      cpu.run(100);
      halted(t, cpu, e, 0x100c, USR_T_C, 3 + 2 + 3);
      regs(t, cpu, e, { 4: 3, 5: 4 });
    });
});

test.serial('data abort in Thumb PUSH/POP/LDMIA: SP and the base restored, pc not loaded', async (t) => {
  const cases: { insn: string; regs: Record<number, number>; check: Record<number, number>; far: number }[] = [
    { insn: 'push {r4, lr}', regs: { 13: BAD + 8 }, check: { 13: BAD + 8 }, far: BAD },
    { insn: 'pop {r0, pc}', regs: { 0: 0xdead, 13: RAM - 4 }, check: { 13: RAM - 4 }, far: RAM },
    { insn: 'stmia r1!, {r2, r3}', regs: { 1: RAM - 4 }, check: { 1: RAM - 4 }, far: RAM },
  ];
  for (const c of cases) {
    const s: Setup = { src: thumbMid(c.insn), start: 0x1001, cpsr: 0x20000030, regs: c.regs };
    await inBothEngines(t, s, (t, cpu, e) => {
      cpu.run(1);
      atVector(t, cpu, e, { pc: 0x10, cpsr: entered(USR_T_C, MODE_ABT), lr: 0x100c, spsr: USR_T_C, icount: 2, far: c.far });
      // In abort mode r13 is banked: read the user one after returning.
    }, (t, cpu, e) => {
      cpu.run(100); // subs pc, lr, #4: resumes at 0x1008 (one Thumb instruction skipped beyond the aborted one)
      halted(t, cpu, e, 0x100c, USR_T_C, 2 + 2 + 2);
      regs(t, cpu, e, c.check);
    });
  }
});

test.serial('data abort on Thumb LDMIA that has already loaded its own base leaves the base unchanged (A2.6.5 rule 2)', async (t) => {
  const s: Setup = { src: thumbMid('ldmia r0, {r0, r1, r6}'), start: 0x1001, cpsr: 0x20000030, regs: { 0: RAM - 8, 1: 0x11 } };
  await inBothEngines(t, s, (t, cpu, e) => {
    cpu.run(1);
    atVector(t, cpu, e, { pc: 0x10, cpsr: entered(USR_T_C, MODE_ABT), lr: 0x100c, spsr: USR_T_C, icount: 2, far: RAM });
    regs(t, cpu, e, { 0: RAM - 8 });
  });
});

test.serial('IRQ and FIQ between blocks: LR = next instruction + 4, vectors 0x18/0x1c, F set only for FIQ', async (t) => {
  // The handlers record LR, SPSR, CPSR and which vector they came through, acknowledge, return.
  const handler = (vector: number): string => `mov r4, lr
  mrs r5, spsr
  mrs r6, cpsr
  mov r7, #${vector}
  mov r0, #${hex(ACK)}
  ldr r0, [r0]
  subs pc, lr, #4`;
  const src = program(`
  .org 0x1000
  mov r2, #1        @ 0x1000
  b 1f              @ 0x1004: ends the block
1:
  mov r3, #2        @ 0x1008
  svc #${HALT}      @ 0x100c
`, { irq: handler(0x18), fiq: handler(0x1c) });
  for (const fiq of [false, true]) {
    const s: Setup = { src, start: 0x1000, cpsr: USR_ZC };
    await inBothEngines(t, s, (t, cpu, e) => {
      cpu.run(1);
      t.is(hex(cpu.pc), hex(0x1008), `${e}: after the first block`);
      if (fiq) cpu.fiqLine = true; else cpu.irqLine = true;
      cpu.run(100); // the interrupt is taken before the next block
      const cpsr = fiq ? u((USR_ZC & ~0x1f) | 0xc0 | 0x11) : entered(USR_ZC, 0x12);
      regs(t, cpu, e, { 4: 0x100c, 5: USR_ZC, 6: cpsr, 7: fiq ? 0x1c : 0x18, 2: 1, 3: 2 });
      // 2 + vector b + 7 handler instructions + mov, svc.
      halted(t, cpu, e, 0x1010, USR_ZC, 2 + 8 + 2);
    });
  }
});

test.serial('a masked IRQ is not taken', async (t) => {
  const src = program(`
  .org 0x1000
  mov r2, #1
  svc #${HALT}
`);
  const s: Setup = { src, start: 0x1000, cpsr: 0x60000090 };
  await inBothEngines(t, s, (t, cpu, e) => {
    cpu.irqLine = true;
    cpu.run(100);
    halted(t, cpu, e, 0x1008, 0x60000090, 2);
    t.is(cpu.stats.exceptions, 0);
  });
});

// --- 2. self-modifying code -------------------------------------------------------------------

/** `func` returns r0 = 1; it runs once (translated, cached), is patched to r0 = 2, runs again. */
const smc = (funcAt: number, patch: string): string => program(`
  .org 0x1000
  bl func           @ r0 = 1, func is now translated and cached
  mov r7, r0
  ldr r3, =func
  ${patch}
  bl func           @ must run the new instruction
  mov r8, r0
  svc #${HALT}
  .ltorg
  .org ${hex(funcAt)}
func:
  mov r0, #1
  bx lr
`);

const SMC_CASES: { name: string; funcAt: number; patch: string }[] = [
  { name: 'a word store into another page', funcAt: 0x3000, patch: 'ldr r2, =0xe3a00002\n  str r2, [r3]' },
  { name: 'a word store into the same page, another block', funcAt: 0x1800, patch: 'ldr r2, =0xe3a00002\n  str r2, [r3]' },
  { name: 'a byte store (the immediate) into the same page', funcAt: 0x1100, patch: 'mov r2, #2\n  strb r2, [r3]' },
  { name: 'an STM into another page', funcAt: 0x3000, patch: 'ldr r2, =0xe3a00002\n  ldr r4, =0xe12fff1e\n  stmia r3, {r2, r4}' },
];

for (const { name, funcAt, patch } of SMC_CASES) {
  test.serial(`self-modifying code: ${name}`, async (t) => {
    const s: Setup = { src: smc(funcAt, patch), start: 0x1000, cpsr: 0x000000d3 };
    await inBothEngines(t, s, (t, cpu, e) => {
      cpu.run(1000);
      t.true(cpu.halted, `${e}: halted`);
      regs(t, cpu, e, { 7: 1, 8: 2 });
      t.true(cpu.tbs.invalidations > 0, `${e}: blocks were invalidated`);
    });
  });
}

test.serial('self-modifying code in Thumb: a halfword store patches a cached Thumb block', async (t) => {
  const src = program(`
  .org 0x1000
  .thumb
  bl func           @ r0 = 1
  movs r7, r0
  ldr r3, =func
  movs r2, #0x20
  lsls r2, r2, #8
  adds r2, #2       @ r2 = 0x2002: movs r0, #2
  strh r2, [r3]
  bl func
  movs r6, r0
  svc #${THUMB_HALT}
  .align 2
  .ltorg
  .org 0x1200
  .thumb_func
func:
  movs r0, #1
  bx lr
  .arm
`);
  const s: Setup = { src, start: 0x1001, cpsr: 0x000000f3 };
  await inBothEngines(t, s, (t, cpu, e) => {
    cpu.run(1000);
    t.true(cpu.halted, `${e}: halted`);
    regs(t, cpu, e, { 7: 1, 6: 2 });
    t.true(cpu.tbs.invalidations > 0, `${e}: blocks were invalidated`);
  });
});

test.serial('self-modifying code: a loop patches a later block many times', async (t) => {
  // The loop runs `func` (add r0, r0, #k) and then rewrites k = i; r0 sums 1 + 1 + 2 + ... + 9.
  const src = program(`
  .org 0x1000
  mov r0, #0
  mov r5, #1
  ldr r3, =func
  ldr r6, =0xe2800000     @ add r0, r0, #0
loop:
  bl func
  orr r2, r6, r5
  str r2, [r3]
  add r5, r5, #1
  cmp r5, #10
  bne loop
  bl func
  svc #${HALT}
  .ltorg
  .org 0x1400
func:
  add r0, r0, #1
  bx lr
`);
  const s: Setup = { src, start: 0x1000, cpsr: 0x000000d3 };
  await inBothEngines(t, s, (t, cpu, e) => {
    cpu.run(10_000);
    t.true(cpu.halted);
    // calls with k = 1, 1, 2, ..., 9: 1 + 45 = 46.
    regs(t, cpu, e, { 0: 46 });
    t.true(cpu.tbs.invalidations >= 9, `${e}: ${cpu.tbs.invalidations} invalidations`);
    // 4 + 9 × (bl, add, bx, orr, str, add, cmp, bne) + bl, add, bx, svc.
    t.is(cpu.icount, 4 + 9 * 8 + 4);
  });
});

// --- 3. a block at a page boundary ------------------------------------------------------------

test.serial('straight-line ARM code across a page boundary: the block is cut at 0x2000', async (t) => {
  const src = program(`
  .org 0x1ff0
  mov r0, #1        @ 0x1ff0
  add r0, r0, #1
  add r0, r0, #1
  add r0, r0, #1    @ 0x1ffc
  add r0, r0, #1    @ 0x2000
  add r0, r0, #1
  add r0, r0, #1
  add r0, r0, #1    @ 0x200c
  svc #${HALT}      @ 0x2010
`);
  const s: Setup = { src, start: 0x1ff0, cpsr: 0x000000d3 };
  await inBothEngines(t, s, (t, cpu, e) => {
    const tb = cpu.translate(0x1ff0, 0);
    t.is(hex(blockEnd(tb)), hex(0x2000), `${e}: block end`);
    t.is(tb.insns, 4, `${e}: block length`);
    cpu.run(100);
    halted(t, cpu, e, 0x2014, 0x000000d3, 9);
    regs(t, cpu, e, { 0: 8 });
  });
});

test.serial('straight-line Thumb code across a page boundary, with a BL split over it', async (t) => {
  const src = program(`
  .org 0x1ff0
  .thumb
  movs r0, #1       @ 0x1ff0
  adds r0, #1
  adds r0, #1
  adds r0, #1
  adds r0, #1
  adds r0, #1
  adds r0, #1       @ 0x1ffc
  bl target         @ 0x1ffe prefix, 0x2000 suffix
  svc #${THUMB_HALT}  @ 0x2002
  .org 0x2100
target:
  adds r0, #10      @ 0x2100
  bx lr             @ back to 0x2002 (Thumb: LR bit 0 set)
  .arm
`);
  const s: Setup = { src, start: 0x1ff1, cpsr: 0x000000f3 };
  await inBothEngines(t, s, (t, cpu, e) => {
    const tb = cpu.translate(0x1ff0, TB_FLAG_THUMB);
    t.is(hex(blockEnd(tb)), hex(0x2000), `${e}: block end`);
    cpu.run(100);
    // 7 + 2 (BL halves) + 2 + svc = 12. Flags from the last adds (17): none set.
    halted(t, cpu, e, 0x2004, 0x000000f3, 12);
    regs(t, cpu, e, { 0: 17, 14: 0x2003 });
  });
});

test.serial('300 straight-line instructions (longer than any block): count and result exact', async (t) => {
  for (const thumb of [false, true]) {
    const src = program(thumb ? `
  .org 0x1000
  .thumb
  movs r0, #0
  .rept 300
  adds r0, #1
  .endr
  svc #${THUMB_HALT}
  .arm
` : `
  .org 0x1000
  mov r0, #0
  .rept 300
  add r0, r0, #1
  .endr
  svc #${HALT}
`);
    const s: Setup = { src, start: thumb ? 0x1001 : 0x1000, cpsr: thumb ? 0x000000f3 : 0x000000d3 };
    await inBothEngines(t, s, (t, cpu, e) => {
      cpu.run(100);
      t.true(cpu.halted, `${e}: halted`);
      t.is(cpu.icount, 302, `${e}: icount`);
      regs(t, cpu, e, { 0: 300 });
      t.is(hex(cpu.pc), hex(thumb ? 0x1000 + 2 * 302 : 0x1000 + 4 * 302), `${e}: pc`);
    });
  }
});

// --- 4. TB cache filling and flushing ---------------------------------------------------------

test.serial('300 distinct functions called 5 times with a 64-block cache: flushes, results exact', async (t) => {
  const N = 300;
  let funcs = '  .org 0x4000\n';
  for (let i = 0; i < N; i++) funcs += `f${i}: add r0, r0, #${i & 0xff}\n  add r1, r1, #1\n  bx lr\n`;
  funcs += 'table:\n' + Array.from({ length: N }, (_, i) => `  .word f${i}`).join('\n') + '\n';
  const src = program(`
  .org 0x1000
  mov r0, #0
  mov r1, #0
  mov r6, #5
outer:
  ldr r4, =table
  mov r5, #${N}
inner:
  ldr r3, [r4], #4
  blx r3
  subs r5, r5, #1
  bne inner
  subs r6, r6, #1
  bne outer
  svc #${HALT}
  .ltorg
${funcs}`);
  const s: Setup = { src, start: 0x1000, cpsr: 0x000000d3, opts: { tbCacheSize: 64 } };
  await inBothEngines(t, s, (t, cpu, e) => {
    cpu.run(100_000);
    t.true(cpu.halted, `${e}: halted`);
    // Σ (i & 0xff) for i < 300 = 32640 + 946 = 33586, five times.
    regs(t, cpu, e, { 0: 5 * 33586, 1: 5 * N });
    // 3 + 5 × (2 + 300 × (ldr, blx, add, add, bx, subs, bne) + 2) + svc.
    t.is(cpu.icount, 3 + 5 * (2 + N * 7 + 2) + 1, `${e}: icount`);
    t.true(cpu.tbs.flushes > 0, `${e}: flushes`);
    t.true(cpu.tbs.size <= 64, `${e}: cache size ${cpu.tbs.size}`);
  });
});

test.serial('a one-block batch and a tiny cache still run the program', async (t) => {
  const src = program(`
  .org 0x1000
  mov r0, #0
  mov r1, #20
loop:
  bl f1
  bl f2
  subs r1, r1, #1
  bne loop
  svc #${HALT}
f1: add r0, r0, #3
  bx lr
f2: add r0, r0, #5
  bx lr
`);
  for (const tbCacheSize of [1, 2, 3]) {
    const s: Setup = { src, start: 0x1000, cpsr: 0x000000d3, opts: { tbCacheSize, batchSize: 1 } };
    await inBothEngines(t, s, (t, cpu, e) => {
      cpu.run(10_000);
      t.true(cpu.halted, `${e}: halted (cache ${tbCacheSize})`);
      regs(t, cpu, e, { 0: 20 * 8 });
      // 2 + 20 × (bl, add, bx, bl, add, bx, subs, bne) + svc.
      t.is(cpu.icount, 2 + 20 * 8 + 1);
    });
  }
});

// --- 5. mode switches and banked registers ----------------------------------------------------

test.serial('MSR mode switches: r8–r12 banked in FIQ only, r13/r14/SPSR per mode, user mode cannot leave', async (t) => {
  const src = program(`
  .org 0x1000
  ldr r7, =dump
  mov r8, #8
  mov r9, #9
  mov r10, #10
  mov r11, #11
  mov r12, #12
  mov sp, #0x130
  mov lr, #0x140
  ldr r0, =0x10000010
  msr spsr_fsxc, r0

  msr cpsr_c, #0xd1        @ FIQ
  mov r8, #0x81
  mov r9, #0x91
  mov r10, #0xa1
  mov r11, #0xb1
  mov r12, #0xc1
  mov sp, #0xd1
  mov lr, #0xe1
  ldr r0, =0x20000010
  msr spsr_fsxc, r0

  msr cpsr_c, #0xd2        @ IRQ
  mov sp, #0xd2
  mov lr, #0xe2
  ldr r0, =0x30000010
  msr spsr_fsxc, r0

  msr cpsr_c, #0xd7        @ abort
  mov sp, #0xd7
  mov lr, #0xe7
  ldr r0, =0x40000010
  msr spsr_fsxc, r0

  msr cpsr_c, #0xdb        @ undefined
  mov sp, #0xdb
  mov lr, #0xeb
  ldr r0, =0x50000010
  msr spsr_fsxc, r0

  msr cpsr_c, #0xdf        @ system: the user registers
  mov sp, #0xdf
  mov lr, #0xef

  @ read every mode back
  msr cpsr_c, #0xd1
  stmia r7!, {r8-r14}
  mrs r0, spsr
  str r0, [r7], #4
  msr cpsr_c, #0xd2
  stmia r7!, {r8-r14}
  mrs r0, spsr
  str r0, [r7], #4
  msr cpsr_c, #0xd7
  stmia r7!, {r8-r14}
  mrs r0, spsr
  str r0, [r7], #4
  msr cpsr_c, #0xdb
  stmia r7!, {r8-r14}
  mrs r0, spsr
  str r0, [r7], #4
  msr cpsr_c, #0xd3
  stmia r7!, {r8-r14}
  mrs r0, spsr
  str r0, [r7], #4
  msr cpsr_c, #0xdf
  stmia r7!, {r8-r14}
  mrs r0, cpsr
  str r0, [r7], #4

  msr cpsr_c, #0x10        @ user mode, I and F clear
  stmia r7!, {r8-r14}
  msr cpsr_c, #0xd1        @ ignored: user mode cannot change the control field
  mrs r0, cpsr
  str r0, [r7], #4
  ldr r0, =0xf00000d3
  msr cpsr_fc, r0          @ only the flags are written
  mrs r0, cpsr
  str r0, [r7], #4
  stmia r7!, {r8-r14}      @ still the user registers
  svc #${HALT}
  .ltorg
  .org 0x8000
dump:
`);
  const s: Setup = { src, start: 0x1000, cpsr: 0x000000d3 };
  const usr8 = [8, 9, 10, 11, 12];
  const expected = [
    0x81, 0x91, 0xa1, 0xb1, 0xc1, 0xd1, 0xe1, 0x20000010, // FIQ
    ...usr8, 0xd2, 0xe2, 0x30000010, // IRQ
    ...usr8, 0xd7, 0xe7, 0x40000010, // abort
    ...usr8, 0xdb, 0xeb, 0x50000010, // undefined
    ...usr8, 0x130, 0x140, 0x10000010, // SVC
    ...usr8, 0xdf, 0xef, 0x000000df, // system; its CPSR
    ...usr8, 0xdf, 0xef, // user
    0x00000010, // CPSR after the ignored mode change
    0xf0000010, // CPSR after MSR cpsr_fc in user mode
    ...usr8, 0xdf, 0xef,
  ];
  await inBothEngines(t, s, (t, cpu, e) => {
    cpu.run(1000);
    t.true(cpu.halted, `${e}: halted`);
    const got = expected.map((_, i) => hex(cpu.readU32(0x8000 + 4 * i)));
    t.deepEqual(got, expected.map(hex), `${e}: register dump`);
    t.is(hex(cpu.cpsr), hex(0xf0000010), `${e}: final CPSR`);
  });
});

test.serial('exception entry from FIQ mode swaps r8–r12 back; return restores them', async (t) => {
  // In FIQ mode (r8 = 0x81), an undefined instruction enters UND mode: r8 is the user r8.
  const src = program(`
  .org 0x1000
  mov r8, #8
  msr cpsr_c, #0xd1
  mov r8, #0x81
  .word 0xe7f000f0
  mov r9, r8
  svc #${HALT}
`, { und: 'mov r10, r8\n  movs pc, lr' });
  const s: Setup = { src, start: 0x1000, cpsr: 0x000000d3 };
  await inBothEngines(t, s, (t, cpu, e) => {
    cpu.run(1000);
    t.true(cpu.halted, `${e}: halted`);
    // r10 was written in UND mode (the user r10, now in its bank word), r9 in FIQ mode from r8_fiq.
    t.is(hex(cpu.env[8]), hex(0x81), `${e}: FIQ r8`);
    t.is(hex(cpu.env[9]), hex(0x81), `${e}: FIQ r9 = r8_fiq`);
    t.is(hex(cpu.env[USR_R8 + 2]), hex(8), `${e}: user r10 = user r8, written in UND mode`);
    t.is(hex(cpu.cpsr), hex(0x000000d1), `${e}: back in FIQ mode`);
    // mov, msr, mov (the undefined one does not count), vector b, mov, movs, mov, svc.
    t.is(cpu.icount, 3 + 3 + 2);
  });
});

// --- 6. instruction count exactness -----------------------------------------------------------

const COUNT_LOOP = program(`
  .org 0x1000
  mov r0, #0        @ 1
  mov r1, #10       @ 1
loop:
  add r0, r0, #1    @ 10
  tst r0, #1        @ 10
  addeq r2, r2, #1  @ 10 (5 pass, 5 fail)
  addne r3, r3, #1  @ 10 (5 pass, 5 fail)
  subs r1, r1, #1   @ 10
  bne loop          @ 10 (9 taken, 1 not)
  movne r4, #1      @ 1 (fails)
  svc #${HALT}      @ 1
`);

for (const singleStep of [false, true]) {
  test.serial(`instruction count of a loop with failing conditionals${singleStep ? ' (single step)' : ''}`, async (t) => {
    const s: Setup = { src: COUNT_LOOP, start: 0x1000, cpsr: 0x000000d3, regs: { 2: 0, 3: 0, 4: 0x44 }, opts: { singleStep } };
    await inBothEngines(t, s, (t, cpu, e) => {
      cpu.run(10_000);
      // Last subs: 1 - 1 = 0, Z and C set.
      halted(t, cpu, e, 0x1028, 0x600000d3, 2 + 6 * 10 + 2);
      regs(t, cpu, e, { 0: 10, 1: 0, 2: 5, 3: 5, 4: 0x44 });
    });
  });
}

test.serial('instruction count is exact when the loop is run one block at a time', async (t) => {
  const s: Setup = { src: COUNT_LOOP, start: 0x1000, cpsr: 0x000000d3 };
  await inBothEngines(t, s, (t, cpu, e) => {
    let blocks = 0;
    while (!cpu.halted && blocks < 1000) { cpu.run(1); blocks++; }
    halted(t, cpu, e, 0x1028, 0x600000d3, 64);
  });
});

test.serial('instruction count in Thumb with conditional branches and exceptions in the loop', async (t) => {
  const src = program(`
  .org 0x1000
  .thumb
  movs r0, #0       @ 1
  movs r1, #6       @ 1
loop:
  adds r0, #2       @ 6
  svc #1            @ 6 (taken; the vector's b and the handler's movs pc, lr are 12 more)
  subs r1, #1       @ 6
  bne loop          @ 6
  beq 1f            @ 1 (taken)
  movs r0, #99      @ skipped, not executed
1:
  svc #${THUMB_HALT}  @ 1
  .arm
`);
  const s: Setup = { src, start: 0x1001, cpsr: 0x000000d3 };
  await inBothEngines(t, s, (t, cpu, e) => {
    cpu.run(10_000);
    // Last subs gave Z=1, C=1 (no borrow).
    halted(t, cpu, e, 0x1012, 0x600000f3, 2 + 6 * 4 + 6 * 2 + 1 + 1);
    regs(t, cpu, e, { 0: 12, 1: 0 });
    t.is(cpu.stats.exceptions, 6);
  });
});
