#!/usr/bin/env node
// `npm run bench`: the project's benchmarks under dynwasm-arm (JIT and interpreter), Debian's
// qemu-arm and natively, runs interleaved, and their i386 twins (rows i386-*: the same C programs
// built for i386 and Debian's i386 busybox under dynwasm-i386 and qemu-i386); medians, guest instruction counts and translation
// figures (from DYNWASM_STATS_FILE, which every emulator process, forked children included,
// appends to at exit). Every engine's output is checked against the others' and native's; a
// mismatch or a failed run is reported loudly and makes the exit status 1.
//
//   node scripts/bench.mjs [--quick] [--only w1,w2] [--engines jit,interp,browser,qemu,native]
//                          [--runs N] [--interp-runs N] [--interp-all] [--mb N] [--list]
//                          [--baseline DIR]
// The engine `nocache` is the JIT with its persistent translation cache off (-accel jit,cache=off);
// the other dynwasm engines use a cache of the bench's own (build/bench/translation-cache,
// emptied at the start), so each row's first run fills it and the later runs take from it.
// --baseline DIR adds the engine `base`: the JIT of another built checkout of dynwasm (a git
// worktree of an older commit, after its `npm run gen`), run interleaved with this one, for
// before/after figures of a change.
// The engine `browser` runs the bare-metal rows (bare-*) in the web page's Web Worker in Debian's
// Chromium (headless, playwright-core: scripts/lib/web-bench.mjs), timed like the Node engines
// there: the run loop's own time, not the process's or the page's.
//
// Writes bench/results/latest.{json,md,svg}; progress on stderr, the table on stdout.
// docs/benchmarks.md describes the workloads and how to read the table.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def; };
const known = new Set(['quick', 'only', 'engines', 'runs', 'interp-runs', 'interp-all', 'mb', 'list', 'help', 'baseline']);
for (const a of argv) {
  if (a.startsWith('--') && !known.has(a.slice(2))) { console.error(`bench: unknown option ${a} (try --help)`); process.exit(2); }
}
if (flag('help')) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 12).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const QUICK = flag('quick');
const MB = Number(opt('mb', QUICK ? 1 : 20));
const RUNS = opt('runs') !== undefined ? Number(opt('runs')) : undefined;
const INTERP_RUNS = Number(opt('interp-runs', 1));
const INTERP_ALL = flag('interp-all');
const BASELINE = opt('baseline');
if (flag('baseline') && (!BASELINE || !existsSync(join(BASELINE, 'bin/dynwasm-arm.js')) || !existsSync(join(BASELINE, 'dist/runtime/cli/arm-linux.js')))) {
  console.error(`bench: --baseline wants a built dynwasm checkout (bin/dynwasm-arm.js and dist/ after npm run gen), not ${BASELINE ?? 'nothing'}`);
  process.exit(2);
}
const ENGINE_NAMES = opt('engines', BASELINE ? 'base,jit,interp,browser,qemu,native' : 'jit,interp,browser,qemu,native').split(',');
for (const e of ENGINE_NAMES) if (!['jit', 'nocache', 'interp', 'browser', 'qemu', 'native', 'base'].includes(e) || (e === 'base' && !BASELINE)) { console.error(`bench: unknown engine ${e}${e === 'base' ? ' (it needs --baseline DIR)' : ''}`); process.exit(2); }

const say = (s) => process.stderr.write(`${s}\n`);
const red = (s) => (process.stderr.isTTY ? `\x1b[1;31m${s}\x1b[0m` : s);
const which = (cmd) => {
  for (const d of (process.env.PATH ?? '').split(':')) if (d && existsSync(join(d, cmd))) return join(d, cmd);
  return undefined;
};
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length ? (s.length & 1 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN; };

// ---------------------------------------------------------------- setup: build what is missing
const BUILD = join(ROOT, 'build', 'bench');
const WORK = join(BUILD, 'work');
const BUSYBOX = join(ROOT, 'build/busybox/bin/busybox');
const NATIVE_BUSYBOX = join(ROOT, 'build/busybox-native/bin/busybox');
const BUSYBOX_I386 = join(ROOT, 'build/busybox-i386/bin/busybox');

function sh(cmd, what) {
  say(`bench: ${what}: ${cmd}`);
  const r = spawnSync('bash', ['-c', cmd], { stdio: ['ignore', 2, 2] });
  return r.status === 0;
}

if (!existsSync('dist/runtime/cli/arm-linux.js') || !existsSync('runtime/generated')) {
  if (!sh('npm run gen', 'dist/ is missing')) { say(red('bench: npm run gen failed')); process.exit(1); }
} else if (!existsSync('dist/runtime/stats.js')) {
  if (!sh('npm run build', 'dist/ predates the stats counters')) { say(red('bench: npm run build failed')); process.exit(1); }
}
if (!sh('bash scripts/build-bench-programs.sh', 'benchmark programs')) {
  say(red('bench: could not build the benchmark programs (needs gcc-arm-linux-gnueabi, libc6-dev-armel-cross, gcc: scripts/install-debian-packages.sh)'));
  process.exit(1);
}
const missing = {}; // why a workload group or engine cannot run
if (!existsSync(BUSYBOX) || !existsSync(NATIVE_BUSYBOX) || !existsSync(BUSYBOX_I386)) {
  if (!sh('bash scripts/fetch-busybox.sh', 'busybox is missing')) missing.busybox = 'busybox: could not be fetched (scripts/fetch-busybox.sh)';
}
// The fork-wait row's program (test/linux-programs/forks.c), built with the test programs.
const FORKS = { arm: join(ROOT, 'build/linux-programs/arm/forks'), i386: join(ROOT, 'build/linux-programs/i386/forks'), native: join(ROOT, 'build/linux-programs/native/forks') };
if (!existsSync(FORKS.arm) || !existsSync(FORKS.i386) || !existsSync(FORKS.native)) {
  if (!sh('bash scripts/build-linux-programs.sh forks', 'forks (test/linux-programs/forks.c) is missing')) missing.forks = 'forks: could not be built (scripts/build-linux-programs.sh forks)';
}
if (!sh('bash scripts/build-arm-programs.sh compute sort sieve int64 crc32', 'bare-metal programs')) {
  missing.bare = 'the bare-metal programs could not be built (needs gcc-arm-none-eabi: scripts/install-debian-packages.sh)';
}
const CHROMIUM = which('chromium');
if (!CHROMIUM) missing.browser = 'chromium: not installed (apt-get install chromium)';
const QEMU = which('qemu-arm');
if (!QEMU) missing.qemu = 'not installed (apt-get install qemu-user)';
const QEMU_I386 = which('qemu-i386');

/**
 * The Linux user-mode guests: each row of the cpu, busybox and process groups runs on ARM, and
 * its twin i386-<name> (made by i386Twin) runs the same workload with the i386 builds.
 */
