/**
 * The persistent translation cache (runtime/translation-cache.ts): a program's second run takes
 * the blocks its first run translated; a damaged, truncated, foreign or concurrently written
 * cache is ignored or replaced, never trusted; code that is not what a block was made from
 * (a changed binary, self-modifying code) gets no stale block; cache=off and DYNWASM_CACHE=off
 * leave it alone. Every run's output is checked against a run without the cache, in both engines.
 */
import test from 'ava';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadArmTable } from '../runtime/arm/cpu.js';
import { cacheFileFor, filesIdentity } from '../runtime/translation-cache.js';
import {
  baseEnv, BUSYBOX, DYNWASM_ARM, DYNWASM_I386, ENGINES, freshDir, PROGRAMS_DIR, requireFile, runProcess, type Outcome,
} from './support/linux-run.js';

const PROGRAMS_HINT = 'run scripts/build-linux-programs.sh';
const HELLO = join(PROGRAMS_DIR, 'arm', 'hello');
const ARGS = join(PROGRAMS_DIR, 'arm', 'args');
const ARM_SMC = join(PROGRAMS_DIR, 'arm', 'smc');
const I386_SMC = join(PROGRAMS_DIR, 'i386', 'smc');

interface Counts { translated: number; reused: number; stale: number }

/** -stats' translation lines. */
function counts(stderr: string): Counts {
  const translated = /blocks translated\s+(\d+)/.exec(stderr);
  const cached = /blocks from cache\s+(\d+) \(the translation cache; (\d+) not taken/.exec(stderr);
  if (!translated) throw new Error(`no -stats in: ${stderr.slice(-1000)}`);
  return { translated: Number(translated[1]), reused: cached ? Number(cached[1]) : 0, stale: cached ? Number(cached[2]) : 0 };
}

/** Run `program` under dynwasm with the cache in `dir` (undefined: the cache off). */
async function run(engine: string, dir: string | undefined, program: string, args: string[] = [], emulator = DYNWASM_ARM, extraEnv: Record<string, string> = {}): Promise<Outcome & Counts> {
  const env = baseEnv(dir ? { DYNWASM_CACHE_DIR: dir, ...extraEnv } : { DYNWASM_CACHE: 'off', ...extraEnv });
  const r = await runProcess(process.execPath, [emulator, '-accel', engine, '-stats', program, ...args], { env });
  return { ...r, ...counts(r.stderr) };
}

const cacheFiles = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith('.tbc')).map((n) => join(dir, n));
const guestStderr = (s: string): string => s.split('\n').filter((l) => !l.includes(': stats: ')).join('\n');

for (const engine of ENGINES) {
  test(`${engine}: a second run takes its blocks from the cache and prints the same`, async (t) => {
    requireFile(HELLO, PROGRAMS_HINT);
    const dir = freshDir('dynwasm-tc-');
    const reference = await run(engine, undefined, HELLO);
    const first = await run(engine, dir, HELLO);
    t.is(first.status, 0, first.stderr);
    t.is(first.reused, 0);
    t.true(first.translated > 50);
    t.is(cacheFiles(dir).length, 1);
    const second = await run(engine, dir, HELLO);
    t.is(second.reused, first.translated, 'every block of the first run comes from the cache');
    t.is(second.translated, 0);
    t.is(second.stale, 0);
    for (const r of [first, second]) {
      t.is(r.stdout, reference.stdout);
      t.is(guestStderr(r.stderr), guestStderr(reference.stderr));
    }
  });

  test(`${engine}: self-modifying code with the cache warm: changed code is translated again, never taken stale (ARM and i386)`, async (t) => {
    requireFile(ARM_SMC, PROGRAMS_HINT);
    requireFile(I386_SMC, PROGRAMS_HINT);
    for (const [program, emulator] of [[ARM_SMC, DYNWASM_ARM], [I386_SMC, DYNWASM_I386]] as const) {
      const dir = freshDir('dynwasm-tc-');
      const reference = await run(engine, undefined, program, [], emulator);
      t.is(reference.status, 0, reference.stderr);
      await run(engine, dir, program, [], emulator);
      const warm = await run(engine, dir, program, [], emulator);
      t.is(warm.stdout, reference.stdout, program);
      t.is(warm.status, 0);
      t.true(warm.reused > 100, `${program}: blocks taken (${warm.reused})`);
      // The cache holds the code buffer's last contents; the run starts with others at the same addresses.
      t.true(warm.stale > 0, `${program}: blocks refused (${warm.stale})`);
    }
  });
}

