/**
 * The embedding API (api/): the system emulator's board driven from a program — output the
 * same as the CLI's, instruction counts the same as qemu-system-arm's, registers and memory at
 * a breakpoint the same as gdb reads them from qemu-system-arm, both engines alike — with its
 * error paths; Linux user mode's runLinuxProgram against qemu-arm; and the main entry point's
 * import graph, which must hold nothing Node-only (it is meant for browsers too).
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  ArgumentError, DynwasmError, ImageError, MemoryAccessError, StateError, createVersatilePb,
  type ArmRegisterName, type VersatilePbMachine,
} from '../api/index.js';
import { runLinuxProgram } from '../api/linux-user.js';
import { parseElf } from '../runtime/elf.js';
import { session } from './support/gdb-session.js';
import { testNeeding, TOOLS } from './support/tools.js';

const ROOT = process.cwd();
const DEMO = join(ROOT, 'demo/versatilepb/demo.elf');
const demo = readFileSync(DEMO);
const ENGINES = ['jit', 'interp'] as const;
const BUSYBOX = join(ROOT, 'build/busybox/bin/busybox');
const qemuTest = testNeeding(TOOLS.qemuSystemArm);
const gdbTest = testNeeding(TOOLS.gdbMultiarch, TOOLS.qemuSystemArm);
const qemuArmTest = testNeeding(TOOLS.qemuArm);
/** The demo's start-up code calls main through this word, then exit through the next. */
const MAIN_PTR = 0x10134, EXIT_PTR = 0x10138;

async function boot(accel: 'jit' | 'interp' = 'jit'): Promise<{ m: VersatilePbMachine; out: () => string }> {
  const m = await createVersatilePb({ kernel: demo, accel, semihosting: true });
  const chunks: Uint8Array[] = [];
  m.serial[0].onData((d) => chunks.push(d));
  return { m, out: () => Buffer.concat(chunks).toString('latin1') };
}

const word = (m: VersatilePbMachine, addr: number): number => new DataView(m.readMemory(addr, 4).buffer).getUint32(0, true);

/** The demo under the CLI: its stdout and status. */
function cliDemo(accel: string): { stdout: string; status: number | null } {
  const r = spawnSync('node', [join(ROOT, 'bin/dynwasm-system-arm.js'), '-M', 'versatilepb', '-kernel', DEMO, '-nographic', '-semihosting', '-accel', accel],
    { encoding: 'latin1', input: '', timeout: 60000 });
  return { stdout: r.stdout, status: r.status };
}

for (const accel of ENGINES) {
  test(`the demo's UART0 output and exit status are the CLI's (${accel})`, async (t) => {
    const { m, out } = await boot(accel);
    const stop = await m.run();
    t.is(stop.reason, 'exit');
    const cli = cliDemo(accel);
    t.is(stop.exitCode, cli.status ?? undefined);
    t.is(out(), cli.stdout);
    t.regex(out(), /primes: 2 3 5 7/);
    t.is(m.stats().icount, stop.instructions);
    t.is(m.instructions, stop.instructions);
    // Once exited, run() returns at once with the same.
    t.deepEqual(await m.run(), stop);
  });
}

qemuTest('the demo runs as many instructions as qemu-system-arm -singlestep executes, in both engines', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dynwasm-api-'));
  const log = join(dir, 'exec.log');
  const q = spawnSync('qemu-system-arm', ['-M', 'versatilepb', '-kernel', DEMO, '-nographic', '-semihosting', '-monitor', 'none',
    '-singlestep', '-d', 'exec,nochain', '-D', log], { input: '', timeout: 60000, env: { ...process.env, QEMU_AUDIO_DRV: 'none' } });
  t.is(q.status, 0);
  const expected = (readFileSync(log, 'latin1').match(/^Trace /gm) ?? []).length;
  t.true(expected > 100000);
  for (const accel of ENGINES) {
    const { m } = await boot(accel);
    t.is((await m.run()).instructions, expected, accel);
  }
});

