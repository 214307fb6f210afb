/**
 * The gdb stub, driven by Debian's gdb-multiarch in batch mode: the same script against
 * qemu-arm -g / qemu-system-arm -s -S (the reference) and against dynwasm-arm -g /
 * dynwasm-system-arm -s -S in both engines; gdb's output must be the same. Only what the
 * emulators may place differently is normalised: user mode's stack (qemu-arm puts it at
 * 0x40800000, we at 0xbf000000: stack addresses are compared relative to the first sp).
 * A raw-protocol client checks what batch gdb cannot: Ctrl-C, and that the guest never reads
 * a breakpoint.
 */
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RawGdb, waitListening } from './support/rsp.js';
import { session } from './support/gdb-session.js';
import { testNeeding, TOOLS } from './support/tools.js';

const ROOT = process.cwd();
const userTest = testNeeding(TOOLS.gdbMultiarch, TOOLS.armLinuxGcc, TOOLS.qemuArm);
const systemTest = testNeeding(TOOLS.gdbMultiarch, TOOLS.qemuSystemArm);
const i386Test = testNeeding(TOOLS.gdbMultiarch, TOOLS.i686Gcc, TOOLS.qemuI386);
const ENGINES = ['jit', 'interp'] as const;

const programs = new Map<string, string>();
/** test/gdb-programs/NAME.c, built static with debug information. */
function userProgram(name = 'gdbtarget', gcc = 'arm-linux-gnueabi-gcc'): string {
  const built = programs.get(name);
  if (built) return built;
  const out = join(mkdtempSync(join(tmpdir(), 'dynwasm-gdb-')), name);
  const r = spawnSync(gcc, ['-g', '-O1', '-static', '-o', out, join(ROOT, `test/gdb-programs/${name}.c`)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${gcc} failed: ${r.stderr}`);
  programs.set(name, out);
  return out;
}
/** A bare-metal program of the arm-programs suite (built with -g by scripts/build-arm-programs.sh). */
const SYSTEM_ELF = join(ROOT, 'test/arm-programs/build/recursion-arm.elf');

let nextPort = 20000 + (process.pid % 2000) * 10;


/**
 * Stack addresses relative to the stack pointer the script printed first ($1 = 0x…), in hex and
 * in gdb's signed decimal column alike.
 */
function normaliseStack(out: string): string {
  const m = /^\$1 = (0x[0-9a-f]+)$/m.exec(out);
  if (!m) return out;
  const sp0 = Number(m[1]);
  const rel = (v: number): string | undefined => {
    const d = (v >>> 0) - sp0;
    return d > -0x100000 && d < 0x10000 ? `<sp0${d < 0 ? '-' : '+'}0x${Math.abs(d).toString(16)}>` : undefined;
  };
  return out
    .replace(/0x[0-9a-f]{6,8}\b/g, (h) => rel(Number(h)) ?? h)
    .replace(/(?<![\w.])-?\d{9,10}\b/g, (d) => rel(Number(d)) ?? d);
}

const CORE_REGS = 'info registers r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 sp lr pc cpsr';

/** Ten stepi, each printing where it is. */
const STEPI_10 = Array.from({ length: 10 }, () => 'stepi');

const USER_SCRIPT = [
  'p/x $sp',
  'break add', 'continue', CORE_REGS, 'x/8wx $sp', 'bt',
  ...STEPI_10, 'info registers pc', 'finish', 'next', 'next',
  // qemu-arm has no watchpoints in user mode: gdb's software watchpoint, the same on both
  'delete', 'set can-use-hw-watchpoints 0', 'watch counter', 'continue', 'continue', 'delete',
  'set can-use-hw-watchpoints 1',
  'break thumb_square', 'continue', 'info registers pc cpsr', 'stepi', 'stepi', 'info registers pc cpsr', 'finish',
  'set var counter = 1000', 'print counter', 'print table[3]', 'set var table[3] = -4', 'print table',
  // self-modifying code: a breakpoint in code that has run, then is rewritten, stops the new code
  'delete', 'break generated_once', 'continue', 'break *0x30000000', 'continue', 'x/2wx $pc', 'stepi', 'print $r0',
  'delete', 'continue',
];

for (const engine of ENGINES) {
  userTest(`dynwasm-arm -g: gdb's session matches qemu-arm -g (${engine})`, async (t) => {
    const elf = userProgram();
    const portQ = nextPort++, portD = nextPort++;
    const ref = await session('qemu-arm', ['-g', String(portQ), elf], portQ, elf, USER_SCRIPT);
    const got = await session('node', [join(ROOT, 'bin/dynwasm-arm.js'), '-accel', engine, '-g', String(portD), elf], portD, elf, USER_SCRIPT);
    // The session did what it says: the breakpoints stopped, the guest saw gdb's writes.
    t.regex(ref.gdb, /Breakpoint 1, add \(a=a@entry=0, b=1\)/);
    t.regex(ref.gdb, /Breakpoint \d+, 0x30000000 in \?\? \(\)\n0x30000000:\s+0xe3a00016\s+0xe12fff1e/);
    t.regex(ref.gdb, /\$\d+ = 22/);
    t.regex(ref.guestOut, /total=65 counter=1000 generated=11,22/);
    t.deepEqual(normaliseStack(got.gdb).split('\n'), normaliseStack(ref.gdb).split('\n'));
    t.is(got.guestOut, ref.guestOut);
    t.is(got.status, ref.status);
  });
}