const GUESTS = {
  arm: {
    qemu: QEMU, qemuLabel: 'qemu-arm', emulator: 'bin/dynwasm-arm.js', busybox: BUSYBOX, applets: join(BUILD, 'applets-arm'),
    bench: (name) => join(BUILD, 'arm', name), forks: FORKS.arm,
    noExec: 'qemu-arm hands execve to the host kernel, which cannot run ARM programs without binfmt_misc',
  },
  i386: {
    qemu: QEMU_I386, qemuLabel: 'qemu-i386', emulator: 'bin/dynwasm-i386.js', busybox: BUSYBOX_I386, applets: join(BUILD, 'applets-i386'),
    bench: (name) => join(BUILD, 'i386', name), forks: FORKS.i386,
    noExec: 'qemu-i386 hands execve to the host kernel, whose IA-32 emulation is off here',
  },
};
const hostTool = (t) => which(t);

// ---------------------------------------------------------------- inputs
mkdirSync(WORK, { recursive: true });
// The emulators' persistent translation cache: the bench's own, empty at the start.
process.env.DYNWASM_CACHE_DIR = join(BUILD, 'translation-cache');
rmSync(process.env.DYNWASM_CACHE_DIR, { recursive: true, force: true });

/** Deterministic text (compresses like text, ~3:1), as scripts/measure-user-gzip.mjs made it. */
function generateText(bytes, vocabulary) {
  const words = vocabulary.split(' ');
  let x = 12345, size = 0;
  const parts = [];
  while (size < bytes) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const w = words[(x >>> 8) % words.length] + ((x & 31) === 0 ? '.\n' : ' ');
    parts.push(w);
    size += w.length;
  }
  return parts.join('');
}
const VOCAB = 'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their has would when if so no will what more can out up about into them some could other time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three';

function prepareInputs() {
  const input = join(WORK, `input-${MB}mb.txt`);
  if (!existsSync(input)) { say(`bench: generating ${MB} MB of text`); writeFileSync(input, generateText(MB * 1e6, VOCAB)); }
  const gz = `${input}.gz`;
  if (!existsSync(gz)) execFileSync('bash', ['-c', 'gzip -9 -c -n "$0" > "$0.gz"', input]);
  // The tree for tar: node_modules/typescript/lib, or (--quick) its first files up to about 1 MB.
  let treeParent = join(ROOT, 'node_modules/typescript');
  if (QUICK) {
    treeParent = join(WORK, 'tslib-quick');
    if (!existsSync(join(treeParent, 'lib'))) {
      mkdirSync(join(treeParent, 'lib'), { recursive: true });
      let total = 0;
      for (const f of readdirSync(join(ROOT, 'node_modules/typescript/lib')).sort()) {
        const p = join(ROOT, 'node_modules/typescript/lib', f);
        if (!statSync(p).isFile()) continue;
        const b = readFileSync(p);
        if (total + b.length > 1e6) continue;
        writeFileSync(join(treeParent, 'lib', f), b);
        total += b.length;
      }
    }
  }
  const tarball = join(WORK, QUICK ? 'tslib-quick.tar.bz2' : 'tslib.tar.bz2');
  if (!existsSync(tarball)) execFileSync('tar', ['-cjf', tarball, '-C', treeParent, 'lib']);
  // Applet links: what the shell's PATH holds (busybox's sh and tar run applets through PATH).
  for (const [dir, bb] of [[GUESTS.arm.applets, BUSYBOX], [GUESTS.i386.applets, BUSYBOX_I386], [join(BUILD, 'applets-native'), NATIVE_BUSYBOX]]) {
    if (existsSync(dir) || missing.busybox) continue;
    mkdirSync(dir, { recursive: true });
    for (const a of execFileSync(NATIVE_BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean)) symlinkSync(bb, join(dir, a));
  }
  const words = join(WORK, 'words.txt');
  if (!existsSync(words)) {
    const w = 'the of and to in is that for it as was with be by on not he this are or his from at which but have'.split(' ');
    let x = 12345;
    const out = [];
    for (let i = 0; i < 400; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      out.push(w[(x >>> 8) % w.length] + ((x & 7) === 0 ? ` ${w[(x >>> 16) % w.length]}` : ''));
    }
    writeFileSync(words, `${out.join('\n')}\n`);
  }
  return { input, gz, treeParent, tarball, words };
}

/** A newc cpio archive (what the kernel unpacks into its initramfs) of `entries`, root-owned. */
function newcArchive(entries) {
  const parts = [];
  const pad4 = (n) => Buffer.alloc((4 - (n % 4)) % 4);
  const header = (ino, mode, size, name) => {
    const fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, Buffer.byteLength(name) + 1, 0];
    return Buffer.from(`070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}${name}\0`, 'latin1');
  };
  let ino = 1;
  for (const { name, mode, data } of [...entries, { name: 'TRAILER!!!', mode: 0, data: Buffer.alloc(0) }]) {
    const h = header(name === 'TRAILER!!!' ? 0 : ino++, mode, data.length, name);
    parts.push(h, pad4(h.length), data, pad4(data.length));
  }
  return Buffer.concat(parts);
}

/**
 * The initrd of the in-guest workloads: demo/linux/rootfs.cpio.gz with a second gzip'd cpio
 * appended (the kernel unpacks concatenated archives in order, a later file replacing an
 * earlier one) that puts bench/workloads/linux-guest.sh in /etc/selftest, which /init runs with
 * test=1, and its inputs in /bench: `mb` MB of generated text and the fork loop's count.
 */
function guestInitrd(mb, forks) {
  const file = join(WORK, `linux-guest-${mb}mb-${forks}.cpio.gz`);
  const base = readFileSync(join(ROOT, 'demo/linux/rootfs.cpio.gz'));
  const extra = gzipSync(newcArchive([
    { name: 'bench', mode: 0o40755, data: Buffer.alloc(0) },
    { name: 'bench/data.txt', mode: 0o100644, data: Buffer.from(generateText(mb * 1e6, VOCAB)) },
    { name: 'bench/forks', mode: 0o100644, data: Buffer.from(`${forks}\n`) },
    { name: 'etc/selftest', mode: 0o100644, data: readFileSync(join(ROOT, 'bench/workloads/linux-guest.sh')) },
  ]), { level: 9 });
  // Zeros between archives are skipped; keep the second one 4-byte aligned all the same.
  writeFileSync(file, Buffer.concat([base, Buffer.alloc((4 - (base.length % 4)) % 4), extra]));
  return file;
}

/** A digest of a directory tree: relative paths, types, contents, link targets (not times or modes). */
function treeDigest(dir) {
  const h = createHash('sha256');
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name), st = lstatSync(p), rel = relative(dir, p);
      if (st.isDirectory()) { h.update(`d ${rel}\n`); walk(p); } else if (st.isSymbolicLink()) h.update(`l ${rel} ${readlinkSync(p)}\n`);
      else { h.update(`f ${rel} ${st.size}\n`); h.update(readFileSync(p)); }
    }
  };
  walk(dir);
  return h.digest('hex');
}