test('run({ instructions }) stops after exactly that many, at the same state in both engines and by single steps', async (t) => {
  for (const n of [0, 1, 127, 128, 129, 1000, 54321]) {
    const states = [];
    for (const accel of ENGINES) {
      const { m } = await boot(accel);
      const stop = await m.run({ instructions: n });
      t.is(stop.reason, 'instructions');
      t.is(stop.instructions, n, `${accel} ${n}`);
      states.push(m.registers());
    }
    if (n <= 1000) {
      const { m } = await boot('interp');
      for (let i = 0; i < n; i++) t.is(m.step().reason, 'step');
      t.is(m.instructions, n);
      states.push(m.registers());
    }
    for (const s of states.slice(1)) t.deepEqual(s, states[0], `after ${n}`);
  }
  // Budgets add up: 500 + 500 is 1000.
  const { m } = await boot();
  await m.run({ instructions: 500 });
  const at = await m.run({ instructions: 500 });
  const { m: m2 } = await boot();
  t.deepEqual(m.registers(), (await m2.run({ instructions: 1000 }), m2.registers()));
  t.is(at.instructions, 1000);
});

const GDB_REGS: ArmRegisterName[] = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'sp', 'lr', 'pc', 'cpsr'];

/** `info registers` lines → name → value; `x/4wx` lines → words. */
function parseGdb(out: string): { regs: Record<string, number>[]; words: number[][] } {
  const regs: Record<string, number>[] = [];
  const words: number[][] = [];
  let cur: Record<string, number> | undefined;
  for (const line of out.split('\n')) {
    const r = /^(r\d+|sp|lr|pc|cpsr)\s+(0x[0-9a-f]+)/.exec(line);
    if (r) {
      if (r[1] === 'r0' || !cur) regs.push(cur = {});
      cur[r[1]] = Number(r[2]);
      continue;
    }
    const x = /^0x[0-9a-f]+:\s+((?:0x[0-9a-f]+\s*)+)$/.exec(line);
    if (x) words.push(x[1].trim().split(/\s+/).map(Number));
  }
  return { regs, words };
}

gdbTest('at breakpoints, the registers and the stack are what gdb reads from qemu-system-arm (both engines)', async (t) => {
  const { m: probe } = await boot();
  const main = word(probe, MAIN_PTR), exit = word(probe, EXIT_PTR);
  const port = 21000 + (process.pid % 2000) * 10 + 7;
  const script = [
    `break *${main}`, 'continue', `info registers ${GDB_REGS.join(' ')}`, 'x/4wx $sp',
    'stepi', 'stepi', 'stepi', `info registers ${GDB_REGS.join(' ')}`,
    'delete', `break *${exit}`, 'continue', `info registers ${GDB_REGS.join(' ')}`, 'x/4wx $sp - 16',
  ];
  const ref = await session('qemu-system-arm', ['-M', 'versatilepb', '-semihosting', '-nographic', '-monitor', 'none', '-kernel', DEMO, '-gdb', `tcp::${port}`, '-S'],
    port, DEMO, script);
  const want = parseGdb(ref.gdb);
  t.is(want.regs.length, 3, ref.gdb);
  t.is(want.words.length, 2, ref.gdb);
  const regsOf = (m: VersatilePbMachine): Record<string, number> => Object.fromEntries(GDB_REGS.map((r) => [r, m.readRegister(r)]));
  const wordsAt = (m: VersatilePbMachine, addr: number): number[] => Array.from({ length: 4 }, (_, i) => word(m, addr + 4 * i));
  for (const accel of ENGINES) {
    const { m, out } = await boot(accel);
    m.addBreakpoint(main);
    t.deepEqual(m.breakpoints, [main]);
    const s1 = await m.run();
    t.is(s1.reason, 'breakpoint');
    t.is(s1.pc, main);
    t.deepEqual(regsOf(m), want.regs[0], `${accel}: at main`);
    t.deepEqual(wordsAt(m, m.readRegister('sp')), want.words[0]);
    for (let i = 0; i < 3; i++) m.step();
    t.deepEqual(regsOf(m), want.regs[1], `${accel}: three steps on`);
    t.true(m.removeBreakpoint(main));
    t.false(m.removeBreakpoint(main));
    m.addBreakpoint(exit);
    const s2 = await m.run();
    t.is(s2.reason, 'breakpoint');
    t.deepEqual(regsOf(m), want.regs[2], `${accel}: at exit`);
    t.deepEqual(wordsAt(m, m.readRegister('sp') - 16), want.words[1]);
    t.regex(out(), /bye/);
    // A run that starts at a breakpoint steps over it.
    const s3 = await m.run();
    t.is(s3.reason, 'exit');
    t.is(s3.exitCode, 0);
  }
});