/** Signals stop for gdb before the program takes them; what gdb continues with is what it gets (QEMU's gdb_handlesig). */
const SIGNAL_SCRIPT = ['handle SIGUSR2 stop print nopass', 'continue', 'continue', 'bt 1', 'continue', 'info registers pc', 'continue', 'bt', 'continue'];

for (const engine of ENGINES) {
  userTest(`dynwasm-arm -g: signals stop in gdb, which passes or drops them, as under qemu-arm -g (${engine})`, async (t) => {
    const elf = userProgram('signals');
    const portQ = nextPort++, portD = nextPort++;
    const ref = await session('qemu-arm', ['-g', String(portQ), elf], portQ, elf, SIGNAL_SCRIPT);
    const got = await session('node', [join(ROOT, 'bin/dynwasm-arm.js'), '-accel', engine, '-g', String(portD), elf], portD, elf, SIGNAL_SCRIPT);
    t.regex(ref.gdb, /Program received signal SIGUSR1, User defined signal 1\.[\s\S]*Program received signal SIGUSR2, User defined signal 2\.[\s\S]*Program received signal SIGSEGV, Segmentation fault\.\n0x[0-9a-f]+ in main \(\) at .*signals\.c:\d+[\s\S]*Program terminated with signal SIGSEGV/);
    t.regex(ref.guestOut, /^usr1=1 usr2=0$/m);
    t.deepEqual(got.gdb.split('\n'), ref.gdb.split('\n'));
    t.is(got.guestOut.replace(/^dynwasm-arm:/m, 'qemu:'), ref.guestOut);
    t.is(got.status, ref.status);
  });
}

/** An i386 session: the same gdb output as under qemu-i386 -g for the integer registers and code. */
const I386_SCRIPT = [
  'p/x $esp',
  'break add', 'continue', 'info registers eax ecx edx ebx esp ebp esi edi eip eflags cs ss ds es fs gs fs_base gs_base cr0 efer',
  'x/4wx $esp', 'bt', ...STEPI_10, 'info registers eip', 'finish', 'next', 'next',
  'delete', 'set can-use-hw-watchpoints 0', 'watch counter', 'continue', 'delete',
  'set var counter = 1000', 'print counter', 'print table[3]', 'set var table[3] = -4', 'print table', 'set var $eflags = 0x2c3', 'p $eflags',
  'continue',
];