// ---------------------------------------------------------------- workloads
// A workload gives, for an engine, the guest command (run under jit/interp/qemu) or the native
// one, and how to turn a run's output into the result compared across engines.
const CPU = [
  ['crc32', 400, 4, 'CRC-32 over a 256 KiB buffer, N passes'],
  ['sort', 3072, 16, 'quicksort of N Ki random 32-bit integers'],
  ['sieve', 32768, 256, 'sieve of Eratosthenes below N Ki'],
  ['matmul', 512, 48, 'N x N 32-bit integer matrix multiply'],
  ['strings', 8000, 100, 'libc string/memory functions, N rounds'],
  ['bytecode', 24, 1, 'switch-dispatch bytecode interpreter (Collatz), N rounds'],
  ['recursion', 600, 4, 'deep recursion (depth 20000), fib, Ackermann, N rounds'],
  ['int64', 500, 8, '64-bit multiply/divide/shift (libgcc on ARM), N Ki rounds (sized for the emulators)'],
  ['float', 100, 2, 'double arithmetic: soft-float on armel (libgcc), N rounds (sized for the emulators: natively a few ms)'],
];

/** The self-test transcript of the Linux images (test/linux-image.test.ts compares it the same way). */
function linuxTranscript(out) {
  const text = out.replace(/\r\n/g, '\n');
  const from = text.indexOf('dynwasm initramfs: ready'), last = 'dynwasm initramfs: rebooting', to = text.indexOf(last);
  if (from < 0 || to < 0) return `no self-test in the output: ${text.slice(-300)}`;
  return text.slice(from, to + last.length).split('\n').filter((l) => !/BogoMIPS/.test(l) && !/^input: /.test(l))
    .map((l) => (l.startsWith('Features\t') ? l.replace(' vfp ', ' ') : l)).join('\n');
}

/** The seconds the guest script measured for `key` (its `bench-time KEY START END` line), or NaN. */
function inGuestSeconds(out, key) {
  const m = out.match(new RegExp(`^bench-time ${key} ([0-9.]+) ([0-9.]+)\\r?$`, 'm'));
  return m ? Number(m[2]) - Number(m[1]) : NaN;
}

// The bare-metal programs (test/arm-programs, scripts/build-arm-programs.sh) under
// dynwasm-system-arm -semihosting: the CPU workloads that run in system mode, so in the browser
// too. Timed by the run loop itself (-stats' wall time; the worker's runMs), not the process.
const BARE = [
  ['compute', 'compute.elf', 'integer kernels (bubble sort, GCD, multiply-accumulate, bit counts) in ARM state'],
  ['sort', 'sort-arm.elf', 'insertion sort, quicksort and heapsort of 4 Ki integers, ARM state'],
  ['sieve', 'sieve-arm.elf', 'sieve of Eratosthenes below 100000, ARM state'],
  ['int64', 'int64-arm.elf', '64-bit arithmetic through libgcc, ARM state'],
  ['crc32', 'crc32-thumb.elf', 'CRC-32 bitwise and table-driven, Adler-32 over 8 KiB, Thumb state'],
];