test('a breakpoint inside a loop stops every time round, in both engines alike', async (t) => {
  const counts = [];
  for (const accel of ENGINES) {
    const { m } = await boot(accel);
    // The first instruction of main's first loop: the one at the pc after 3000 instructions.
    await m.run({ instructions: 3000 });
    const pc = m.pc;
    await m.reset();
    m.addBreakpoint(pc);
    let hits = 0;
    const pcs = new Set<number>();
    for (;;) {
      const s = await m.run();
      if (s.reason !== 'breakpoint') { t.is(s.reason, 'exit'); break; }
      hits++;
      pcs.add(s.pc);
    }
    t.deepEqual([...pcs], [pc]);
    counts.push(hits);
  }
  t.true(counts[0] > 1);
  t.is(counts[0], counts[1]);
});

test('pause() stops a run between slices, and the run resumes where it stopped', async (t) => {
  const { m, out } = await boot('interp');
  const running = m.run({ sliceMs: 1 });
  t.true(m.isRunning);
  await t.throwsAsync(() => m.run(), { instanceOf: StateError, code: 'ERR_STATE' });
  t.throws(() => m.step(), { instanceOf: StateError });
  await t.throwsAsync(() => m.reset(), { instanceOf: StateError });
  t.throws(() => m.writeRegister('r0', 1), { instanceOf: StateError });
  t.throws(() => m.writeMemory(0x10000, new Uint8Array(4)), { instanceOf: StateError });
  await new Promise((r) => setTimeout(r, 5));
  m.pause();
  const p = await running;
  t.is(p.reason, 'paused');
  t.false(m.isRunning);
  t.true(p.instructions > 0);
  const done = await m.run();
  t.is(done.reason, 'exit');
  t.is(out(), cliDemo('interp').stdout);
  // An AbortSignal stops a run too.
  const { m: m2 } = await boot('interp');
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 5);
  t.is((await m2.run({ signal: ac.signal, sliceMs: 1 })).reason, 'paused');
});

test('reset() starts the board again from its images: the same output and count as a fresh board', async (t) => {
  const { m, out } = await boot();
  await m.run({ instructions: 100000 });
  const partial = out();
  t.true(partial.length > 0);
  m.addBreakpoint(0x10000);
  await m.reset();
  t.is(m.instructions, 0);
  t.is(m.stats().blocksRun, 0);
  t.deepEqual(m.breakpoints, [0x10000]);
  t.true(m.removeBreakpoint(0x10000));
  const stop = await m.run();
  t.is(out(), partial + cliDemo('jit').stdout);
  t.is(stop.instructions, (await (await boot()).m.run()).instructions);
});

