/**
 * dynwasm-arm's command line: programs it cannot run are one-line errors with qemu-arm-like
 * statuses (126: cannot execute, 127: not found), never a stack trace; usage errors exit 1; a
 * guest killed by a signal kills the emulator with that signal, as under qemu-arm; -strace logs
 * system calls as qemu-arm does; -E/-U/-0 change the guest's environment and argv[0] as they do
 * for qemu-arm.
 */
import test from 'ava';
import { readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseEnv, BUSYBOX, DYNWASM_ARM, ENGINES, freshDir, PROGRAMS_DIR, requireFile, requireQemuArm, runProcess, runUnder, which, type Outcome,
} from './support/linux-run.js';

const BUILD_HINT = 'run scripts/build-linux-programs.sh (after scripts/install-debian-packages.sh)';
const prog = (name: string): string => join(PROGRAMS_DIR, 'arm', name);

function dynwasm(args: string[], env = baseEnv()): Promise<Outcome> {
  return runProcess(process.execPath, [DYNWASM_ARM, ...args], { env, timeout: 60_000 });
}

/** One line on stderr, starting with "dynwasm-arm: ", matching `re`, no stack trace, nothing on stdout. */
function oneLineError(t: import('ava').ExecutionContext, r: Outcome, status: number, re: RegExp): void {
  t.is(r.status, status, `status (stderr: ${r.stderr})`);
  t.is(r.signal, null);
  const lines = r.stderr.trimEnd().split('\n');
  t.is(lines.length, 1, r.stderr);
  t.true(lines[0].startsWith('dynwasm-arm: '), r.stderr);
  t.regex(lines[0], re);
  t.notRegex(r.stderr, /\n\s+at /);
  t.is(r.stdout, '');
}

test('a host (non-ARM) ELF cannot be executed: 126', async (t) => {
  const host = which('true') ?? '/bin/true';
  oneLineError(t, await dynwasm([host]), 126, /true/);
});

test('a text file cannot be executed: 126', async (t) => {
  const d = freshDir();
  const f = join(d, 'notes.txt');
  writeFileSync(f, 'just some text\nnot a program\n');
  chmodSync(f, 0o755);
  oneLineError(t, await dynwasm([f]), 126, /notes\.txt/);
});

test('an empty file cannot be executed: 126', async (t) => {
  const f = join(freshDir(), 'empty');
  writeFileSync(f, '');
  chmodSync(f, 0o755);
  oneLineError(t, await dynwasm([f]), 126, /empty/);
});

test('a missing program: 127', async (t) => {
  oneLineError(t, await dynwasm(['/nonexistent/dir/prog']), 127, /\/nonexistent\/dir\/prog/);
});

test('a directory cannot be executed: 126', async (t) => {
  oneLineError(t, await dynwasm([freshDir()]), 126, /dynwasm-/);
});

test('truncated ARM ELF files cannot be executed: 126', async (t) => {
  requireFile(prog('hello'), BUILD_HINT);
  const elf = readFileSync(prog('hello'));
  const d = freshDir();
  for (const [name, size] of [['hello-100', 100], ['hello-half', elf.length >> 1], ['hello-40', 40]] as const) {
    const f = join(d, name);
    writeFileSync(f, elf.subarray(0, size));
    chmodSync(f, 0o755);
    oneLineError(t, await dynwasm([f]), 126, new RegExp(name));
  }
});

test('usage errors exit 1 with a one-line message', async (t) => {
  oneLineError(t, await dynwasm(['-bogus', prog('hello')]), 1, /-bogus: unknown option/);
  oneLineError(t, await dynwasm(['-accel', 'kvm', prog('hello')]), 1, /kvm/);
  oneLineError(t, await dynwasm(['-L']), 1, /-L: requires an argument/);
  oneLineError(t, await dynwasm([]), 1, /no program/);
});

test('-help and -version', async (t) => {
  const h = await dynwasm(['-help']);
  t.is(h.status, 0);
  t.regex(h.stdout, /-strace/);
  const v = await dynwasm(['-version']);
  t.is(v.status, 0);
  t.regex(v.stdout, /dynwasm-arm version/);
});

for (const how of ['null', 'jump', 'abort', 'term']) {
  test(`a guest killed by a signal (${how}) kills the emulator with it, as under qemu-arm`, async (t) => {
    requireFile(prog('crash'), BUILD_HINT);
    requireQemuArm();
    const ref = await runUnder('qemu', prog('crash'), [how]);
    t.not(ref.signal, null, 'qemu-arm is killed by a signal');
    for (const engine of ENGINES) {
      const r = await runUnder(engine, prog('crash'), [how]);
      t.is(r.signal, ref.signal, `${engine}: ${r.stderr}`);
      t.is(r.stdout, ref.stdout, engine);
      t.notRegex(r.stderr, /\n\s+at /, `${engine}: no stack trace`);
    }
  });
}