function workloads(inp) {
  const list = [];
  if (!missing.bare) {
    for (const [name, elf, desc] of BARE) {
      const kernel = join(ROOT, 'test/arm-programs/build', elf);
      list.push({
        name: `bare-${name}`, group: 'bare', system: true, bare: true, big: false, kernel, qemu: 'n/a: timed inside the run loop (-stats), which qemu-system-arm does not report',
        desc: `${desc} (test/arm-programs/build/${elf}, bare metal with semihosting; the run loop's time, without start-up)`,
        guest: () => ({ argv: ['-M', 'versatilepb', '-semihosting', '-stats', '-kernel', kernel] }),
        result: (r) => r.stdout,
      });
    }
  }
  const linux = join(ROOT, 'demo/linux');
  list.push({
    name: 'linux-boot', group: 'system', system: true, big: false,
    desc: 'Debian Linux 6.1 on the Versatile PB from reset through its initramfs self-test to the reboot (dynwasm-system-arm, qemu-system-arm)',
    guest: () => ({ argv: ['-M', 'versatilepb', '-m', '128M', '-nographic', '-no-reboot', '-kernel', join(linux, 'zImage'),
      '-dtb', join(linux, 'versatile-pb.dtb'), '-initrd', join(linux, 'rootfs.cpio.gz'), '-append', 'console=ttyAMA0 test=1 loglevel=4'],
      env: { QEMU_AUDIO_DRV: 'none' } }),
    result: (r) => linuxTranscript(r.stdout),
  });
  // The in-guest workloads: one boot per engine and run serves all three rows (`shared`), each
  // row's time being what the guest measured for its part (bench/workloads/linux-guest.sh).
  const guestMb = QUICK ? 0.2 : 2, guestForks = QUICK ? 10 : 100;
  let initrd;
  const guestBoot = () => ({ argv: ['-M', 'versatilepb', '-m', '128M', '-nographic', '-no-reboot', '-kernel', join(linux, 'zImage'),
    '-dtb', join(linux, 'versatile-pb.dtb'), '-initrd', (initrd ??= guestInitrd(guestMb, guestForks)), '-append', 'console=ttyAMA0 test=1 loglevel=4'],
  env: { QEMU_AUDIO_DRV: 'none' } });
  const IN_GUEST = [
    ['linux-gzip', 'gzip', /^gzip -9: .*$/m, `busybox gzip -9 of ${guestMb} MB of text in the booted Linux's RAM file system`],
    ['linux-sha256sum', 'sha256sum', /^[0-9a-f]{64} {2}data\.txt$/m, `busybox sha256sum of the same ${guestMb} MB`],
    ['linux-forks', 'forks', /^forks: .*$/m, `a shell loop forking and executing /bin/true (static busybox) ${guestForks} times`],
  ];
  for (const [name, key, line, what] of IN_GUEST) {
    list.push({
      name, group: 'system', system: true, big: false, shared: 'linux-guest',
      desc: `${what}, timed inside the guest (/proc/uptime; one boot of the initramfs per run serves all three linux-* in-guest rows)`,
      guest: guestBoot,
      guestSeconds: (r) => inGuestSeconds(r.stdout, key),
      result: (r) => (/^dynwasm initramfs: self-test exit status 0\r?$/m.test(r.stdout) ? r.stdout.replace(/\r\n/g, '\n').match(line)?.[0] ?? `no result line for ${key}` : `the in-guest script failed: ${r.stdout.slice(-300)}`),
    });
  }
  for (const [name, full, quick, desc] of CPU) {
    const size = String(QUICK ? quick : full);
    list.push({
      name, group: 'cpu', desc: `${desc}; N = ${size}`, big: false,
      guest: (g) => ({ argv: [g.bench(name), size] }),
      native: () => ({ argv: [join(BUILD, 'native', name), size] }),
      result: (r) => r.stdout,
    });
  }
  if (missing.busybox) return list;
  const out = join(WORK, 'out');
  const nativePath = join(BUILD, 'applets-native');
  const mb = `${MB} MB`;
  const noExecQemu = (g) => `n/a: ${g.noExec}`;
  list.push({
    name: 'gzip', group: 'busybox', desc: `gzip -9 -c of ${mb} of text`, big: true, nativeTool: 'gzip',
    guest: (g) => ({ argv: [g.busybox, 'gzip', '-9', '-c', inp.input], stdoutFile: out }),
    native: () => ({ argv: [hostTool('gzip'), '-9', '-c', inp.input], stdoutFile: out }),
    // The host's gzip writes other bytes: the result is the decompressed output.
    raw: () => sha256(readFileSync(out)),
    result: () => sha256(gunzipSync(readFileSync(out))),
  });
  list.push({
    name: 'gunzip', group: 'busybox', desc: `gunzip -c of the gzip -9 of ${mb} of text`, big: true, nativeTool: 'gunzip',
    guest: (g) => ({ argv: [g.busybox, 'gunzip', '-c', inp.gz], stdoutFile: out }),
    native: () => ({ argv: [hostTool('gunzip'), '-c', inp.gz], stdoutFile: out }),
    result: () => sha256(readFileSync(out)),
  });
  list.push({
    name: 'sha256sum', group: 'busybox', desc: `sha256sum of ${mb} of text`, big: true, nativeTool: 'sha256sum',
    guest: (g) => ({ argv: [g.busybox, 'sha256sum', inp.input] }),
    native: () => ({ argv: [hostTool('sha256sum'), inp.input] }),
    result: (r) => r.stdout,
  });
  list.push({
    name: 'bzip2', group: 'busybox', desc: `bzip2 -9 -c of ${mb} of text`, big: true, nativeTool: 'bzip2',
    guest: (g) => ({ argv: [g.busybox, 'bzip2', '-9', '-c', inp.input], stdoutFile: out }),
    native: () => ({ argv: [hostTool('bzip2'), '-9', '-c', inp.input], stdoutFile: out }),
    raw: () => sha256(readFileSync(out)),
    result: () => sha256(execFileSync('bzip2', ['-dc', out], { maxBuffer: 1 << 30 })),
  });
  const packDir = join(WORK, 'unpacked');
  list.push({
    name: 'tar-pack', group: 'busybox', big: true, nativeTool: 'tar',
    desc: `tar -cjf of ${QUICK ? 'about 1 MB of' : ''} node_modules/typescript/lib (tar runs bzip2 through PATH: a second process)`,
    qemu: noExecQemu,
    guest: (g) => ({ argv: [g.busybox, 'tar', '-cjf', `${out}.tar.bz2`, '-C', inp.treeParent, 'lib'], env: { PATH: g.applets } }),
    native: () => ({ argv: [hostTool('tar'), '-cjf', `${out}.tar.bz2`, '-C', inp.treeParent, 'lib'] }),
    result: () => {
      rmSync(packDir, { recursive: true, force: true });
      mkdirSync(packDir);
      execFileSync('tar', ['-xjf', `${out}.tar.bz2`, '-C', packDir]);
      return treeDigest(packDir);
    },
  });
  list.push({
    name: 'tar-unpack', group: 'busybox', big: true, nativeTool: 'tar',
    desc: `tar -xjf of a tar.bz2 of ${QUICK ? 'about 1 MB of' : ''} node_modules/typescript/lib`,
    before: () => { rmSync(packDir, { recursive: true, force: true }); mkdirSync(packDir); },
    guest: (g) => ({ argv: [g.busybox, 'tar', '-xjf', inp.tarball, '-C', packDir], env: { PATH: g.applets } }),
    native: () => ({ argv: [hostTool('tar'), '-xjf', inp.tarball, '-C', packDir] }),
    result: () => treeDigest(packDir),
  });
  // Processes (issue 14): the start-up of one, and forks; short runs, so more of them.
  list.push({
    name: 'startup', group: 'process', big: false, nativeTool: 'busybox', runs: 11,
    desc: 'busybox true: the start-up of an emulator process (Node, dynwasm, and the program\'s few thousand instructions)',
    guest: (g) => ({ argv: [g.busybox, 'true'] }),
    native: () => ({ argv: [NATIVE_BUSYBOX, 'true'] }),
    result: (r) => r.stdout,
  });
  const forkLoop = 'for i in $(seq 20); do x=$(echo $i); done; echo $x';
  list.push({
    name: 'fork-loop', group: 'process', big: false, nativeTool: 'busybox', runs: 5,
    desc: `busybox sh -c '${forkLoop}': 21 forks, each child a short subshell`,
    guest: (g) => ({ argv: [g.busybox, 'sh', '-c', forkLoop] }),
    native: () => ({ argv: [NATIVE_BUSYBOX, 'sh', '-c', forkLoop] }),
    result: (r) => r.stdout,
  });
  if (!missing.forks) {
    const n = QUICK ? 5 : 20;
    list.push({
      name: 'fork-wait', group: 'process', big: false, runs: 5,
      desc: `${n} fork+_exit+waitpid round trips of a static C program (test/linux-programs/forks.c), after a first one, timed inside the program`,
      guest: (g) => ({ argv: [g.forks, String(n)] }),
      native: () => ({ argv: [FORKS.native, String(n)] }),
      guestSeconds: (r) => inGuestSeconds(r.stdout, 'fork-wait'),
      result: (r) => r.stdout.match(/^fork\+exit\+wait: .*$/m)?.[0] ?? `no result line: ${r.stdout.slice(-200)}`,
    });
  }
  const shDir = join(WORK, 'applets');
  list.push({
    name: 'applets', group: 'busybox', big: false, nativeTool: 'busybox',
    desc: `busybox sh running ${QUICK ? 'the first 9 commands of ' : ''}bench/workloads/applets.sh: ~80 applets once each (cold code; each forked command is a new emulator process)`,
    qemu: noExecQemu,
    before: () => {
      rmSync(shDir, { recursive: true, force: true });
      mkdirSync(shDir);
      writeFileSync(join(shDir, 'words.txt'), readFileSync(inp.words));
    },
    guest: (g) => ({ argv: [g.busybox, 'sh', join(ROOT, 'bench/workloads/applets.sh'), ...(QUICK ? ['quick'] : [])], cwd: shDir, env: { PATH: g.applets } }),
    native: () => ({ argv: [NATIVE_BUSYBOX, 'sh', join(ROOT, 'bench/workloads/applets.sh'), ...(QUICK ? ['quick'] : [])], cwd: shDir, env: { PATH: nativePath } }),
    result: (r) => r.stdout,
  });
  return list;
}