for (const engine of ENGINES) {
  i386Test(`dynwasm-i386 -g: gdb's session matches qemu-i386 -g (${engine})`, async (t) => {
    const elf = userProgram('x86target', 'i686-linux-gnu-gcc');
    const portQ = nextPort++, portD = nextPort++;
    const ref = await session('qemu-i386', ['-g', String(portQ), elf], portQ, elf, I386_SCRIPT);
    const got = await session('node', [join(ROOT, 'bin/dynwasm-i386.js'), '-accel', engine, '-g', String(portD), elf], portD, elf, I386_SCRIPT);
    t.regex(ref.gdb, /Breakpoint 1, add \(a=0, b=1\)/);
    t.regex(ref.gdb, /Watchpoint 2: counter\n\nOld value = 0\nNew value = /);
    t.regex(ref.gdb, /\$\d+ = \[ IOPL=0 IF SF ZF CF \]/);
    t.regex(ref.guestOut, /^total=32 counter=\d+ r=18\.414062$/m);
    t.deepEqual(normaliseStack(got.gdb).split('\n'), normaliseStack(ref.gdb).split('\n'));
    t.is(got.guestOut, ref.guestOut);
    t.is(got.status, ref.status);
  });
}

/**
 * The x87 registers. On hardware (and in Linux's ptrace) st0 is the top of the stack; qemu-i386's
 * stub gives st0-st7 by physical register (fpregs[n], whatever TOP is) and the tag word as 0.
 * So qemu's physical registers are the reference, put in stack order with its own TOP (fstat
 * bits 11-13); where the host can run i386 programs, gdb on the host's CPU (ptrace) is a second
 * reference, for what qemu's stub cannot give: the value returned in st0 and the tag word.
 */
const X87_SCRIPT = ['break scale', 'continue', 'finish', 'info registers st0 st1 st2 st3 st4 st5 st6 st7 fctrl fstat'];
const x87Registers = (out: string): Record<string, string> => Object.fromEntries(
  [...out.matchAll(/^(st\d|fctrl|fstat|ftag) +(\S+).*?(?:\(raw (0x[0-9a-f]+)\))?$/gm)].map((m) => [m[1], m[3] ?? m[2]]));
i386Test('dynwasm-i386 -g: the x87 registers from the top of the stack, in both engines (qemu-i386\'s put in stack order; the host\'s CPU where it runs i386)', async (t) => {
  const elf = userProgram('x86target', 'i686-linux-gnu-gcc');
  const portQ = nextPort++;
  const q = x87Registers((await session('qemu-i386', ['-g', String(portQ), elf], portQ, elf, X87_SCRIPT)).gdb);
  const top = (Number(q.fstat) >> 11) & 7;
  t.is(top, 7, 'one value pushed: the returned double');
  const expected: Record<string, string> = { fctrl: q.fctrl, fstat: q.fstat };
  for (let i = 0; i < 8; i++) expected[`st${i}`] = q[`st${(top + i) & 7}`];
  t.is(expected.st0, '0x40039350000000000000', 'st0 is the result, 18.4140625');
  const host = spawnSync('sh', ['-c', 'exec gdb-multiarch "$@" 2>&1', 'gdb', '-q', '-nx', '-batch', '-ex', 'set pagination off', '-ex', 'break scale', '-ex', 'run',
    '-ex', 'finish', '-ex', 'info registers st0 fctrl fstat ftag', elf], { encoding: 'utf8', timeout: 120_000 });
  const native = /Value returned is \$1 = 18\.4140625/.test(host.stdout) ? x87Registers(host.stdout) : undefined;
  t.log(native ? 'the host runs i386 programs: its CPU is a reference too' : 'the host does not run i386 programs: qemu-i386 is the only reference');
  for (const engine of ENGINES) {
    const port = nextPort++;
    const got = await session('node', [join(ROOT, 'bin/dynwasm-i386.js'), '-accel', engine, '-g', String(port), elf], port, elf, [...X87_SCRIPT, 'info registers ftag']);
    const r = x87Registers(got.gdb);
    t.regex(got.gdb, /Value returned is \$\d+ = 18\.4140625/, engine);
    t.deepEqual(Object.fromEntries(Object.keys(expected).map((k) => [k, r[k]])), expected, engine);
    if (native) t.deepEqual({ st0: r.st0, fctrl: r.fctrl, fstat: r.fstat, ftag: r.ftag }, native, engine);
  }
});

