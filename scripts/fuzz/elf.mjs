// `--target elf`: ELF mutants of the project's built programs for dynwasm-arm and
// dynwasm-system-arm. Header, program-header and section-header fields get extreme or random
// values, files are truncated, a PT_INTERP is made bad. Expected: a clean one-line error and
// exit 1/126/127, or a normal run — never a stack trace, a host crash or a hang qemu does not
// have; a mutant that runs must give the same stdout and exit status in both engines.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, SYSTEM, USER, engineDifference, ending, hostFailure, mulberry32, q, rel, run, writeFailure } from './common.mjs';

const SYSROOT = '/usr/arm-linux-gnueabi';
/** The corpus: deterministic programs of the test suites (built by `npm test`'s build steps). */
const USER_SEEDS = ['hello', 'args', 'errors', 'edges', 'isolation', 'crash', 'dirs', 'files'].map((n) => `build/linux-programs/arm/${n}`);
const DYNAMIC_SEEDS = ['hello', 'args'].map((n) => `build/linux-programs/arm-dynamic/${n}`);
const SYSTEM_SEEDS = ['hello-arm', 'hello-thumb', 'exceptions', 'dp', 'cp15', 'mmu', 'uart-arm', 'thumb1'].map((n) => `test/arm-programs/build/${n}.elf`);
const TIMEOUT_MS = 8000;
const LONG_TIMEOUT_MS = 8 * TIMEOUT_MS;
const stats = { rejected: 0 };

export function corpus() {
  const all = [
    ...USER_SEEDS.map((p) => ({ path: p, system: false, dynamic: false })),
    ...DYNAMIC_SEEDS.map((p) => ({ path: p, system: false, dynamic: true })),
    ...SYSTEM_SEEDS.map((p) => ({ path: p, system: true, dynamic: false })),
  ].filter((s) => existsSync(join(ROOT, s.path)));
  if (all.length === 0) throw new Error('no ELF corpus: build the test programs first (npm run build:linux-programs, npm run build:arm-programs)');
  return all.map((s) => ({ ...s, bytes: new Uint8Array(readFileSync(join(ROOT, s.path))) }));
}

const EHDR_FIELDS = [ // [offset, size]
  [4, 1], [5, 1], [6, 1], [7, 1], [16, 2], [18, 2], [20, 4], [24, 4], [28, 4], [32, 4], [36, 4],
  [40, 2], [42, 2], [44, 2], [46, 2], [48, 2], [50, 2],
];
const PHDR_FIELDS = [[0, 4], [4, 4], [8, 4], [12, 4], [16, 4], [20, 4], [24, 4], [28, 4]];
const SHDR_FIELDS = [[0, 4], [4, 4], [8, 4], [12, 4], [16, 4], [20, 4], [24, 4], [28, 4], [32, 4], [36, 4]];
const BAD_INTERPS = ['/nonexistent/ld-linux.so.3', '', '/tmp', '/proc/self/exe', '/bin/sh', '/dev/zero', 'lib/ld-linux.so.3', '/lib/ld-linux.so.3/x', `/${'a'.repeat(5000)}`];

function u(b, off, size) {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (off + size > b.length) return 0;
  return size === 1 ? v.getUint8(off) : size === 2 ? v.getUint16(off, true) : v.getUint32(off, true);
}

function value(rnd, old, size, fileSize) {
  const max = size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
  const c = [0, 1, 2, max, max >>> 1, (max >>> 1) + 1, old + 1, old - 1, old ^ (1 << (rnd() % (8 * size))),
    fileSize, fileSize - 1, fileSize + 1, 0x1000, 0xfff, 0x10000, 0xbf000000, 0xbefff000, 0xff000000, 0xffff0000,
    0xffff8000, 0xfffff000, old * 2, old + 0x1000, rnd(), rnd() % 64, 32, 52, 56, 40];
  return (c[rnd() % c.length] >>> 0) & max;
}

function patch(off, size, v) {
  const bytes = [];
  for (let i = 0; i < size; i++) bytes.push((v >>> (8 * i)) & 0xff);
  return { off, bytes };
}