/** The i386 twin of a Linux user-mode row: the same workload on the i386 builds, under dynwasm-i386 and qemu-i386. */
function i386Twin(w) {
  return {
    ...w, name: `i386-${w.name}`, group: `${w.group}-i386`, guestArch: 'i386', desc: `${w.desc} (i386 build, dynwasm-i386 and qemu-i386)`,
    // i386's doubles are the x87's (extended precision; dynwasm-i386 has no SSE), so float's
    // checksum differs from x86-64's SSE doubles: qemu-i386 is its reference, native only timed.
    ...(w.name === 'float' ? { reference: 'qemu' } : {}),
  };
}

/** The rows, each Linux user-mode one followed by its i386 twin. */
function withI386Twins(list) {
  return list.flatMap((w) => (['cpu', 'busybox', 'process'].includes(w.group) ? [w, i386Twin(w)] : [w]));
}

// ---------------------------------------------------------------- engines
// The user-mode emulators run as commands, as a user runs them (their bin scripts start Node
// from the CLI's V8 start-up snapshot while it is fresh: bin/launch.sh), with this Node first on
// PATH (runProcess), so that they run on it.
const ENGINES = {
  jit: { label: 'dynwasm jit', prefix: [join(ROOT, 'bin/dynwasm-arm.js'), '-accel', 'jit'], emulator: true },
  nocache: { label: 'dynwasm jit, cache=off', prefix: [join(ROOT, 'bin/dynwasm-arm.js'), '-accel', 'jit,cache=off'], emulator: true },
  interp: { label: 'dynwasm interp', prefix: [join(ROOT, 'bin/dynwasm-arm.js'), '-accel', 'interp'], emulator: true },
  qemu: { label: 'qemu-arm', prefix: QEMU ? [QEMU] : [], emulator: false },
  native: { label: 'native x86-64', prefix: [], emulator: false },
  browser: { label: 'dynwasm jit, Chromium worker', prefix: [], emulator: true },
  base: { label: `dynwasm jit (baseline ${BASELINE})`, prefix: BASELINE ? [join(BASELINE, 'bin/dynwasm-arm.js'), '-accel', 'jit'] : [], emulator: true },
};
/** The i386 user-mode emulators of each engine, for the i386 twins. */
const I386_PREFIX = {
  jit: [join(ROOT, GUESTS.i386.emulator), '-accel', 'jit'],
  nocache: [join(ROOT, GUESTS.i386.emulator), '-accel', 'jit,cache=off'],
  interp: [join(ROOT, GUESTS.i386.emulator), '-accel', 'interp'],
  qemu: QEMU_I386 ? [QEMU_I386] : [],
  base: BASELINE ? [join(BASELINE, GUESTS.i386.emulator), '-accel', 'jit'] : [],
};
/** The system emulators of each engine, for the `system` workloads. */
const QEMU_SYSTEM = which('qemu-system-arm');
const SYSTEM_PREFIX = {
  jit: [process.execPath, join(ROOT, 'bin/dynwasm-system-arm.js'), '-accel', 'jit'],
  interp: [process.execPath, join(ROOT, 'bin/dynwasm-system-arm.js'), '-accel', 'interp'],
  qemu: QEMU_SYSTEM ? [QEMU_SYSTEM] : [],
  base: BASELINE ? [process.execPath, join(BASELINE, 'bin/dynwasm-system-arm.js'), '-accel', 'jit'] : [],
};

/** Sum of the counters of every emulator process of a run. */
function readStats(file) {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const sum = { processes: lines.length };
  for (const l of lines) {
    for (const [k, v] of Object.entries(l)) if (typeof v === 'number' && !['pid', 'ppid', 'wallMs', 'runMs', 'tbBlocks'].includes(k)) sum[k] = (sum[k] ?? 0) + v;
  }
  return sum;
}

let runCounter = 0;
/** Runs of the workloads that share one (a boot that measures several in-guest workloads). */
const sharedRuns = new Map();
function runOnce(w, engine, round) {
  if (engine === 'browser') return runBrowser(w);
  if (w.shared) {
    const key = `${w.shared} ${engine} ${round}`;
    if (!sharedRuns.has(key)) sharedRuns.set(key, runProcess(w, engine));
    return sharedRuns.get(key);
  }
  return runProcess(w, engine);
}
function runProcess(w, engine) {
  w.before?.();
  const spec = engine === 'native' ? w.native() : w.guest(GUESTS[w.guestArch ?? 'arm']);
  const prefix = w.system ? SYSTEM_PREFIX[engine] : w.guestArch === 'i386' ? I386_PREFIX[engine] : ENGINES[engine].prefix;
  const argv = engine === 'native' ? spec.argv : [...prefix, ...spec.argv];
  const statsFile = join(WORK, `stats-${process.pid}-${runCounter++}.jsonl`);
  rmSync(statsFile, { force: true });
  const env = { ...process.env, ...spec.env };
  // This Node for the bin scripts' `node`; after a guest's own PATH (the applets), which the
  // guest searches too (tar finds bzip2 there, not the host's in Node's directory).
  env.PATH = spec.env?.PATH ? `${spec.env.PATH}:${dirname(process.execPath)}` : `${dirname(process.execPath)}:${env.PATH ?? ''}`;
  delete env.DYNWASM_STATS_FILE;
  if (ENGINES[engine].emulator) env.DYNWASM_STATS_FILE = statsFile;
  const outFd = spec.stdoutFile ? openSync(spec.stdoutFile, 'w') : 'pipe';
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd: spec.cwd ?? ROOT, env, stdio: ['ignore', outFd, 'pipe'], maxBuffer: 1 << 28, encoding: 'utf8',
  });
  const ms = performance.now() - t0;
  if (typeof outFd === 'number') closeSync(outFd);
  let stats = readStats(statsFile);
  rmSync(statsFile, { force: true });
  const ok = r.status === 0 && !r.error;
  // The bare-metal rows: the run loop's time and counters from dynwasm-system-arm's -stats.
  let loopMs;
  if (w.bare && ok) {
    const field = (re) => { const m = re.exec(r.stderr ?? ''); return m ? Number(m[1]) : undefined; };
    loopMs = (field(/stats: wall time +([0-9.]+) s$/m) ?? NaN) * 1000;
    stats = { processes: 1, icount: field(/stats: guest instructions +(\d+)$/m), tbsTranslated: field(/stats: blocks translated +(\d+)/m), modules: field(/stats: modules compiled +(\d+)/m) };
  }
  return {
    ms: loopMs ?? ms, ok, stats, stdout: r.stdout ?? '',
    error: ok ? undefined : `${r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`,
  };
}