test('the exit status is the guest\'s', async (t) => {
  requireFile(prog('crash'), BUILD_HINT);
  for (const engine of ENGINES) {
    for (const code of ['0', '3', '255']) {
      const r = await runUnder(engine, prog('crash'), ['exit', code]);
      t.is(r.status, Number(code), `${engine}: ${r.stderr}`);
    }
  }
});

const STRACE_WRITE = /^\d+ write\(1,0x[0-9a-f]+,(\d+)\) = \1$/m;

test('-strace logs system calls like qemu-arm: PID write(1,0x...,N) = N', async (t) => {
  requireFile(prog('hello'), BUILD_HINT);
  requireQemuArm();
  const ref = await runProcess(which('qemu-arm')!, ['-strace', prog('hello')], { env: baseEnv() });
  t.regex(ref.stderr, STRACE_WRITE, 'qemu-arm -strace prints that form');
  for (const engine of ENGINES) {
    const r = await dynwasm(['-accel', engine, '-strace', prog('hello')]);
    t.is(r.status, 0, r.stderr.slice(-500));
    t.is(r.stdout, ref.stdout, `${engine}: the guest's output is unchanged`);
    t.regex(r.stderr, STRACE_WRITE, `${engine}: a write line`);
    t.regex(r.stderr, /^\d+ exit_group\(0\)$/m, `${engine}: exit_group`);
    t.notRegex(r.stderr, /\n\s+at /);
  }
});

test('-E, -U and -0 change the environment and argv[0] as under qemu-arm', async (t) => {
  requireFile(prog('args'), BUILD_HINT);
  requireQemuArm();
  const env = baseEnv({ DWT_KEEP: 'kept', DWT_GONE: 'removed', DWT_OVER: 'old' });
  const options = ['-E', 'DWT_NEW=new value', '-E', 'DWT_OVER=new', '-U', 'DWT_GONE', '-E', 'DWT_EXIT=6', '-0', 'renamed'];
  const args = ['first', 'second arg'];
  const ref = await runProcess(which('qemu-arm')!, [...options, prog('args'), ...args], { env });
  t.regex(ref.stdout, /argv\[0\]=renamed\n/, 'qemu-arm applies -0');
  t.regex(ref.stdout, /env DWT_NEW=new value\n/);
  t.notRegex(ref.stdout, /DWT_GONE/);
  t.is(ref.status, 6);
  for (const engine of ENGINES) {
    const r = await dynwasm(['-accel', engine, ...options, prog('args'), ...args], env);
    t.is(r.stdout, ref.stdout, engine);
    t.is(r.status, ref.status, `${engine}: ${r.stderr}`);
  }
});

test('options end at the program: later ones are the guest\'s arguments', async (t) => {
  requireFile(prog('args'), BUILD_HINT);
  for (const engine of ENGINES) {
    const r = await dynwasm(['-accel', engine, prog('args'), '-strace', '-E', 'X=1']);
    t.regex(r.stdout, /argv\[1\]=-strace\nargv\[2\]=-E\nargv\[3\]=X=1\n/, engine);
    t.notRegex(r.stderr, / write\(/, `${engine}: -strace after the program is not ours`);
  }
});

test('busybox runs with argv[0] deciding the applet (-0)', async (t) => {
  requireFile(BUSYBOX, 'run scripts/fetch-busybox.sh');
  for (const engine of ENGINES) {
    const r = await dynwasm(['-accel', engine, '-0', 'echo', BUSYBOX, 'via', 'argv0']);
    t.is(r.stdout, 'via argv0\n', `${engine}: ${r.stderr}`);
    t.is(r.status, 0);
  }
});

// The ARM-only part of test/linux-programs/edges.c: no native run to compare with, and qemu-arm
// is wrong here (it ignores statfs64's size, and lets the kuser page be remapped).
const EDGES_ARM = `statfs64 size 84: 0
statfs64 size 88: 0
statfs64 size 80: -1 EINVAL
statfs64 size 80, missing path: -1 EINVAL
fstatfs64 size 96: -1 EINVAL
mremap the kuser page: EFAULT
mremap the kuser page, growing: EFAULT
madvise MADV_DONTNEED on the kuser page: ENOMEM
kuser page still there: yes
FUTEX_LOCK_PI: -1 ENOSYS
FUTEX_TRYLOCK_PI: -1 ENOSYS
`;

for (const engine of ENGINES) {
  test(`-accel ${engine}: statfs64 checks its size first, the kuser page cannot be remapped, PI futexes are ENOSYS`, async (t) => {
    requireFile(prog('edges'), BUILD_HINT);
    const r = await dynwasm(['-accel', engine, prog('edges'), 'arm']);
    t.is(r.stderr, '');
    t.is(r.stdout, EDGES_ARM);
    t.is(r.status, 0);
  });
}