test('damaged, truncated, foreign and unreadable cache files are ignored and replaced', async (t) => {
  requireFile(HELLO, PROGRAMS_HINT);
  const dir = freshDir('dynwasm-tc-');
  const reference = await run('jit', undefined, HELLO);
  await run('jit', dir, HELLO);
  const [file] = cacheFiles(dir);
  const good = readFileSync(file);
  const damage: [string, (f: string) => void][] = [
    ['a flipped byte in the blocks', (f) => { const b = Buffer.from(good); b[b.length >> 1] ^= 0x40; writeFileSync(f, b); }],
    ['a flipped byte in the checksum', (f) => { const b = Buffer.from(good); b[30] ^= 1; writeFileSync(f, b); }],
    ['cut in half', (f) => { writeFileSync(f, good); truncateSync(f, good.length >> 1); }],
    ['cut inside the header', (f) => { writeFileSync(f, good); truncateSync(f, 10); }],
    ['empty', (f) => writeFileSync(f, '')],
    ['another format', (f) => { const b = Buffer.from(good); b.writeUInt32LE(b.readUInt32LE(4) + 1, 4); writeFileSync(f, b); }],
    ['another key (another build or program under this name)', (f) => { const b = Buffer.from(good); b[8] ^= 0xff; writeFileSync(f, b); }],
    ['text', (f) => writeFileSync(f, 'not a cache\n'.repeat(100))],
  ];
  for (const [what, spoil] of damage) {
    spoil(file);
    const r = await run('jit', dir, HELLO);
    t.is(r.stdout, reference.stdout, what);
    t.is(r.status, 0, what);
    t.is(r.reused, 0, `${what}: nothing taken`);
    t.true(r.translated > 50, what);
    const again = await run('jit', dir, HELLO);
    t.true(again.reused > 50 && again.translated === 0, `${what}: replaced by a good file (${again.reused} taken)`);
  }
  // A cache directory that is a file, or under one: the program runs as without a cache.
  const asDir = freshDir('dynwasm-tc-');
  const notADir = join(asDir, 'file');
  writeFileSync(notADir, 'x');
  for (const d of [notADir, join(notADir, 'below')]) {
    const r = await run('jit', d, HELLO);
    t.is(r.stdout, reference.stdout, d);
    t.is(r.status, 0, d);
  }
  t.is(readFileSync(notADir, 'utf8'), 'x', 'the file in the way is left as it was');
});

test('a cache file that is a directory is left alone', async (t) => {
  requireFile(HELLO, PROGRAMS_HINT);
  const probe = freshDir('dynwasm-tc-');
  await run('jit', probe, HELLO);
  const name = cacheFiles(probe)[0].slice(probe.length + 1);
  const dir = freshDir('dynwasm-tc-');
  mkdirSync(join(dir, name));
  const reference = await run('jit', undefined, HELLO);
  for (let i = 0; i < 2; i++) {
    const r = await run('jit', dir, HELLO);
    t.is(r.stdout, reference.stdout);
    t.is(r.reused, 0);
  }
  t.true(statSync(join(dir, name)).isDirectory());
});

test('emulators writing the same cache at once leave one good file', async (t) => {
  requireFile(BUSYBOX, 'run scripts/fetch-busybox.sh');
  const dir = freshDir('dynwasm-tc-');
  const script = 'for i in 1 2 3; do echo $i | tr 123 abc; done; ls / >/dev/null; echo done';
  const reference = await run('jit', undefined, BUSYBOX, ['sh', '-c', script]);
  t.is(reference.stdout, 'a\nb\nc\ndone\n');
  // Each process of each run (the shells and their forked children) writes at its end.
  const runs = await Promise.all([0, 1, 2, 3].map(() => run('jit', dir, BUSYBOX, ['sh', '-c', script])));
  for (const r of runs) t.is(r.stdout, reference.stdout);
  t.is(cacheFiles(dir).length, 1);
  t.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left');
  const after = await run('jit', dir, BUSYBOX, ['sh', '-c', script]);
  t.is(after.stdout, reference.stdout);
  t.true(after.reused > 100, `blocks taken after the race (${after.reused})`);
});

test('a forked child takes blocks from the cache too', async (t) => {
  requireFile(BUSYBOX, 'run scripts/fetch-busybox.sh');
  const dir = freshDir('dynwasm-tc-');
  const statsOf = async (cache: string | undefined): Promise<{ out: string; translated: number; reused: number; children: number }> => {
    const statsFile = join(freshDir('dynwasm-tc-stats-'), 'stats');
    const r = await run('jit', cache, BUSYBOX, ['sh', '-c', 'for i in 1 2 3 4; do x=$(echo $i); done; echo $x'], DYNWASM_ARM, { DYNWASM_STATS_FILE: statsFile });
    const lines = readFileSync(statsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { tbsTranslated: number; tbsReused: number; ppid: number; pid: number });
    return {
      out: r.stdout,
      translated: lines.reduce((n, l) => n + l.tbsTranslated, 0),
      reused: lines.reduce((n, l) => n + l.tbsReused, 0),
      children: lines.filter((l) => lines.some((p) => p.pid === l.ppid)).length,
    };
  };
  const off = await statsOf(undefined);
  await statsOf(dir);
  const warm = await statsOf(dir);
  t.is(off.out, '4\n');
  t.is(warm.out, off.out);
  t.is(warm.children, 4);
  t.is(warm.translated, 0, 'nothing left to translate in any process');
  t.true(warm.reused > 0);
  t.is(off.reused, 0);
});