/** The browser engine, started on its first use (undefined: not yet; a string: why it cannot run). */
let browserEngine;
async function browserReady() {
  if (browserEngine === undefined) {
    say('bench: building the web page and starting Chromium');
    try {
      browserEngine = await (await import('./lib/web-bench.mjs')).startBrowserEngine(ROOT, CHROMIUM);
    } catch (e) {
      browserEngine = `chromium could not be started: ${String(e?.message ?? e).split('\n')[0]}`;
    }
  }
  return browserEngine;
}
async function runBrowser(w) {
  const b = await browserReady();
  if (typeof b === 'string') return { unavailable: b };
  const r = await b.run(readFileSync(w.kernel), w.kernel.split('/').pop(), 'jit');
  return { ...r, stats: r.ok ? { processes: 1, icount: r.icount, tbsTranslated: r.tbsTranslated, modules: r.modules } : undefined };
}

// ---------------------------------------------------------------- run
const inputs = prepareInputs();
let all = withI386Twins(workloads(inputs));
if (flag('list')) { for (const w of all) console.log(`${w.name.padEnd(11)} ${w.desc}`); process.exit(0); }
const only = opt('only');
if (only) {
  const names = only.split(',');
  for (const n of names) if (!all.some((w) => w.name === n)) { say(`bench: unknown workload ${n} (--list shows them)`); process.exit(2); }
  all = all.filter((w) => names.includes(w.name));
}
if (missing.busybox) say(red(`bench: ${missing.busybox}: the busybox workloads are skipped`));

/** Why the user-mode qemu of a row's guest cannot run: not installed. */
const qemuMissing = (w) => (!w.system && !GUESTS[w.guestArch ?? 'arm'].qemu ? `${GUESTS[w.guestArch ?? 'arm'].qemuLabel}: not installed (apt-get install qemu-user)` : undefined);
/** Why the native counterpart cannot run: a host tool that is not installed. */
const nativeMissing = (w) => (w.nativeTool && w.nativeTool !== 'busybox' && !which(w.nativeTool) ? `host ${w.nativeTool}: not installed` : undefined);
function plannedRuns(w, e) {
  if (e === 'browser') return !w.bare || missing.browser ? 0 : RUNS ?? (QUICK ? 1 : 5);
  if (e === 'nocache' && (w.system || w.bare)) return 0;
  if (w.system && (e === 'native' || (e === 'qemu' && !QEMU_SYSTEM))) return 0;
  if (e === 'qemu' && (qemuMissing(w) || w.qemu)) return 0;
  if (e === 'native' && nativeMissing(w)) return 0;
  if (e === 'interp') {
    if (w.big && !INTERP_ALL) return 0;
    return Math.min(INTERP_RUNS, RUNS ?? INTERP_RUNS);
  }
  return RUNS ?? (QUICK ? 1 : w.runs ?? (w.group === 'cpu' ? 5 : 3));
}
function skipReason(w, e) {
  if (e === 'browser') return missing.browser ?? 'n/a: the browser runs the bare-metal rows only';
  if (e === 'nocache') return 'n/a: the translation cache is user mode\'s';
  if (w.system && e === 'native') return 'n/a: a whole machine';
  if (w.system && e === 'qemu' && !QEMU_SYSTEM) return 'qemu-system-arm: not installed';
  if (e === 'qemu' && qemuMissing(w)) return qemuMissing(w);
  if (e === 'qemu' && w.qemu) return typeof w.qemu === 'function' ? w.qemu(GUESTS[w.guestArch ?? 'arm']) : w.qemu;
  if (e === 'native' && nativeMissing(w)) return nativeMissing(w);
  if (e === 'interp' && w.big && !INTERP_ALL) return `skipped: ${MB} MB input (about 25x slower than the JIT; --interp-all runs it)`;
  return undefined;
}

const engines = ENGINE_NAMES;
const results = [];
let failures = 0;
const tStart = performance.now();
const loadStart = loadavg()[0];
say(`bench: ${all.length} workloads x ${engines.join(', ')}${QUICK ? ' (--quick)' : ''}; runs interleaved`);
for (const [wi, w] of all.entries()) {
  const rec = { name: w.name, group: w.group, guestArch: w.guestArch, desc: w.desc, nativeTool: w.nativeTool, engines: {} };
  for (const e of engines) rec.engines[e] = { runs: [], skipped: plannedRuns(w, e) === 0 ? skipReason(w, e) : undefined };
  const rounds = Math.max(...engines.map((e) => plannedRuns(w, e)));
  for (let r = 0; r < rounds; r++) {
    for (const e of engines) {
      const er = rec.engines[e];
      if (r >= plannedRuns(w, e) || er.error) continue;
      const run = await runOnce(w, e, r);
      if (run.unavailable) {
        // Chromium is there but does not start: the column says why, as when it is missing.
        say(red(`bench: browser: ${run.unavailable}`));
        missing.browser = er.skipped = run.unavailable;
        continue;
      }
      const tag = `[${wi + 1}/${all.length}] ${w.name} ${e} run ${r + 1}/${plannedRuns(w, e)}`;
      // In-guest workloads count the time the guest measured, not the whole run's.
      const ms = w.guestSeconds && run.ok ? w.guestSeconds(run) * 1000 : run.ms;
      const error = !run.ok ? run.error : Number.isFinite(ms) ? undefined : `no in-guest time in the output: ${run.stdout.slice(-300)}`;
      if (error) {
        er.error = error;
        failures++;
        say(red(`${tag}: FAILED: ${error}`));
        continue;
      }
      // The first run's result is compared across engines; later runs must give the same bytes.
      const raw = (w.raw ?? w.result)(run);
      if (r === 0) { er.result = w.raw ? w.result(run) : raw; er.raw = raw; } else if (raw !== er.raw) {
        er.error = `run ${r + 1} gave other output than run 1`;
        failures++;
        say(red(`${tag}: MISMATCH: ${er.error}`));
      }
      er.runs.push(ms);
      if (run.stats) er.stats = run.stats; // counters of the last run
      say(`${tag}: ${(ms / 1000).toFixed(3)} s${w.guestSeconds ? ` in the guest (the whole run: ${(run.ms / 1000).toFixed(1)} s)` : ''}${run.stats ? `, ${run.stats.icount} guest insns in ${run.stats.processes} process${run.stats.processes > 1 ? 'es' : ''}` : ''}`);
    }
  }
  // Check: every engine's result equals native's, or the row's own reference's (or, without it,
  // each other's).
  const refEngine = w.reference ?? 'native';
  const ref = rec.engines[refEngine]?.result ?? Object.values(rec.engines).find((x) => x.result !== undefined)?.result;
  for (const e of engines) {
    const er = rec.engines[e];
    if (er.result === undefined || ref === undefined || (e === 'native' && refEngine !== 'native')) continue;
    er.match = er.result === ref;
    if (!er.match) {
      failures++;
      say(red(`MISMATCH: ${w.name}: ${e}'s output differs from ${rec.engines[refEngine]?.result !== undefined ? refEngine : 'the first engine'}'s:\n  ${e}: ${String(er.result).trim().slice(0, 200)}\n  ref: ${String(ref).trim().slice(0, 200)}`));
    }
  }
  // The emulators run the same binary: their raw outputs must be byte-identical too.
  const raws = ['jit', 'nocache', 'interp', 'browser', 'qemu', 'base'].map((e) => rec.engines[e]?.raw).filter((x) => x !== undefined);
  if (new Set(raws).size > 1) {
    failures++;
    say(red(`MISMATCH: ${w.name}: the emulators' outputs are not byte-identical`));
  }
  for (const e of engines) {
    const er = rec.engines[e];
    er.median = er.runs.length ? median(er.runs) : undefined;
    delete er.raw;
    if (typeof er.result === 'string' && er.result.length > 200) er.result = sha256(er.result);
  }
  results.push(rec);
}
const totalS = (performance.now() - tStart) / 1000;
const browserVersion = typeof browserEngine === 'object' ? browserEngine.version : undefined;
if (typeof browserEngine === 'object') await browserEngine.close();