test('registers: read, write, the CPSR\'s mode and T bit, and names', async (t) => {
  const { m } = await boot();
  const r = m.registers();
  t.is(r.pc, 0x10000);
  t.is(r.cpsr & 0x1f, 0x13); // SVC
  t.is(r.r.length, 16);
  m.writeRegister('r5', 0xdeadbeef);
  t.is(m.readRegister('r5'), 0xdeadbeef);
  m.writeRegister('r6', -1);
  t.is(m.readRegister('r6'), 0xffffffff);
  m.writeRegister('sp', 0x1234);
  t.is(m.readRegister('r13'), 0x1234);
  m.writeRegister('cpsr', (r.cpsr & ~0x1f) | 0x1f); // System mode
  t.is(m.readRegister('cpsr') & 0x1f, 0x1f);
  t.not(m.readRegister('sp'), 0x1234, 'System mode has its own sp');
  m.writeRegister('pc', 0x10001);
  t.is(m.pc, 0x10000, 'bit 0 of the pc is not written');
  t.is(m.dumpRegisters().split('\n')[0].slice(0, 3), 'R00');
  t.throws(() => m.readRegister('r16' as ArmRegisterName), { instanceOf: ArgumentError, code: 'ERR_BAD_ARGUMENT', message: /unknown register "r16"/ });
  t.throws(() => m.writeRegister('r0', 2 ** 32), { instanceOf: ArgumentError });
  t.throws(() => m.writeRegister('r0', 1.5), { instanceOf: ArgumentError });
});

test('memory: physical and virtual reads and writes, what the ELF loaded, and accesses that are not RAM', async (t) => {
  const { m } = await boot();
  const elf = parseElf(demo);
  for (const s of elf.segments) if (s.filesz) t.deepEqual(m.readPhysical(s.paddr, s.filesz), new Uint8Array(s.data));
  t.deepEqual(m.readMemory(0x10000, 64), m.readPhysical(0x10000, 64)); // the MMU is off
  m.writePhysical(0x100000, Uint8Array.of(1, 2, 3, 4));
  t.deepEqual(m.readMemory(0x100000, 4), Uint8Array.of(1, 2, 3, 4));
  m.writeMemory(0x100002, Uint8Array.of(9));
  t.deepEqual(m.readPhysical(0x100000, 4), Uint8Array.of(1, 2, 9, 4));
  t.is(m.ramSize, 128 * 2 ** 20);
  t.deepEqual(m.readPhysical(m.ramSize - 4, 4).length, 4);
  t.is(m.readMemory(0, 0).length, 0);
  // Code written through the API is what runs: a semihosting exit with status 42 at the entry.
  const code = new Uint32Array([0xe3a00020, 0xe28f1004, 0xef123456, 0xeafffffe, 0x20026, 42]);
  m.writeMemory(0x10000, new Uint8Array(code.buffer));
  const s = await m.run();
  t.is(s.reason, 'exit');
  t.is(s.exitCode, 42);
  t.is(s.instructions, 3);

  const e1 = t.throws(() => m.readPhysical(m.ramSize - 2, 4), { instanceOf: MemoryAccessError, code: 'ERR_MEMORY_ACCESS' });
  t.is(e1?.address, m.ramSize);
  t.throws(() => m.readMemory(0x101f1000, 4), { instanceOf: MemoryAccessError, message: /0x101f1000 is not mapped to RAM/ });
  t.throws(() => m.writeMemory(m.ramSize - 1, Uint8Array.of(1, 2)), { instanceOf: MemoryAccessError });
  t.deepEqual(m.readPhysical(m.ramSize - 1, 1), Uint8Array.of(0), 'a failed write writes nothing');
  t.throws(() => m.writePhysical(0xfffffff0, Uint8Array.of(1)), { instanceOf: MemoryAccessError });
  t.throws(() => m.readMemory(-1, 4), { instanceOf: ArgumentError });
  t.throws(() => m.readMemory(0xffffffff, 2), { instanceOf: ArgumentError });
  t.throws(() => m.readPhysical(0, 1.5), { instanceOf: ArgumentError });
  t.throws(() => m.writeMemory(0, [1, 2] as unknown as Uint8Array), { instanceOf: ArgumentError });
  t.throws(() => m.addBreakpoint(2 ** 32), { instanceOf: ArgumentError });
});