test('a changed binary gets no stale translations', async (t) => {
  requireFile(HELLO, PROGRAMS_HINT);
  requireFile(ARGS, PROGRAMS_HINT);
  const dir = freshDir('dynwasm-tc-');
  const work = freshDir('dynwasm-tc-bin-');
  const prog = join(work, 'prog');
  copyFileSync(HELLO, prog);
  await run('jit', dir, prog);
  t.true((await run('jit', dir, prog)).reused > 50);
  // Another program under the same path, with the same size and time as the first.
  const before = statSync(prog);
  copyFileSync(ARGS, prog);
  utimesSync(prog, before.atime, before.mtime);
  const reference = await run('jit', undefined, prog, ['x', 'y']);
  const r = await run('jit', dir, prog, ['x', 'y']);
  t.is(r.stdout, reference.stdout);
  t.is(r.status, reference.status);
  t.is(r.stale, 0, 'its own cache file (the key has the binary\'s contents), not the other program\'s blocks');
  t.is(cacheFiles(dir).length, 2);
});

test('cache=off and DYNWASM_CACHE=off neither read nor write the cache; -g, -singlestep and -d in_asm do not use it', async (t) => {
  requireFile(HELLO, PROGRAMS_HINT);
  const dir = freshDir('dynwasm-tc-');
  const env = baseEnv({ DYNWASM_CACHE_DIR: dir });
  for (const args of [['-accel', 'jit,cache=off'], ['-accel', 'interp,cache=off'], ['-singlestep'], ['-d', 'in_asm', '-D', join(dir, 'log')]]) {
    const r = await runProcess(process.execPath, [DYNWASM_ARM, ...args, HELLO], { env });
    t.is(r.status, 0, r.stderr);
    t.deepEqual(cacheFiles(dir), [], args.join(' '));
  }
  const r = await runProcess(process.execPath, [DYNWASM_ARM, HELLO], { env: { ...env, DYNWASM_CACHE: 'off' } });
  t.is(r.status, 0);
  t.deepEqual(cacheFiles(dir), []);
  // Now warm, and off again: nothing taken.
  await run('jit', dir, HELLO);
  const off = await runProcess(process.execPath, [DYNWASM_ARM, '-accel', 'jit,cache=off', '-stats', HELLO], { env });
  t.is(counts(off.stderr).reused, 0);
  const bad = await runProcess(process.execPath, [DYNWASM_ARM, '-accel', 'jit,cache=maybe', HELLO], { env });
  t.is(bad.status, 1);
  t.regex(bad.stderr, /unknown property 'cache=maybe'/);
  t.notRegex(bad.stderr, /\n\s+at /, 'no stack trace');
});

test('the cache file\'s key: the binary, the build, the settings and the op table', async (t) => {
  const table = await loadArmTable();
  const a = new Uint8Array([1, 2, 3]), b = new Uint8Array([1, 2, 4]);
  const key = (binary: Uint8Array, build = 'build-1', settings = ''): string | undefined => cacheFileFor('/c', '/bin/prog', { target: 'arm', table, binary, settings }, build)?.file;
  t.is(key(a), key(a));
  t.regex(key(a)!, /^\/c\/prog-[0-9a-f]{16}\.tbc$/);
  t.not(key(a), key(b));
  t.not(key(a), key(a, 'build-2'));
  t.not(key(a), key(a, 'build-1', 'singlestep'));
  t.is(key(a, ''), undefined, 'no cache when the build cannot be identified');
  t.not(cacheFileFor('/c', 'p', { target: 'i386', table, binary: a, settings: '' }, 'b')!.file, cacheFileFor('/c', 'p', { target: 'arm', table, binary: a, settings: '' }, 'b')!.file);
  // A rebuild changes the build's identity: a file rewritten, or touched.
  const d = freshDir('dynwasm-tc-build-');
  mkdirSync(join(d, 'sub'));
  writeFileSync(join(d, 'a.js'), 'one');
  writeFileSync(join(d, 'sub', 'b.js'), 'two');
  writeFileSync(join(d, 'notes.txt'), 'ignored');
  const first = filesIdentity([d]);
  t.is(filesIdentity([d]), first);
  writeFileSync(join(d, 'notes.txt'), 'still ignored');
  t.is(filesIdentity([d]), first);
  utimesSync(join(d, 'sub', 'b.js'), new Date(2001, 1, 1), new Date(2001, 1, 1));
  t.not(filesIdentity([d]), first);
});

test('a guest\'s umask does not make the cache unreadable', async (t) => {
  requireFile(BUSYBOX, 'run scripts/fetch-busybox.sh');
  const dir = join(freshDir('dynwasm-tc-'), 'new', 'cache');
  const first = await run('jit', dir, BUSYBOX, ['sh', '-c', 'umask 777; echo x']);
  t.is(first.stdout, 'x\n');
  const [file] = cacheFiles(dir);
  t.is(statSync(file).mode & 0o777, 0o600);
  t.is(statSync(dir).mode & 0o777, 0o700);
  const second = await run('jit', dir, BUSYBOX, ['sh', '-c', 'umask 777; echo x']);
  t.is(second.stdout, 'x\n');
  t.true(second.reused > 100);
});
