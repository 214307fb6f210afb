/**
 * Instruction-level lockstep of the i386 Linux user mode against qemu-i386: each program runs
 * one instruction per block (`-singlestep`) with the CPU state before every block (`-d cpu`),
 * under Debian's `qemu-i386 -singlestep -d cpu,nochain` and under dynwasm-i386 in both engines.
 * The two logs — the general registers, EIP, EFLAGS, the segment registers with their descriptor
 * caches, CPL, CR2, in QEMU's format (runtime/i386/cpu.ts) — must agree after every instruction.
 *
 * Making the runs comparable:
 * - qemu-i386 runs as a CPU with dynwasm's cpuid (`-cpu`, I386_QEMU_CPU below): glibc's start-up
 *   reads cpuid and picks its string functions from it.
 * - dynwasm runs with -qemu-layout: qemu-user puts the stack first in its mmap area (0x40000000)
 *   rather than below 3 GiB, and stack addresses show in the registers and in the flags computed
 *   from them (the sign of `and $-16, %esp`); the start-up stack's contents follow qemu's order.
 * - Both run with -seed 1: AT_RANDOM's bytes (the stack and pointer guards) are then the same.
 * - An empty environment, argv[0] the program's name in its directory (qemu-i386 lists the
 *   environment in reverse; the strings' lengths place the tables).
 *
 * What the comparison leaves out, and why:
 * - CCS/CCD/CCO: QEMU's lazy flags state at a block boundary; dynwasm's is its own (its CC_OP
 *   kinds are QEMU's, but which one is pending after an instruction is an implementation choice).
 *   The flags themselves (EFL) are compared.
 * - The GDT and IDT bases: qemu-i386 keeps those tables in guest memory (it maps them below
 *   0x40000000); dynwasm keeps its TLS descriptors in the CPU state. Their limits are compared.
 * - GS's selector at start-up: qemu-i386 loads it with __USER_DS (0x2b); Linux, and dynwasm, with
 *   0 (both with a flat cache). glibc loads its TLS selector into GS before it reads GS.
 * - System call results that differ by design (syscallResults): the process id (set_tid_address,
 *   getpid, gettid: each run has its own), and set_robust_list, which qemu-i386 7.2 does not
 *   implement (-ENOSYS) and Linux and dynwasm do (0). Just past the `int $0x80`, and while EAX
 *   holds the two results, EAX is compared as the same. (Not any register that holds our pid: a
 *   loop counter passes through it now and then.)
 * - After the last iteration of a `rep` string instruction, dynwasm goes back to the instruction,
 *   which then finds ECX 0 and ends (a block of its own, as QEMU does when it chains blocks);
 *   QEMU without chaining (`nochain`, needed for a state per instruction) jumps to the next
 *   instruction at once. That one extra state (the same EIP again, ECX 0) is skipped.
 *
 * qemu's log goes to a temporary file; dynwasm's streams through a pipe (-D /dev/fd/3) and is
 * compared as it comes. The programs are deterministic ones (no time, no host files whose
 * contents or addresses vary), their syscalls' results the same under both. Left out: programs
 * that open files (qemu-i386's own log file takes a descriptor, so the guest's numbers differ by
 * one), that take signals (qemu-i386's signal frame is larger than Linux's, so the handler's
 * stack differs), that call free() (malloc's tcache key comes from getrandom, the host's under
 * qemu-i386), and the x87 ones (millions of steps, gigabytes of log).
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { requireTool, TOOLS } from './support/tools.js';

const BUILD = join(process.cwd(), 'build/linux-programs/i386');
const BIN = join(process.cwd(), 'bin/dynwasm-i386.js');
/** qemu-i386's CPU with dynwasm's cpuid answers (ops/i386/helpers.ts helper_cpuid). */
const I386_QEMU_CPU = 'pentium3,level=1,xlevel=0,family=6,model=1,stepping=9,-mce,-apic,-sep,-mtrr,-pge,-mca,-pat,-pse36,-mmx,-fxsr,-sse,-hypervisor';
const SEED = '1';
/** Programs and arguments: tens of thousands to a few hundred thousand instructions each. */
const PROGRAMS: { name: string; args: string[] }[] = [
  { name: 'hello', args: [] },
  { name: 'strings', args: [] },
  { name: 'intops', args: [] },
  { name: 'args', args: ['a', 'b c'] },
];
const TIMEOUT_MS = 300_000;
/** Lines of one `-d cpu` dump. */
const DUMP_LINES = 18;

/** The lines of a stream, as they come. */
async function* lines(stream: Readable): AsyncGenerator<string> {
  let partial = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const parts = (partial + chunk.toString('latin1')).split('\n');
    partial = parts.pop()!;
    yield* parts;
  }
  if (partial) yield partial;
}

/** The dumps of a log, one per step, each as its lines. */
async function* dumps(stream: Readable): AsyncGenerator<string[]> {
  let dump: string[] = [];
  for await (const line of lines(stream)) {
    dump.push(line);
    if (dump.length === DUMP_LINES) { yield dump; dump = []; }
  }
  if (dump.length) yield dump;
}

const hex = (v: number): string => v.toString(16).padStart(8, '0');

const CCS_LINE = 16, GS_LINE = 8, GDT_LINE = 11, IDT_LINE = 12;
const QEMU_START_GS = 'GS =002b 00000000 ffffffff 00cff300 DPL=3 DS   [-WA]';

