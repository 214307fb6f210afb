/**
 * Linux C programs built for i386 (scripts/build-linux-programs.sh: the portable programs of
 * test/linux-programs/ and the i386 guest's own, test/i386-programs/*.c, all static with
 * Debian's i686-linux-gnu-gcc) run under dynwasm-i386 in both engines. The expected stdout and
 * ending (exit status or killing signal) are qemu-i386's; for the few programs where qemu-i386
 * is no reference (it crashes on mmap's edge cases, and hands execve to the host kernel, which
 * cannot run i386 binaries here) the native x86-64 build's. stderr is compared where it is
 * deterministic.
 */
import test from 'ava';
import { join } from 'node:path';
import {
  baseEnv, ending, ENGINES, guestStderr, Limiter, PROGRAMS_DIR, requireFile, runUnder, type Outcome, type Runner,
} from './support/linux-run.js';
import { requireTool, TOOLS } from './support/tools.js';

const BUILD_HINT = 'run scripts/build-linux-programs.sh (after scripts/install-debian-packages.sh)';

interface Run { args?: string[]; env?: Record<string, string>; stderr?: boolean }
/** dynamic: also built dynamically linked (build/linux-programs/i386-dynamic, as scripts/build-linux-programs.sh builds them), run with -L. */
interface Program { runs: Run[]; reference?: 'qemu' | 'native'; timeout?: number; dynamic?: boolean }
/** Debian's libc6-i386-cross: the dynamic linker and libraries for the dynamic builds. */
const I386_SYSROOT = '/usr/i686-linux-gnu';

const PROGRAMS: Record<string, Program> = {
  // The i386 guest's own programs.
  intops: { runs: [{}] },
  strings: { runs: [{}] },
  // x87 floating point: arithmetic, conversions, NaNs, libm, rounding modes, exception flags (-O2 and -O0).
  float: { runs: [{}], dynamic: true },
  'float-O0': { runs: [{}] },
  // The FPU across signal handlers; qemu-i386 restores neither the registers nor the control word, so the native build is the reference.
  fpsignal: { runs: [{ stderr: false }], reference: 'native' },
  // Directed x87 tests: every instruction on edge operands, in every rounding mode and precision.
  x87ops: { runs: [{}], timeout: 240_000, dynamic: true },
  // Self-modifying code without a flush: patched code, a store into the next instruction, a forked child's patch.
  smc: { runs: [{}] },
  // BCD, 16-bit addressing, segment loads, far transfers, into/bound/arpl/salc, fbld/fbstp; faults caught and reported.
  legacy: { runs: [{}] },
  traps: { runs: ['catch', 'div0', 'overflow', 'div8', 'ud2', 'hlt', 'int3', 'null'].map((a) => ({ args: [a], stderr: false })) },
  // The portable programs of test/linux-programs/.
  hello: { runs: [{}, { args: ['3', 'two words', ''] }], dynamic: true },
  args: { runs: [{ args: ['a', 'b c'], env: { DWT_ONE: '1', DWT_TWO: 'x=y', DWT_EXIT: '4' } }], dynamic: true },
  files: { runs: [{}], dynamic: true },
  dirs: { runs: [{}] },
  errors: { runs: [{}] },
  proc: { runs: [{ stderr: false }] },
  pipes: { runs: [{}], dynamic: true },
  signals: { runs: [{ stderr: false }], dynamic: true },
  time: { runs: [{}], dynamic: true },
  mmap: { runs: [{}], reference: 'native' },
  exec: { runs: [{ stderr: false }], reference: 'native', dynamic: true },
  // qemu-i386 never ends edges (its mremap cases), so the native build is the reference, as for ARM.
  edges: { runs: [{}], reference: 'native' },
  isolation: { runs: [{}] },
  forks: { runs: [{}] },
  crash: {
    runs: ['null', 'read-null', 'jump', 'abort', 'term', 'kill', 'exit 3', '_exit 4', 'exit 256'].map((a) => ({ args: a.split(' '), stderr: false })),
  },
};

const limiter = new Limiter(2);

function comparable(o: Outcome, withStderr: boolean): Record<string, unknown> {
  const r: Record<string, unknown> = { stdout: o.stdout, status: o.status, signal: o.signal };
  if (withStderr) r.stderr = guestStderr(o.stderr);
  return r;
}

const variants = (program: Program): { dir: string; label: string; sysroot?: string }[] =>
  [{ dir: 'i386', label: '' }, ...(program.dynamic ? [{ dir: 'i386-dynamic', label: ' (dynamic)', sysroot: I386_SYSROOT }] : [])];

for (const [name, program] of Object.entries(PROGRAMS)) for (const variant of variants(program)) {
  for (const run of program.runs) {
    const title = `i386 ${name}${variant.label}${run.args?.length ? ' ' + run.args.join(' ') : ''}`;
    const i386Program = join(PROGRAMS_DIR, variant.dir, name);
    const nativeProgram = join(PROGRAMS_DIR, 'native', name);
    const withStderr = run.stderr ?? true;
    const refKind = program.reference ?? 'qemu';
    const options = { env: baseEnv(run.env), timeout: program.timeout ?? 60_000, guest: 'i386' as const, sysroot: variant.sysroot };
    const go = (runner: Runner): Promise<Outcome> =>
      limiter.run(() => runUnder(runner, runner === 'native' ? nativeProgram : i386Program, run.args ?? [], options));
    let reference: Promise<Record<string, unknown>> | undefined;
    const expected = (): Promise<Record<string, unknown>> => {
      reference ??= (async () => {
        requireFile(i386Program, BUILD_HINT);
        if (refKind === 'native') requireFile(nativeProgram, BUILD_HINT); else requireTool(TOOLS.qemuI386);
        const ref = comparable(await go(refKind), withStderr);
        return ref;
      })();
      return reference;
    };
    for (const engine of ENGINES) {
      test(`${title}: dynwasm-i386 -accel ${engine} matches ${refKind === 'qemu' ? 'qemu-i386' : 'native'}`, async (t) => {
        const want = await expected();
        t.not(want.stdout, '', 'the reference printed nothing');
        const ours = await go(engine);
        const got = comparable(ours, withStderr);
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          t.log(`expected: ${ending({ status: want.status as number | null, signal: want.signal as string | null, stdout: '', stderr: '' })}; got ${ending(ours)}`);
          if (ours.stderr) t.log(`stderr:\n${ours.stderr.slice(-2000)}`);
        }
        t.deepEqual(got, want);
      });
    }
  }
}