/** One random mutation of `b` (the seed, after the mutations so far): a patch or a truncation. */
function mutation(rnd, b) {
  const phoff = u(b, 28, 4), phent = u(b, 42, 2) || 32, phnum = u(b, 44, 2);
  const shoff = u(b, 32, 4), shent = u(b, 46, 2) || 40, shnum = u(b, 48, 2);
  const k = rnd() % 20;
  if (k < 4) {
    const [off, size] = EHDR_FIELDS[rnd() % EHDR_FIELDS.length];
    return { what: `e_hdr+${off}`, ...patch(off, size, value(rnd, u(b, off, size), size, b.length)) };
  }
  if (k < 11 && phnum) {
    const i = rnd() % phnum;
    const [f, size] = PHDR_FIELDS[rnd() % PHDR_FIELDS.length];
    const off = phoff + i * phent + f;
    if (off + size <= b.length) return { what: `phdr[${i}]+${f}`, ...patch(off, size, value(rnd, u(b, off, size), size, b.length)) };
  }
  if (k < 14 && shnum) {
    const i = rnd() % shnum;
    const [f, size] = SHDR_FIELDS[rnd() % SHDR_FIELDS.length];
    const off = shoff + i * shent + f;
    if (off + size <= b.length) return { what: `shdr[${i}]+${f}`, ...patch(off, size, value(rnd, u(b, off, size), size, b.length)) };
  }
  if (k < 16) {
    const cuts = [0, 1, 4, 16, 51, 52, 53, phoff, phoff + 10, phoff + phent * phnum - 1, shoff, b.length - 1, b.length >>> 1, rnd() % b.length];
    return { what: 'truncate', truncate: Math.min(b.length, cuts[rnd() % cuts.length] >>> 0) };
  }
  if (k < 18 && phnum) {
    // A bad PT_INTERP: the existing one's string replaced, or another header made one.
    let interp = -1;
    for (let i = 0; i < phnum; i++) if (u(b, phoff + i * phent, 4) === 3) interp = i;
    if (interp >= 0 && rnd() % 2) {
      const h = phoff + interp * phent, off = u(b, h + 4, 4), len = u(b, h + 16, 4);
      const s = BAD_INTERPS[rnd() % BAD_INTERPS.length];
      const bytes = [...Buffer.from(s, 'latin1'), 0].slice(0, rnd() % 4 === 0 ? undefined : Math.max(len, 1));
      if (rnd() % 4 === 0) bytes.pop(); // not NUL-terminated
      if (off < b.length) return { what: `interp "${s.slice(0, 40)}"`, off, bytes: bytes.slice(0, b.length - off) };
    }
    const i = interp >= 0 ? interp : rnd() % phnum;
    const h = phoff + i * phent;
    if (h + 20 <= b.length) {
      const off = rnd() % 2 ? u(b, h + 4, 4) : value(rnd, 0, 4, b.length);
      const len = value(rnd, 20, 4, b.length);
      return { what: `phdr[${i}] PT_INTERP at ${off} size ${len}`, off: h, bytes: [3, 0, 0, 0, ...patch(0, 4, off).bytes, 0, 0, 0, 0, 0, 0, 0, 0, ...patch(0, 4, len).bytes] };
    }
  }
  // Random bytes anywhere in the first 4 KiB (headers) or the file.
  const off = rnd() % 2 ? rnd() % Math.min(b.length, 4096) : rnd() % b.length;
  return { what: `byte ${off}`, off, bytes: [rnd() & 0xff] };
}

export function apply(seed, muts) {
  let b = new Uint8Array(seed);
  for (const m of muts) {
    if (m.truncate !== undefined) b = b.slice(0, m.truncate);
    else for (let i = 0; i < m.bytes.length && m.off + i < b.length; i++) b[m.off + i] = m.bytes[i];
  }
  return b;
}

function commands(seed, file, engine) {
  if (seed.system) return { cmd: process.execPath, args: [SYSTEM, '-M', 'versatilepb', '-kernel', file, '-nographic', '-semihosting', '-accel', engine] };
  return { cmd: process.execPath, args: [USER, ...(seed.dynamic ? ['-L', SYSROOT] : []), '-accel', engine, file] };
}

function qemuCommand(seed, file) {
  if (seed.system) return { cmd: 'qemu-system-arm', args: ['-M', 'versatilepb', '-kernel', file, '-nographic', '-semihosting', '-monitor', 'none', '-serial', 'stdio'] };
  return { cmd: 'qemu-arm', args: [...(seed.dynamic ? ['-L', SYSROOT] : []), file] };
}