/**
 * qemu-arm has no watchpoints: Z2/Z3 in user mode are checked for their values and for the
 * same stops in both engines (the system-mode session compares them with qemu-system-arm's).
 * As QEMU's ARM, a watchpoint stops before the accessing instruction, which gdb then steps.
 */
userTest('dynwasm-arm -g: hardware watchpoints (Z2, Z3) stop on the access, the same in both engines', async (t) => {
  const elf = userProgram();
  const script = ['break main', 'continue', 'watch counter', 'continue', 'continue', 'rwatch table[2]', 'continue', 'bt', 'delete', 'continue'];
  const outs: string[] = [];
  for (const engine of ENGINES) {
    const port = nextPort++;
    const hw = await session('node', [join(ROOT, 'bin/dynwasm-arm.js'), '-accel', engine, '-g', String(port), elf], port, elf, script);
    t.regex(hw.gdb, /Hardware watchpoint 2: counter\n\nOld value = 0\nNew value = 1\n/);
    t.regex(hw.gdb, /Hardware watchpoint 2: counter\n\nOld value = 1\nNew value = 4\n/);
    t.regex(hw.gdb, /Hardware read watchpoint 3: table\[2\]\n\nValue = 3\n/);
    t.is(hw.status, 65);
    outs.push(hw.gdb);
  }
  t.is(outs[0], outs[1]);
});

const SYSTEM_SCRIPT = [
  CORE_REGS,
  'break fib', 'continue', 'finish', 'delete',
  'break queens', 'continue', 'bt', CORE_REGS, 'x/8wx $sp', ...STEPI_10, 'next', 'next', 'info registers pc',
  'delete', 'watch solutions', 'continue', 'continue', 'delete',
  'break depth', 'continue', 'set var $r0 = 5', 'finish', 'print $r0',
  'delete', 'continue',
];

for (const engine of ENGINES) {
  systemTest(`dynwasm-system-arm -s -S: gdb's session matches qemu-system-arm's (${engine})`, async (t) => {
    const port = nextPort++;
    const common = ['-M', 'versatilepb', '-semihosting', '-nographic', '-kernel', SYSTEM_ELF, '-gdb', `tcp::${port}`, '-S'];
    // The reference's session has been seen to stop short on a heavily loaded machine (its gdb
    // output ends after a breakpoint, both engines' tests alike); it is run again then.
    let ref = await session('qemu-system-arm', [...common, '-monitor', 'none'], port, SYSTEM_ELF, SYSTEM_SCRIPT);
    if (!/exited normally/.test(ref.gdb)) ref = await session('qemu-system-arm', [...common, '-monitor', 'none'], port, SYSTEM_ELF, SYSTEM_SCRIPT);
    t.regex(ref.gdb, /\[Inferior 1 \(process 1\) exited normally\]/, 'the reference session ran to the end');
    const got = await session('node', [join(ROOT, 'bin/dynwasm-system-arm.js'), '-accel', engine, ...common], port, SYSTEM_ELF, SYSTEM_SCRIPT);
    t.regex(ref.gdb, /Hardware watchpoint 3: solutions\n\nOld value = 0\nNew value = 1/);
    t.regex(ref.gdb, /Breakpoint 4, depth \(n=10000\)/);
    t.deepEqual(got.gdb.split('\n'), ref.gdb.split('\n'));
    t.regex(got.guestOut, /recursion: PASS/);
    t.is(got.status, ref.status);
  });
}