// ---------------------------------------------------------------- figures
const fmt = (x, d = 2) => (x === undefined || !Number.isFinite(x) ? '' : x.toFixed(d));
const ratio = (x) => (x === undefined || !Number.isFinite(x) ? '' : x >= 100 ? `${x.toFixed(0)}x` : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`);
function rows() {
  const out = [];
  for (const rec of results) {
    const t = (e) => rec.engines[e]?.median;
    const jitIcount = rec.engines.jit?.stats?.icount ?? rec.engines.interp?.stats?.icount;
    for (const e of engines) {
      const er = rec.engines[e];
      const s = er.stats;
      const ms = er.median;
      const icount = s?.icount ?? (e === 'qemu' && er.runs.length ? jitIcount : undefined);
      const cell = {
        workload: rec.name, engine: ((rec.group === 'system' || rec.group === 'bare') && e === 'qemu' ? 'qemu-system-arm' : rec.guestArch === 'i386' && e === 'qemu' ? 'qemu-i386' : ENGINES[e].label) + (e === 'native' && rec.nativeTool ? ` (host ${rec.nativeTool})` : ''),
        runs: er.runs.length, s: ms !== undefined ? ms / 1000 : undefined,
        status: er.error ? `FAILED: ${er.error}` : er.match === false ? 'MISMATCH' : er.skipped ?? (er.runs.length ? 'ok' : ''),
        minsns: e !== 'native' && icount !== undefined ? icount / 1e6 : undefined,
        mips: e !== 'native' && icount !== undefined && ms ? icount / ms / 1000 : undefined,
        vsInterp: ms && t('interp') ? t('interp') / ms : undefined,
        vsQemu: ms && t('qemu') ? ms / t('qemu') : undefined,
        vsNative: ms && t('native') ? ms / t('native') : undefined,
        vsBase: ms && t('base') ? ms / t('base') : undefined,
        vsNode: e === 'browser' && ms && t('jit') ? ms / t('jit') : undefined,
        processes: s?.processes,
        tbs: s?.tbsTranslated,
        tbsCached: s?.tbsReused,
        insnsPerTb: s?.tbsTranslated ? s.insnsTranslated / s.tbsTranslated : undefined,
        // Per block the run had to get: translated, or taken from the translation cache.
        usPerTb: s?.tbsTranslated || s?.tbsReused ? ((s.translateMs + s.compileMs) * 1000) / (s.tbsTranslated + (s.tbsReused ?? 0)) : undefined,
        wasmPerInsn: s?.insnsCompiled ? s.wasmBytes / s.insnsCompiled : undefined,
        modules: s && e === 'jit' ? s.modules : undefined,
        flushes: s?.tbFlushes, invalidations: s?.tbInvalidations,
      };
      out.push(cell);
    }
  }
  return out;
}
const table = rows();
const COLS = [
  ['workload', 'workload', (c) => c.workload],
  ['engine', 'engine', (c) => c.engine],
  ['runs', 'runs', (c) => (c.runs ? String(c.runs) : '')],
  ['median s', 's', (c) => fmt(c.s, 3)],
  ['guest Minsns', 'minsns', (c) => fmt(c.minsns, 1)],
  ['MIPS', 'mips', (c) => fmt(c.mips, 1)],
  ['speed-up vs interp', 'vsInterp', (c) => ratio(c.vsInterp)],
  ['time / qemu', 'vsQemu', (c) => ratio(c.vsQemu)],
  ['time / native', 'vsNative', (c) => ratio(c.vsNative)],
  ...(BASELINE ? [['time / baseline', 'vsBase', (c) => ratio(c.vsBase)]] : []),
  ...(engines.includes('browser') ? [['browser / node', 'vsNode', (c) => ratio(c.vsNode)]] : []),
  ['procs', 'processes', (c) => (c.processes ? String(c.processes) : '')],
  ['TBs', 'tbs', (c) => (c.tbs !== undefined ? String(c.tbs) : '')],
  ['TBs cached', 'tbsCached', (c) => (c.tbsCached ? String(c.tbsCached) : '')],
  ['insns/TB', 'insnsPerTb', (c) => fmt(c.insnsPerTb, 1)],
  ['µs/TB', 'usPerTb', (c) => fmt(c.usPerTb, 1)],
  ['wasm B/insn', 'wasmPerInsn', (c) => fmt(c.wasmPerInsn, 1)],
  ['modules', 'modules', (c) => (c.modules !== undefined ? String(c.modules) : '')],
  ['flush/inval', 'flushes', (c) => (c.flushes !== undefined ? `${c.flushes}/${c.invalidations}` : '')],
  ['status', 'status', (c) => c.status],
];
const NUMERIC = new Set(['runs', 's', 'minsns', 'mips', 'vsInterp', 'vsQemu', 'vsNative', 'vsBase', 'vsNode', 'processes', 'tbs', 'tbsCached', 'insnsPerTb', 'usPerTb', 'wasmPerInsn', 'modules', 'flushes']);

const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Linux ${release()}, Node ${process.version}${browserVersion ? `, Chromium ${browserVersion}` : ''}${QEMU ? `, ${execFileSync(QEMU, ['--version'], { encoding: 'utf8' }).split('\n')[0]}` : ''}; load average ${loadStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`;
const notes = [
  `Medians of wall time over the runs, runs interleaved (engine after engine, run after run). ${QUICK ? '--quick: small sizes, 1 run; outputs are checked, speed means little.' : ''}`,
  'MIPS: guest instructions (dynwasm\'s exact count, summed over every emulator process of the run) per second of wall time, Node start-up included; qemu-arm\'s MIPS use the same count (the same binary and input).',
  'speed-up vs interp: interpreter time / this time. time / qemu, time / native: this time / theirs (above 1: slower).',
  'TBs, insns/TB, µs/TB (front-end + WebAssembly compilation per block, translated or taken from the translation cache), wasm B/insn (per guest instruction compiled), modules, flush/inval: the last run\'s translation counters, all processes summed. TBs cached: blocks the last run took from the persistent translation cache instead of translating them (the bench\'s own cache, empty at its start: a row\'s first run fills it). nocache: the JIT with the cache off (-accel jit,cache=off).',
  'i386-*: the row above it on the i386 builds (i686-linux-gnu-gcc -O2 -static, Debian\'s i386 busybox-static) under dynwasm-i386 and qemu-i386 (its time / qemu column: against qemu-i386); i386-float\'s output is checked against qemu-i386\'s (x87 doubles), not native\'s.',
  'native: the C benchmarks built with gcc -O2 for x86-64 from the same source; for the busybox workloads, the host\'s own tools (gzip, gunzip, sha256sum, bzip2, tar: not the same program) and for applets the same busybox version built for the host.',
  'linux-gzip, linux-sha256sum, linux-forks: the time the booted guest measured for the workload alone (/proc/uptime, 10 ms steps; dynwasm\'s guest clock is host time, as QEMU\'s without -icount), one boot per engine and run serving all three.',
  'bare-*: bare-metal programs under dynwasm-system-arm -semihosting; their time is the run loop\'s alone (-stats\' wall time: no Node start-up, no board creation), and the browser\'s is the same loop in the web page\'s Web Worker in headless Chromium (web/worker.ts, a new worker per run: no page load, no bundle compilation). browser / node: the browser\'s median / the Node JIT\'s.',
  `The interpreter runs ${INTERP_RUNS} time(s)${INTERP_ALL ? '' : ` and skips the ${MB} MB workloads (--interp-all runs them)`}.`,
];

// terminal table
function textTable() {
  const head = COLS.map(([h]) => h);
  const body = table.map((c) => COLS.map(([, , f]) => f(c)));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r) => r.map((v, i) => (NUMERIC.has(COLS[i][1]) ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
  let last;
  for (const [i, r] of body.entries()) {
    if (last !== undefined && table[i].workload !== last) out.push('');
    last = table[i].workload;
    out.push(line(r));
  }
  return out.join('\n');
}
const mdTable = () => [
  `| ${COLS.map(([h]) => h).join(' | ')} |`,
  `|${COLS.map(([, k]) => (NUMERIC.has(k) ? '---:' : '---')).join('|')}|`,
  ...table.map((c) => `| ${COLS.map(([, , f]) => f(c).replace(/\|/g, '\\|')).join(' | ')} |`),
].join('\n');

// SVG: per workload, time relative to native for each emulator, on a log scale.
function svg() {
  const bars = engines.filter((e) => e !== 'native');
  const colours = { jit: '#2b7bb9', interp: '#d95f02', browser: '#e7298a', qemu: '#1b9e77', base: '#7570b3' };
  const data = results.map((rec) => ({ name: rec.name, v: bars.map((e) => { const m = rec.engines[e]?.median, n = rec.engines.native?.median; return m && n ? m / n : undefined; }) }));
  const vals = data.flatMap((d) => d.v).filter((x) => x !== undefined);
  const lo = 0, hi = Math.max(1, Math.ceil(Math.log10(Math.max(10, ...vals))));
  const left = 110, right = 30, top = 50, barH = 12, gap = 14, width = 760;
  const groupH = bars.length * barH + gap;
  const height = top + data.length * groupH + 60;
  const x = (v) => left + ((Math.log10(Math.max(v, 1)) - lo) / (hi - lo)) * (width - left - right);
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">Wall time relative to native x86-64 (log scale; lower is faster)</text>`,
  ];
  bars.forEach((e, i) => {
    parts.push(`<rect x="${left + i * 150}" y="30" width="10" height="10" fill="${colours[e]}"/><text x="${left + i * 150 + 14}" y="39">${esc(ENGINES[e].label)}</text>`);
  });
  for (let p = lo; p <= hi; p++) {
    const gx = x(10 ** p);
    parts.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${top + data.length * groupH}" stroke="#ccc"/>`);
    parts.push(`<text x="${gx}" y="${top + data.length * groupH + 16}" text-anchor="middle">${10 ** p}x</text>`);
  }
  data.forEach((d, gi) => {
    const gy = top + gi * groupH;
    parts.push(`<text x="${left - 8}" y="${gy + (bars.length * barH) / 2 + 4}" text-anchor="end">${esc(d.name)}</text>`);
    d.v.forEach((v, bi) => {
      const y = gy + bi * barH;
      if (v === undefined) { parts.push(`<text x="${left + 4}" y="${y + barH - 3}" fill="#999" font-size="9">${esc(bars[bi])}: not run</text>`); return; }
      parts.push(`<rect x="${left}" y="${y}" width="${Math.max(1, x(v) - left)}" height="${barH - 2}" fill="${colours[bars[bi]]}"/>`);
      parts.push(`<text x="${x(v) + 4}" y="${y + barH - 3}" font-size="9">${v >= 10 ? v.toFixed(0) : v.toFixed(1)}x</text>`);
    });
  });
  parts.push(`<text x="${left}" y="${height - 12}" fill="#555" font-size="10">${esc(machine)}</text>`, '</svg>');
  return parts.join('\n');
}

const resultsDir = join(ROOT, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
const date = new Date().toISOString();
writeFileSync(join(resultsDir, 'latest.json'), JSON.stringify({
  date, machine, quick: QUICK, mb: MB, engines, interpRuns: INTERP_RUNS, interpAll: INTERP_ALL, missing, failures, totalSeconds: totalS, workloads: results, table,
}, null, 2));
writeFileSync(join(resultsDir, 'latest.md'), [
  `# dynwasm benchmarks${QUICK ? ' (--quick)' : ''}`, '', `${date}; ${machine}; ${totalS.toFixed(0)} s in all.`, '',
  ...notes.map((n) => `- ${n}`), '', mdTable(), '', '## Workloads', '',
  ...results.map((r) => `- \`${r.name}\`: ${r.desc}`), '',
  failures ? `**${failures} failure(s)**: see the status column.` : 'Every engine\'s output agreed with native\'s.', '',
  '![ratios](latest.svg)', '',
].join('\n'));
writeFileSync(join(resultsDir, 'latest.svg'), svg());

console.log(`\n${textTable()}\n`);
for (const n of notes) console.log(`- ${n}`);
if (missing.qemu && engines.includes('qemu')) console.log(`- qemu-arm: ${missing.qemu}`);
if (!QEMU_I386 && engines.includes('qemu')) console.log('- qemu-i386: not installed (apt-get install qemu-user)');
if (missing.browser && engines.includes('browser')) console.log(`- browser: ${missing.browser}`);
console.log(`\nResults: bench/results/latest.json, latest.md, latest.svg (${totalS.toFixed(0)} s in all)`);
if (failures) {
  say(red(`\nbench: ${failures} FAILURE(S): a run failed or outputs differ (see the status column)`));
  process.exit(1);
}
