/**
 * The user-mode test programs (test/linux-programs/*.c, built by scripts/build-linux-programs.sh
 * into build/linux-programs/) run under dynwasm-arm in both engines, each run in its own
 * temporary directory. The expected stdout and ending (exit status or killing signal) are those
 * of the native x86-64 build for the portable programs, with qemu-arm as a second reference
 * (a disagreement between the two is logged); for the ARM-only programs (smc, armsig) qemu-arm's.
 * Dynamically linked builds run with -L /usr/arm-linux-gnueabi. stderr is compared where it is
 * deterministic (not where forked children die by signals: qemu-arm reports those on stderr).
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARMEL_SYSROOT, baseEnv, ending, ENGINES, guestStderr, INSTALL_HINT, Limiter, PROGRAMS_DIR, requireFile, requireQemuArm,
  runUnder, type Outcome, type Runner,
} from './support/linux-run.js';

const BUILD_HINT = 'run scripts/build-linux-programs.sh (after scripts/install-debian-packages.sh)';

interface Run {
  /** Arguments after the program. */
  args?: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Compare stderr too (default: true). */
  stderr?: boolean;
}

interface Program {
  runs: Run[];
  /** The native build exists and is the first reference (default: true). */
  native?: boolean;
  /**
   * qemu-arm can serve as a reference (default: true). Not for programs that execve ARM
   * programs: qemu-arm hands execve to the host kernel, which runs ARM binaries only with
   * binfmt_misc set up (it is not on CI machines).
   */
  qemu?: boolean;
  /** Also built dynamically linked (must match scripts/build-linux-programs.sh). */
  dynamic?: boolean;
  /** Milliseconds a run may take. */
  timeout?: number;
}

const PROGRAMS: Record<string, Program> = {
  hello: { runs: [{}, { args: ['3', 'two words', ''] }], dynamic: true },
  args: { runs: [{ args: ['a', 'b c'], env: { DWT_ONE: '1', DWT_TWO: 'x=y', DWT_EXIT: '4' } }], dynamic: true },
  files: { runs: [{}], dynamic: true },
  dirs: { runs: [{}] },
  errors: { runs: [{}] },
  proc: { runs: [{ stderr: false }] },
  pipes: { runs: [{}], dynamic: true },
  exec: { runs: [{ stderr: false }], qemu: false, dynamic: true },
  signals: { runs: [{ stderr: false }], dynamic: true },
  time: { runs: [{}], dynamic: true },
  // Blocking writes cut short by signals: the emulator must not block in the host (issue 16).
  blocking: { runs: [{}] },
  mmap: { runs: [{}] },
  crash: {
    runs: ['null', 'read-null', 'jump', 'abort', 'term', 'kill', 'exit 3', '_exit 4', 'exit 256'].map((a) => ({ args: a.split(' '), stderr: false })),
  },
  // qemu-arm is no reference for these edge cases: it hangs in mremap growing in place, and
  // accepts mremap of unmapped memory (the native run is Linux's answer).
  edges: { runs: [{}], qemu: false },
  smc: { runs: [{}], native: false },
  armsig: { runs: [{}], native: false },
  isolation: { runs: [{}] },
  // fork, many times: children made from the fork server's spares (test/linux-fork-server.test.ts has more).
  forks: { runs: [{}] },
};

/** The expected outcome, where it comes from, and the reference runs. */
interface Reference {
  expected: Record<string, unknown>;
  from: string;
  native?: Outcome;
  qemu?: Outcome;
}

// Each test runs several processes; at most two at once in this file.
const limiter = new Limiter(2);

function label(run: Run): string {
  return run.args?.length ? ` ${run.args.map((a) => (a === '' || a.includes(' ') ? `'${a}'` : a)).join(' ')}` : '';
}

/** What is compared: stdout, the ending, and stderr when asked. */
function comparable(o: Outcome, withStderr: boolean): Record<string, unknown> {
  const r: Record<string, unknown> = { stdout: o.stdout, status: o.status, signal: o.signal };
  if (withStderr) r.stderr = guestStderr(o.stderr);
  return r;
}