test('bad options and bad images are typed errors with one-line messages', async (t) => {
  const bad = async (opts: unknown, type: typeof DynwasmError, message: RegExp): Promise<void> => {
    const e = await t.throwsAsync(() => createVersatilePb(opts as never), { instanceOf: type, message });
    t.true(e instanceof DynwasmError);
    t.false(e!.message.includes('\n'));
  };
  await bad(undefined, ArgumentError, /expected an options object/);
  await bad({}, ArgumentError, /kernel: expected a Uint8Array/);
  await bad({ kernel: 'demo.elf' }, ArgumentError, /kernel: expected a Uint8Array/);
  await bad({ kernel: demo, ram: '300M' }, ArgumentError, /more than versatilepb's 256 MiB/);
  await bad({ kernel: demo, ram: 'lots' }, ArgumentError, /is not a size/);
  await bad({ kernel: demo, ram: -1 }, ArgumentError, /is not a size/);
  await bad({ kernel: demo, accel: 'tcg2' }, ArgumentError, /accel: "tcg2"/);
  await bad({ kernel: demo, dtb: 'x' }, ArgumentError, /dtb: expected/);
  await bad({ kernel: demo, onGuestReset: 'halt' }, ArgumentError, /onGuestReset/);
  await bad({ kernel: demo, semihosting: { args: [1] } }, ArgumentError, /semihosting.args/);
  await bad({ kernel: new Uint8Array(0) }, ImageError, /empty kernel image/);
  await bad({ kernel: demo.subarray(0, 40) }, ImageError, /truncated ELF/);
  await bad({ kernel: demo, ram: '64K' }, ImageError, /outside RAM/);
  const x86 = Buffer.from(demo);
  x86.writeUInt16LE(3, 18); // e_machine: i386
  await bad({ kernel: x86 }, ImageError, /not ARM|i386|x86/i);
  await bad({ kernel: new Uint8Array(64), dtb: new Uint8Array(100) }, ImageError, /dtb/);
  // An ArrayBuffer is as good as a Uint8Array.
  const m = await createVersatilePb({ kernel: demo.buffer.slice(demo.byteOffset, demo.byteOffset + demo.length), semihosting: true, ram: '64M' });
  t.is(m.ramSize, 64 * 2 ** 20);
  await t.throwsAsync(() => m.run({ instructions: -1 }), { instanceOf: ArgumentError });
  await t.throwsAsync(() => m.run({ sliceMs: 0 }), { instanceOf: ArgumentError });
  m.close();
  await t.throwsAsync(() => m.run(), { instanceOf: StateError, message: /closed/ });
});

test('UART input: bytes written to a serial port reach the guest', async (t) => {
  // A raw image that echoes UART0 input + 1 until it reads 'q', then exits by semihosting with status 7.
  const code = new Uint32Array([
    0xe59f4030, // ldr r4, =0x101f1000
    0xe5943018, // 1: ldr r3, [r4, #0x18]   (UARTFR)
    0xe3130010, //    tst r3, #0x10         (RXFE)
    0x1afffffc, //    bne 1b
    0xe5940000, //    ldr r0, [r4]          (UARTDR)
    0xe20000ff, //    and r0, r0, #0xff
    0xe3500071, //    cmp r0, #'q'
    0x0a000002, //    beq 2f
    0xe2800001, //    add r0, r0, #1
    0xe5840000, //    str r0, [r4]
    0xeafffff5, //    b 1b
    0xe3a00020, // 2: mov r0, #0x20 (SYS_EXIT_EXTENDED)
    0xe28f1004, //    add r1, pc, #4
    0xef123456, //    svc 0x123456
    0x101f1000,
    0x00020026, 7,
  ]);
  // (The pool word at +0x38: ldr at 0 reads pc+8+0x30.)
  const img = new Uint8Array(code.buffer);
  for (const accel of ENGINES) {
    const m = await createVersatilePb({ kernel: img, semihosting: true, accel });
    let got = '';
    m.serial[0].onData((d) => { got += Buffer.from(d).toString('latin1'); });
    const s1 = await m.run({ instructions: 5000 });
    t.is(s1.reason, 'instructions');
    m.serial[0].write('HAL');
    m.serial[0].write(Uint8Array.of(0x71));
    const s2 = await m.run({ instructions: 100000 });
    t.is(s2.reason, 'exit', accel);
    t.is(s2.exitCode, 7);
    t.is(got, 'IBM');
  }
});

test('a guest reset stops the run with onGuestReset: "stop", and boots again by default', async (t) => {
  // Unlock the system registers and write SYS_RESETCTL (QEMU's reset request), after printing 'x'.
  const code = new Uint32Array([
    0xe59f401c, // ldr r4, =0x101f1000
    0xe3a00078, // mov r0, #'x'
    0xe5840000, // str r0, [r4]
    0xe59f5014, // ldr r5, =0x10000000
    0xe59f0014, // ldr r0, =0xa05f
    0xe5850020, // str r0, [r5, #0x20]   (SYS_LOCK: unlock)
    0xe3a00c01, // mov r0, #0x100
    0xe5850040, // str r0, [r5, #0x40]   (SYS_RESETCTL, bit 8: reset)
    0xeafffffe, // b .
    0x101f1000, 0x10000000, 0xa05f,
  ]);
  const img = new Uint8Array(code.buffer);
  const stopM = await createVersatilePb({ kernel: img, onGuestReset: 'stop' });
  let out = '';
  stopM.serial[0].onData((d) => { out += Buffer.from(d).toString('latin1'); });
  const s = await stopM.run({ instructions: 300 });
  t.is(s.reason, 'reset');
  t.is(out, 'x');
  const again = await createVersatilePb({ kernel: img });
  let out2 = '';
  again.serial[0].onData((d) => { out2 += Buffer.from(d).toString('latin1'); });
  const s2 = await again.run({ instructions: 300 });
  t.is(s2.reason, 'instructions');
  // Each boot runs QEMU's boot stub and the program's 8 instructions up to the reset.
  t.true(out2.length > 5 && /^x+$/.test(out2), out2);
});

test('the main entry point imports nothing Node-only (its whole import graph)', (t) => {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    const code = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
    for (const m of code.matchAll(/(?:^|[\n;])\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
      else bare.add(spec);
    }
    // runtime/host.ts looks for Node's process (typeof process) and falls back on performance.now().
    const checked = file.endsWith('/runtime/host.js') ? code.replace(/typeof process !== 'undefined' && typeof process\.hrtime\?\.bigint === 'function'\s*\?\s*\(\) => process\.hrtime\.bigint\(\)/, '') : code;
    t.notRegex(checked, /\bBuffer\b|\brequire\(|\b__dirname\b|(?<![.?\w])process\./, `${file} uses a Node-only global`);
  };
  walk(join(ROOT, 'dist/api/index.js'));
  t.true(seen.has(join(ROOT, 'dist/boards/versatilepb/machine.js')));
  t.true(seen.size > 40);
  t.deepEqual([...bare], []);
  // The Node entry point is the one that reaches koffi and node: modules.
  const nodeSeen = new Set<string>();
  const nodeBare = new Set<string>();
  const walkNode = (file: string): void => {
    if (nodeSeen.has(file)) return;
    nodeSeen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:^|[\n;])\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/g)) {
      if (m[1].startsWith('.')) walkNode(resolve(dirname(file), m[1])); else nodeBare.add(m[1]);
    }
  };
  walkNode(join(ROOT, 'dist/api/linux-user.js'));
  t.true(nodeBare.has('node:child_process'));
});