/** One dump as compared (see the header): without the lazy flags line and the tables' bases. */
function normalise(dump: string[], qemu: boolean): string {
  const d = dump.slice();
  d[CCS_LINE] = '';
  if (d[GDT_LINE]) d[GDT_LINE] = d[GDT_LINE].slice(0, 9) + d[GDT_LINE].slice(17);
  if (d[IDT_LINE]) d[IDT_LINE] = d[IDT_LINE].slice(0, 9) + d[IDT_LINE].slice(17);
  if (qemu && d[GS_LINE] === QEMU_START_GS) d[GS_LINE] = 'GS =0000' + QEMU_START_GS.slice(8);
  return d.join('\n');
}

interface SyscallResult { nr: string; ours: string; qemu: string }
/** System calls whose result differs by design (see the header): number, ours, qemu-i386's (EAX, in hex). */
const syscallResults = (pids: { ours: number; qemu: number }): SyscallResult[] => [
  ...[0x102, 0x14, 0xe0].map((nr) => ({ nr: hex(nr), ours: hex(pids.ours), qemu: hex(pids.qemu) })), // set_tid_address, getpid, gettid
  { nr: hex(0x137), ours: hex(0), qemu: hex(-38 >>> 0) }, // set_robust_list: 0, -ENOSYS
];

const eax = (dump: string[]): string => dump[0].slice(4, 12);
const eip = (dump: string[]): string => dump[2].slice(4, 12);
const ecx = (dump: string[]): string => dump[0].slice(30, 38);

async function compare(ours: Readable, refLog: string, pids: { ours: number; qemu: number }): Promise<{ steps: number; skipped: number; diff?: string }> {
  const ref = dumps(createReadStream(refLog));
  let steps = 0, skipped = 0, diff: string | undefined, last: string[] | undefined;
  let result: SyscallResult | undefined;
  const results = syscallResults(pids);
  for await (const dump of dumps(ours)) {
    if (diff) continue; // drain, so that the child can finish
    // The extra state after a rep string instruction's last iteration (see the header).
    if (last && eip(dump) === eip(last) && ecx(dump) === '00000000') { skipped++; last = dump; continue; }
    const r = await ref.next();
    if (r.done) { diff = `step ${steps}: qemu's log ends, ours goes on`; continue; }
    // Just past an int $0x80 whose result differs by design: EAX is compared as the same while it holds the two results.
    const past = last && (parseInt(eip(last), 16) + 2) >>> 0 === parseInt(eip(dump), 16);
    if (past) result = results.find((x) => x.nr === eax(last!)) ?? result;
    if (result && (eax(dump) !== result.ours || eax(r.value) !== result.qemu)) result = undefined;
    if (result) r.value[0] = `EAX=${result.ours}${r.value[0].slice(12)}`;
    last = dump;
    const a = normalise(dump, false), b = normalise(r.value, true);
    if (a !== b) diff = `step ${steps} differs\n  ours:\n    ${dump.join('\n    ')}\n  qemu:\n    ${r.value.join('\n    ')}`;
    else steps++;
  }
  if (!diff && !(await ref.next()).done) diff = `step ${steps}: our log ends, qemu's goes on`;
  return { steps, skipped, diff };
}

/** Run a command to its end (any exit status: the logs are what is compared); its pid. */
function run(command: string, args: string[], cwd: string, log?: (out: Readable, pid: number) => Promise<void>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: {}, stdio: ['ignore', 'ignore', 'pipe', log ? 'pipe' : 'ignore'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { child.kill(); reject(new Error(`${command} timed out`)); }, TIMEOUT_MS);
    const reading = log ? log(child.stdio[3] as Readable, child.pid!) : Promise.resolve();
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      reading.then(() => (code !== null ? resolve(child.pid!) : reject(new Error(`${command} was killed: ${stderr.slice(0, 500)}`))), reject);
    });
  });
}

for (const { name, args } of PROGRAMS) {
  test(`${name}: every instruction's registers, flags and segments match qemu-i386's, in both engines`, async (t) => {
    requireTool(TOOLS.qemuI386);
    const elf = join(BUILD, name);
    t.true(existsSync(elf), `${elf} is built by scripts/build-linux-programs.sh`);
    const dir = mkdtempSync(join(tmpdir(), 'dynwasm-lockstep-i386-'));
    try {
      const refLog = join(dir, 'qemu.log');
      const qemuPid = await run('qemu-i386', ['-cpu', I386_QEMU_CPU, '-seed', SEED, '-singlestep', '-d', 'cpu,nochain', '-D', refLog, `./${name}`, ...args], BUILD);
      t.true(statSync(refLog).size > 0, 'qemu wrote its log');
      const counts: string[] = [];
      for (const accel of ['jit', 'interp']) {
        let r: Awaited<ReturnType<typeof compare>> | undefined;
        await run(process.execPath, [BIN, '-accel', accel, '-qemu-layout', '-seed', SEED, '-singlestep', '-d', 'cpu', '-D', '/dev/fd/3', `./${name}`, ...args], BUILD,
          async (out, pid) => { r = await compare(out, refLog, { ours: pid, qemu: qemuPid }); });
        if (r!.diff) t.fail(`${accel}: ${r!.diff}`);
        counts.push(`${accel} ${r!.steps} (${r!.skipped} rep endings skipped)`);
      }
      t.log(`instructions in lockstep: ${counts.join(', ')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