for (const engine of ENGINES) {
  userTest(`gdb stub protocol: target description, hidden breakpoints, Ctrl-C, exit (${engine})`, async (t) => {
    const elf = userProgram();
    const port = nextPort++;
    const child = spawn('node', [join(ROOT, 'bin/dynwasm-arm.js'), '-accel', engine, '-g', String(port), elf], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => { out += d; });
    try {
      await waitListening(port, child);
      const g = await RawGdb.open(port);
      t.regex(await g.ask('qSupported:multiprocess+;xmlRegisters=arm'), /PacketSize=1000;qXfer:features:read\+/);
      const xml = await g.ask('qXfer:features:read:arm-core.xml:0,ffb');
      t.regex(xml, /^l[\s\S]*<reg name="cpsr" bitsize="32" regnum="25"\/>/);
      t.is(await g.ask('?'), 'T05thread:p01.01;');
      t.is((await g.ask('g')).length, 17 * 8);
      // A breakpoint at add: memory there reads as the instruction, not a breakpoint.
      const nm = spawnSync('arm-linux-gnueabi-nm', [elf], { encoding: 'utf8' }).stdout;
      const add = /^([0-9a-f]+) T add$/m.exec(nm)![1];
      const before = await g.ask(`m${add},4`);
      t.is(await g.ask(`Z0,${add},4`), 'OK');
      t.is(await g.ask(`m${add},4`), before);
      t.is(await g.ask('vCont;c'), 'T05thread:p01.01;');
      t.is(await g.ask('p f'), Buffer.from(add.padStart(8, '0'), 'hex').reverse().toString('hex'));
      t.is(await g.ask(`z0,${add},4`), 'OK');
      // Step exactly one instruction.
      t.is(await g.ask('vCont;s:p1.1'), 'T05thread:p01.01;');
      const pc = Buffer.from(await g.ask('p f'), 'hex').readUInt32LE(0);
      t.is(pc, parseInt(add, 16) + 4);
      // Make the guest spin on a "b ." written over the next instruction (code it has run), then interrupt it.
      const pcHex = pc.toString(16);
      const original = await g.ask(`m${pcHex},4`);
      t.is(await g.ask(`M${pcHex},4:feffffea`), 'OK');
      g.send('c');
      await new Promise((r) => setTimeout(r, 500));
      g.write('\x03');
      t.is(await g.reply(), 'T02thread:p01.01;');
      t.is(Buffer.from(await g.ask('p f'), 'hex').readUInt32LE(0), pc);
      // The instruction back, and run to the end: the exit status comes as W.
      t.is(await g.ask(`M${pcHex},4:${original}`), 'OK');
      t.is(await g.ask('c'), 'W41');
      g.close();
      const code = await new Promise((r) => child.on('exit', r));
      t.is(code, 65);
      t.regex(out, /total=65 counter=16 generated=11,22/);
    } finally {
      if (child.exitCode === null) child.kill();
    }
  });
}

test('-gdb and -g reject what they cannot listen on, in one line', (t) => {
  const sys = spawnSync('node', [join(ROOT, 'bin/dynwasm-system-arm.js'), '-M', 'versatilepb', '-kernel', SYSTEM_ELF, '-gdb', 'serial:x'], { encoding: 'utf8' });
  t.is(sys.status, 1);
  t.regex(sys.stderr, /^dynwasm-system-arm: -gdb serial:x: unsupported gdb device .*\n$/);
  const user = spawnSync('node', [join(ROOT, 'bin/dynwasm-arm.js'), '-g', '99999', '/bin/true'], { encoding: 'utf8' });
  t.is(user.status, 1);
  t.regex(user.stderr, /^dynwasm-arm: -g 99999: invalid port\n$/);
});