// --- Linux user mode -----------------------------------------------------------------------

test('runLinuxProgram: Debian\'s busybox with args, env, cwd and stdin; its status, output and stats', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dynwasm-api-'));
  writeFileSync(join(dir, 'f.txt'), 'one\ntwo\n');
  const r = await runLinuxProgram(BUSYBOX, {
    args: ['sh', '-c', 'echo "$GREETING" "$#" "$1"; pwd; cat f.txt | wc -l; read x; echo "in: $x"; echo err >&2; exit 3', 'sh', 'arg one'],
    env: { GREETING: 'hello', PATH: '/bin' }, cwd: dir, stdin: 'typed\n', stats: true,
  });
  t.is(r.exitCode, 3);
  t.is(r.signal, null);
  t.is(r.stdout.toString(), `hello 1 arg one\n${dir}\n2\nin: typed\n`);
  t.is(r.stderr.toString(), 'err\n');
  t.true(r.stats!.length >= 2, 'the shell forks for the pipe');
  const top = r.stats![r.stats!.length - 1];
  t.deepEqual(top.end, { exitCode: 3 });
  t.true(top.icount > 1000);
  // Streaming callbacks see the same bytes; a guest killed by a signal reports it.
  const chunks: Buffer[] = [];
  const k = await runLinuxProgram(BUSYBOX, { args: ['sh', '-c', 'echo before; kill -TERM $$'], onStdout: (c) => chunks.push(c), accel: 'interp' });
  t.is(k.exitCode, null);
  t.is(k.signal, 'SIGTERM');
  t.is(Buffer.concat(chunks).toString(), 'before\n');
  // argv0 and a relative program path (against cwd).
  const a = await runLinuxProgram('busybox', { args: ['echo', 'x'], cwd: dirname(BUSYBOX) });
  t.is(a.stdout.toString(), 'x\n');
});