test('the user-mode test programs are built', (t) => {
  const manifest = join(PROGRAMS_DIR, 'manifest.json');
  requireFile(manifest, BUILD_HINT);
  const built = (JSON.parse(readFileSync(manifest, 'utf8')) as { programs: { name: string; native: boolean; dynamic: boolean }[] }).programs;
  for (const [name, p] of Object.entries(PROGRAMS)) {
    const entry = built.find((b) => b.name === name);
    t.truthy(entry, `${name} is not in ${manifest}: ${BUILD_HINT}`);
    t.is(entry?.native, p.native ?? true, `${name}: native build`);
    t.is(entry?.dynamic, p.dynamic ?? false, `${name}: dynamic build`);
  }
  t.deepEqual(built.map((b) => b.name).sort(), Object.keys(PROGRAMS).sort(), 'every built program is tested');
});

for (const [name, program] of Object.entries(PROGRAMS)) {
  const variants: ('static' | 'dynamic')[] = program.dynamic ? ['static', 'dynamic'] : ['static'];
  for (const variant of variants) {
    for (const run of program.runs) {
      const title = `${name}${label(run)}${variant === 'dynamic' ? ' (dynamic)' : ''}`;
      const armProgram = join(PROGRAMS_DIR, variant === 'dynamic' ? 'arm-dynamic' : 'arm', name);
      const nativeProgram = join(PROGRAMS_DIR, 'native', name);
      const sysroot = variant === 'dynamic' ? ARMEL_SYSROOT : undefined;
      const withStderr = run.stderr ?? true;
      const options = { env: baseEnv(run.env), timeout: program.timeout ?? 60_000, sysroot };
      const go = (runner: Runner): Promise<Outcome> =>
        limiter.run(() => runUnder(runner, runner === 'native' ? nativeProgram : armProgram, run.args ?? [], options));

      // The references, computed once for both engines' tests.
      let reference: Promise<Reference> | undefined;
      const expected = (): Promise<Reference> => {
        reference ??= (async () => {
          requireFile(armProgram, BUILD_HINT);
          const useNative = program.native ?? true;
          const useQemu = program.qemu ?? true;
          if (useNative) requireFile(nativeProgram, BUILD_HINT);
          if (useQemu) requireQemuArm();
          if (variant === 'dynamic') requireFile(join(ARMEL_SYSROOT, 'lib'), `the armel C library (libc6-armel-cross): ${INSTALL_HINT}`);
          const [native, qemu] = await Promise.all([useNative ? go('native') : undefined, useQemu ? go('qemu') : undefined]);
          const first = native ?? qemu!;
          return { expected: comparable(first, withStderr), from: native ? 'native' : 'qemu-arm', qemu, native };
        })();
        return reference;
      };

      test(`${title}: the references agree`, async (t) => {
        const ref = await expected();
        t.not(ref.expected.stdout, '', 'the reference printed nothing');
        if (ref.native && ref.qemu) {
          const q = comparable(ref.qemu, withStderr);
          if (JSON.stringify(q) !== JSON.stringify(ref.expected)) t.log(`note: qemu-arm differs from the native run (native is expected):\n${diffLines(String(ref.expected.stdout), String(q.stdout))}`);
        }
        t.pass();
      });

      for (const engine of ENGINES) {
        test(`${title}: dynwasm-arm -accel ${engine} matches ${program.native === false ? 'qemu-arm' : 'native'}`, async (t) => {
          const ref = await expected();
          const ours = await go(engine);
          const got = comparable(ours, withStderr);
          if (JSON.stringify(got) !== JSON.stringify(ref.expected)) {
            t.log(`expected (${ref.from}): ${ending({ status: ref.expected.status as number | null, signal: ref.expected.signal as string | null, stdout: '', stderr: '' })}; got ${ending(ours)}`);
            t.log(diffLines(String(ref.expected.stdout), ours.stdout));
            if (ours.stderr) t.log(`stderr:\n${ours.stderr.slice(-2000)}`);
          }
          t.deepEqual(got, ref.expected);
        });
      }
    }
  }
}

/** The first differing lines of two outputs, for the log. */
function diffLines(want: string, got: string): string {
  const a = want.split('\n');
  const b = got.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return `first difference at line ${i + 1}:\n  expected: ${JSON.stringify(a.slice(i, i + 3))}\n  got:      ${JSON.stringify(b.slice(i, i + 3))}`;
    }
  }
  return 'stdout is the same';
}

