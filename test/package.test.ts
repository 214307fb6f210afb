/**
 * The npm package, as a user gets it: `npm pack` (with --ignore-scripts: the tests run on the
 * dist/ that `npm run gen` built, which is what `prepack` builds), the tarball installed into
 * an empty project in a temporary directory with no repository around it, and from there the
 * three CLIs, the examples, a program importing both entry points, and a TypeScript program
 * type-checked against the package's declarations.
 */
import test from 'ava';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = process.cwd();
const BUSYBOX = join(ROOT, 'build/busybox/bin/busybox');
const NPM_ENV = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

function run(cmd: string, args: string[], cwd: string, input = ''): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'latin1', input, timeout: 120_000, env: NPM_ENV });
}

test('npm pack: the tarball installs into an empty project, and its CLIs, examples, entry points and types work', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dynwasm-pkg-'));
  const t0 = performance.now();
  // --- pack ---------------------------------------------------------------------------------
  const packJson = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', env: NPM_ENV });
  const [pack] = JSON.parse(packJson) as { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }[];
  const tgz = join(dir, pack.filename);
  t.is(pack.filename, `dynwasm-${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}.tgz`);
  t.is(statSync(tgz).size, pack.size);
  t.log(`tarball ${(pack.size / 1024).toFixed(0)} KiB, unpacked ${(pack.unpackedSize / 1024).toFixed(0)} KiB, ${pack.entryCount} files`);
  const files = pack.files.map((f) => f.path);
  for (const f of ['package.json', 'README.md', 'bin/dynwasm-arm.js', 'dist/api/index.js', 'dist/api/index.d.ts', 'dist/api/linux-user.d.ts',
    'dist/runtime/generated/arm/ops.js', 'dist/runtime/generated/i386/ops.js', 'demo/versatilepb/demo.elf', 'examples/boot-demo.mjs', 'ops/arith.ts', 'ops/arm/regs.ts']) {
    t.true(files.includes(f), `the tarball has ${f}`);
  }
  for (const f of files) t.notRegex(f, /^(test|gen|scripts|dist\/test|dist\/gen|dist\/scripts|build|bench|runtime|boards)\/|\.map$/, `the tarball has no ${f}`);
  t.true(pack.size < 2 * 2 ** 20, 'the tarball stays small');

  // --- install into an empty project ----------------------------------------------------------
  // The project denies koffi's install script as dynwasm's README says (its prebuilt binaries come as packages).
  const app = join(dir, 'app');
  execFileSync('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true, allowScripts: { koffi: false } }, null, 2));
  const inst = run('npm', ['install', '--prefer-offline', tgz], app);
  t.is(inst.status, 0, inst.stderr);
  t.notRegex(inst.stderr, /npm (warn|WARN|ERR)/, 'npm install warns about nothing');
  for (const dev of ['binaryen', 'ts-morph', 'handlebars', 'typescript']) t.false(existsSync(join(app, 'node_modules', dev)), `${dev} is not installed`);
  t.true(existsSync(join(app, 'node_modules/koffi')));
  t.log(`pack + install: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // --- the three CLIs -------------------------------------------------------------------------
  const demo = join(app, 'node_modules/dynwasm/demo/versatilepb/demo.elf');
  const sys = run('npx', ['--no-install', 'dynwasm-system-arm', '-M', 'versatilepb', '-kernel', demo, '-nographic', '-semihosting'], app);
  const ref = spawnSync('node', [join(ROOT, 'bin/dynwasm-system-arm.js'), '-M', 'versatilepb', '-kernel', join(ROOT, 'demo/versatilepb/demo.elf'), '-nographic', '-semihosting'],
    { encoding: 'latin1', input: '', timeout: 60_000 });
  t.is(sys.status, 0, sys.stderr);
  t.is(sys.stdout, ref.stdout);
  t.regex(sys.stdout, /primes: 2 3 5 7/);
  const user = run('npx', ['--no-install', 'dynwasm-arm', BUSYBOX, 'sh', '-c', 'echo hello | cat; exit 4'], app);
  t.is(user.stdout, 'hello\n', user.stderr);
  t.is(user.status, 4);
  const ops = run('npx', ['--no-install', 'dynwasm', 'ops'], app);
  t.is(ops.status, 0, ops.stderr);
  t.regex(ops.stdout, /arm/);
  const opName = /^\s*\d+\s+(\S+)/m.exec(ops.stdout.split('\n').slice(2).join('\n'))?.[1];
  t.truthy(opName, ops.stdout.slice(0, 500));
  const one = run('npx', ['--no-install', 'dynwasm', 'ops', opName!, '--json'], app);
  t.is(one.status, 0, one.stderr);
  const op = (JSON.parse(one.stdout) as { name: string; typescript: string }[])[0];
  t.is(op.name, opName!);
  t.regex(op.typescript, /^export function op_/, 'the op sources are in the package');

  // --- the examples and both entry points ------------------------------------------------------
  const ex = (name: string, ...args: string[]): SpawnSyncReturns<string> => run('node', [join(app, 'node_modules/dynwasm/examples', name), ...args], app);
  const boot = ex('boot-demo.mjs');
  t.is(boot.status, 0, boot.stderr);
  t.is(boot.stdout, ref.stdout);
  t.regex(boot.stderr, /^guest exit with status 0 after \d+ instructions\n$/);
  const bp = ex('breakpoint.mjs');
  t.is(bp.status, 0, bp.stderr);
  t.regex(bp.stdout, /^stopped: breakpoint at 0x00010e70 after \d+ instructions\n/);
  t.regex(bp.stdout, /\npc   0x00010e70\n/);
  t.regex(bp.stdout, /\nstep 1: pc 0x00010e74\nstep 2: pc 0x00010e78\nstep 3: pc 0x[0-9a-f]{8}\nthen: exit with status 0; the guest printed 1945 bytes\n$/);
  const count = ex('count-instructions.mjs');
  t.is(count.status, 0, count.stderr);
  const counts = [...count.stdout.matchAll(/^(jit|interp)\s+(\d+) instructions/gm)].map((m) => m[2]);
  t.is(counts.length, 2);
  t.is(counts[0], counts[1]);
  t.regex(count.stdout, /after 1000 instructions \(instructions\)/);
  writeFileSync(join(app, 'truncated.elf'), readFileSync(demo).subarray(0, 40));
  const bad = ex('boot-demo.mjs', join(app, 'truncated.elf'));
  t.is(bad.status, 1);
  t.regex(bad.stderr, /^boot-demo: .*\(ERR_BAD_IMAGE\)\n$/);

  writeFileSync(join(app, 'main.mjs'), `
import { createVersatilePb, ImageError } from 'dynwasm';
import { runLinuxProgram } from 'dynwasm/linux-user';
import { readFileSync } from 'node:fs';
const m = await createVersatilePb({ kernel: readFileSync(${JSON.stringify(demo)}), semihosting: true, accel: 'interp' });
let out = 0;
m.serial[0].onData((d) => { out += d.length; });
const s = await m.run();
const r = await runLinuxProgram(${JSON.stringify(BUSYBOX)}, { args: ['echo', 'from user mode'] });
let err;
try { await createVersatilePb({ kernel: new Uint8Array(0) }); } catch (e) { err = e instanceof ImageError && e.code; }
console.log(JSON.stringify({ reason: s.reason, exitCode: s.exitCode, out, user: r.stdout.toString(), status: r.exitCode, err }));
`);
  const main = run('node', ['main.mjs'], app);
  t.is(main.status, 0, main.stderr);
  t.deepEqual(JSON.parse(main.stdout), { reason: 'exit', exitCode: 0, out: ref.stdout.length, user: 'from user mode\n', status: 0, err: 'ERR_BAD_IMAGE' });

  // --- types ---------------------------------------------------------------------------------
  writeFileSync(join(app, 'typed.ts'), `
import { createVersatilePb, type StopInfo, type VersatilePbMachine, DynwasmError } from 'dynwasm';
import { runLinuxProgram, type LinuxProgramResult } from 'dynwasm/linux-user';
export async function f(kernel: Uint8Array): Promise<[StopInfo, LinuxProgramResult]> {
  const m: VersatilePbMachine = await createVersatilePb({ kernel, accel: 'jit', ram: '64M' });
  const pc: number = m.readRegister('pc');
  m.addBreakpoint(pc + 4);
  const e: DynwasmError['code'] = 'ERR_BAD_IMAGE';
  void e;
  return [await m.run({ instructions: 10 }), await runLinuxProgram('/bin/true', { args: ['x'] })];
}
// @ts-expect-error: not an accel
void createVersatilePb({ kernel: new Uint8Array(0), accel: 'fast' });
`);
  const tsc = run('node', [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--typeRoots', join(ROOT, 'node_modules/@types'), '--types', 'node', 'typed.ts'], app);
  t.is(tsc.status, 0, tsc.stdout + tsc.stderr);
  // A deep import is not part of the package's interface.
  const deep = run('node', ['--input-type=module', '-e', "await import('dynwasm/dist/runtime/exec.js')"], app);
  t.regex(deep.stderr, /ERR_PACKAGE_PATH_NOT_EXPORTED/);
  t.log(`all: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});

test('npm: the repository\'s own install leaves no install script unreviewed (allowScripts)', (t) => {
  const r = spawnSync('npm', ['install-scripts', 'ls'], { cwd: ROOT, encoding: 'utf8', env: NPM_ENV });
  t.is(r.status, 0, r.stderr);
  t.notRegex(r.stdout, /not yet covered|koffi/, r.stdout);
});