qemuArmTest('runLinuxProgram prints what qemu-arm prints, in both engines', async (t) => {
  const args = ['sh', '-c', 'for i in 1 2 3; do echo $((i * i)); done | sort -r; echo "$0 $#"; exit 5'];
  const q = spawnSync('qemu-arm', [BUSYBOX, ...args], { encoding: 'latin1', env: { PATH: '/bin' } });
  for (const accel of ENGINES) {
    const r = await runLinuxProgram(BUSYBOX, { args, accel, env: { PATH: '/bin' } });
    t.is(r.stdout.toString('latin1'), q.stdout, accel);
    t.is(r.exitCode, q.status);
  }
});

test('runLinuxProgram: missing, unreadable and foreign programs and bad options are typed errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dynwasm-api-'));
  writeFileSync(join(dir, 'text'), 'hello\n');
  await t.throwsAsync(() => runLinuxProgram(join(dir, 'nope')), { instanceOf: ImageError, code: 'ERR_BAD_IMAGE', message: /nope: no such file/ });
  await t.throwsAsync(() => runLinuxProgram(dir), { instanceOf: ImageError, message: /not a regular file/ });
  await t.throwsAsync(() => runLinuxProgram(join(dir, 'text')), { instanceOf: ImageError, message: /not an ELF executable/ });
  await t.throwsAsync(() => runLinuxProgram('/bin/true'), { instanceOf: ImageError, message: /^\/bin\/true: 64-bit ELF for x86-64, not a 32-bit ARM ELF$/ });
  await t.throwsAsync(() => runLinuxProgram(BUSYBOX, { arch: 'i386' }), { instanceOf: ImageError, message: /busybox: ELF for ARM, not x86 \(i386\)$/ });
  await t.throwsAsync(() => runLinuxProgram(''), { instanceOf: ArgumentError });
  await t.throwsAsync(() => runLinuxProgram(BUSYBOX, { accel: 'fast' as never }), { instanceOf: ArgumentError, message: /accel/ });
  await t.throwsAsync(() => runLinuxProgram(BUSYBOX, { args: 'ls' as never }), { instanceOf: ArgumentError, message: /args/ });
  await t.throwsAsync(() => runLinuxProgram(BUSYBOX, { cwd: join(dir, 'nope') }), { instanceOf: ArgumentError, message: /cwd/ });
  await t.throwsAsync(() => runLinuxProgram(BUSYBOX, { stdin: 5 as never }), { instanceOf: ArgumentError, message: /stdin/ });
});