/** Run in a fresh directory of its own: the programs create files where they run. */
async function runFresh(cmd, args, work, timeoutMs) {
  const cwd = mkdtempSync(join(work, 'run-'));
  try {
    return await run(cmd, args, { cwd, timeoutMs });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** Run one mutant; return undefined or a failure description {kind, message}. */
async function check(seed, bytes, work) {
  const file = join(work, 'mutant.elf');
  writeFileSync(file, bytes, { mode: 0o755 });
  const c = commands(seed, file, 'jit');
  let limit = TIMEOUT_MS;
  let jit = await runFresh(c.cmd, c.args, work, limit);
  if (jit.timedOut) {
    const qc = qemuCommand(seed, file);
    const ref = await runFresh(qc.cmd, qc.args, work, TIMEOUT_MS);
    if (ref.timedOut) return undefined;
    // Slow is not hung: on a loaded machine a long program can pass the timeout (dp.elf took
    // 7 s of wall time for 1.8 s of CPU), so give it much longer before calling it a hang.
    limit = LONG_TIMEOUT_MS;
    jit = await runFresh(c.cmd, c.args, work, limit);
    if (jit.timedOut) return { kind: 'hang', message: `JIT hangs (${limit} ms) where qemu ends: ${ending(ref)}` };
  }
  let bad = hostFailure(jit);
  if (bad) return { kind: bad, message: `${bad} (JIT, ${ending(jit)}): ${jit.stderr.trim().split('\n').slice(0, 6).join(' | ')}` };
  const loaderError = !jit.timedOut && jit.stdout === '' && [1, 126, 127].includes(jit.status);
  if (loaderError && jit.stderr.trim().split('\n').length > 1 && !/uncaught target signal/.test(jit.stderr)) {
    return { kind: 'multi-line error', message: `error of ${jit.stderr.trim().split('\n').length} lines, ${ending(jit)}: ${jit.stderr.slice(0, 300)}` };
  }
  if (loaderError) { stats.rejected++; return undefined; }
  const ci = commands(seed, file, 'interp');
  const interp = await runFresh(ci.cmd, ci.args, work, limit * 3);
  bad = hostFailure(interp);
  if (bad) return { kind: bad, message: `${bad} (interpreter, ${ending(interp)}): ${interp.stderr.trim().split('\n').slice(0, 6).join(' | ')}` };
  if (interp.timedOut) return { kind: 'hang', message: `the interpreter hangs (${limit * 3} ms) where the JIT ends: ${ending(jit)}` };
  const diff = engineDifference(jit, interp, { stderr: seed.system });
  if (diff) return { kind: 'engine difference', message: diff };
  return undefined;
}

export async function fuzzElf({ seed, deadline, progress, maxCases = Infinity }) {
  const seeds = corpus();
  const rnd = mulberry32(seed);
  const work = mkdtempSync(join(tmpdir(), 'dynwasm-fuzz-elf-'));
  stats.rejected = 0;
  progress.extra = () => `${stats.rejected} rejected cleanly by the loader`;
  try {
    while (Date.now() < deadline && progress.cases < maxCases) {
      const s = seeds[rnd() % seeds.length];
      const muts = [];
      let b = s.bytes;
      const n = 1 + (rnd() % 3);
      for (let i = 0; i < n; i++) { const m = mutation(rnd, b); muts.push(m); b = apply(b, [m]); }
      const f = await check(s, b, work);
      progress.cases++;
      if (!f) { progress.tick(); continue; }
      // Minimise: drop every mutation the failure does not need.
      let keep = muts;
      for (let i = keep.length - 1; i >= 0 && keep.length > 1; i--) {
        const fewer = keep.filter((_, j) => j !== i);
        const g = await check(s, apply(s.bytes, fewer), work);
        if (g && g.kind === f.kind) keep = fewer;
      }
      const minimal = apply(s.bytes, keep);
      const final = (await check(s, minimal, work)) ?? f;
      const name = `${s.path.split('/').pop()}-${seed}-${progress.cases}`;
      const dir = join('build/fuzz/failures/elf', name);
      const c = commands(s, join(dir, 'mutant.elf'), 'jit');
      const replay = [c.cmd === process.execPath ? 'node' : c.cmd, ...c.args.map((a) => (a.startsWith(ROOT) ? rel(a) : a))].map(q).join(' ');
      const out = writeFailure('elf', name, {
        files: { 'mutant.elf': minimal },
        replay,
        what: `${s.system ? 'dynwasm-system-arm' : 'dynwasm-arm'}: ${final.message}`,
        details: `seed program: ${s.path}\nmutations:\n${keep.map((m) => `  ${m.what}: ${m.truncate !== undefined ? `truncate to ${m.truncate}` : `${m.bytes.length} bytes at ${m.off}: ${Buffer.from(m.bytes).toString('hex').slice(0, 64)}`}`).join('\n')}\nfuzzer: npm run fuzz -- --target elf --seed ${seed}`,
      });
      progress.fail(final.message, out);
      progress.tick();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
