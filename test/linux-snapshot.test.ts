/**
 * The user-mode CLIs' V8 start-up snapshots (runtime/cli/snapshot.ts, bin/launch.sh): `npm run gen`
 * makes one per CLI; the bin scripts run as commands start Node from it, and forked children and
 * spares start from it, while it is fresh; a stale blob, DYNWASM_SNAPSHOT=0, $NODE_OPTIONS or a
 * V8 option make them start as before, with the same results.
 */
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshSnapshot } from '../runtime/cli/snapshot-file.js';
import { baseEnv, BUSYBOX, DYNWASM_ARM, DYNWASM_I386, BUSYBOX_I386, freshDir, requireFile, ROOT } from './support/linux-run.js';

const BLOB = join(ROOT, 'dist/runtime/cli/arm-linux.blob');
const FETCH_HINT = 'run scripts/fetch-busybox.sh';

/** A fake blob and its <blob>.json (now), with two inputs a minute older; `meta` changes the .json. */
function fakeSnapshot(meta: Record<string, unknown> = {}): { blob: string; inputs: string[] } {
  const dir = freshDir('dynwasm-snapshot-');
  const blob = join(dir, 'x.blob');
  const inputs = [join(dir, 'a.js'), join(dir, 'b.js')];
  for (const f of inputs) writeFileSync(f, '');
  writeFileSync(blob, 'blob');
  writeFileSync(`${blob}.json`, JSON.stringify({ node: process.version, execPath: process.execPath, size: 4, inputs, ...meta }));
  const past = Date.now() / 1000 - 60;
  for (const f of inputs) utimesSync(f, past, past);
  return { blob, inputs };
}

test('freshSnapshot: the blob while it is fresh; not for another Node, another size, a newer or missing input, DYNWASM_SNAPSHOT=0 or V8 options', (t) => {
  const saved = { ...process.env };
  try {
    delete process.env.DYNWASM_SNAPSHOT;
    delete process.env.NODE_OPTIONS;
    const ok = fakeSnapshot();
    t.is(freshSnapshot(ok.blob), ok.blob);
    t.is(freshSnapshot(fakeSnapshot({ node: 'v0.0.1' }).blob), undefined, 'another Node version');
    t.is(freshSnapshot(fakeSnapshot({ execPath: '/usr/local/bin/other-node' }).blob), undefined, 'another Node binary');
    t.is(freshSnapshot(fakeSnapshot({ size: 5 }).blob), undefined, 'a blob of another size (cut short)');
    const newer = fakeSnapshot();
    const future = Date.now() / 1000 + 60;
    utimesSync(newer.inputs[1], future, future);
    t.is(freshSnapshot(newer.blob), undefined, 'an input changed since');
    t.is(freshSnapshot(fakeSnapshot({ inputs: [join(ROOT, 'no-such-file.js')] }).blob), undefined, 'an input is gone');
    t.is(freshSnapshot(join(freshDir('dynwasm-snapshot-'), 'none.blob')), undefined, 'no blob');
    process.env.DYNWASM_SNAPSHOT = '0';
    t.is(freshSnapshot(ok.blob), undefined, 'DYNWASM_SNAPSHOT=0');
    delete process.env.DYNWASM_SNAPSHOT;
    process.env.NODE_OPTIONS = '--max-old-space-size=4000';
    t.is(freshSnapshot(ok.blob), undefined, 'a V8 option in NODE_OPTIONS (Node would refuse the blob)');
    process.env.NODE_OPTIONS = '--no-warnings';
    t.is(freshSnapshot(ok.blob), ok.blob, 'a Node option that snapshots take');
  } finally {
    process.env = saved;
  }
});

test('bin/launch.sh: starts the snapshot only while it is fresh, for the node on PATH that made it, without NODE_OPTIONS or DYNWASM_SNAPSHOT=0', (t) => {
  const dir = freshDir('dynwasm-launch-');
  for (const d of ['bin', 'dist/runtime/cli', 'fakebin']) mkdirSync(join(dir, d), { recursive: true });
  const fakeNode = join(dir, 'fakebin/node');
  writeFileSync(fakeNode, '#!/bin/sh\necho "snapshot: $*"\n');
  chmodSync(fakeNode, 0o755);
  const input = join(dir, "dist/runtime/cli/it's.js");
  writeFileSync(input, '');
  const blob = join(dir, 'dist/runtime/cli/arm-linux.blob');
  writeFileSync(blob, 'blob');
  writeFileSync(`${blob}.sh`, `snapshot_node='${fakeNode}'\nsnapshot_inputs='${input.replaceAll("'", "'\\''")}\n${input.replaceAll("'", "'\\''")}'\n`);
  const past = Date.now() / 1000 - 60;
  for (const f of [fakeNode, input, blob]) utimesSync(f, past, past);
  const script = readFileSync(join(ROOT, 'bin/launch.sh'), 'utf8');
  writeFileSync(join(dir, 'bin/launch.sh'), script);
  const run = (env: Record<string, string> = {}): string => spawnSync('sh', ['-c', `p="${dir}/bin/x.js"; cli=arm-linux; . "${dir}/bin/launch.sh"; echo "as JavaScript: $*"`, 'x', '-accel', 'jit', 'prog'], {
    encoding: 'utf8', env: { PATH: `${join(dir, 'fakebin')}:/usr/bin:/bin`, ...env },
  }).stdout.trim();
  t.is(run(), `snapshot: --snapshot-blob ${dir}/bin/../dist/runtime/cli/arm-linux.blob -- -accel jit prog`);
  t.is(run({ DYNWASM_SNAPSHOT: '0' }), 'as JavaScript: -accel jit prog');
  t.is(run({ NODE_OPTIONS: '--stack-size=2000' }), 'as JavaScript: -accel jit prog');
  t.is(run({ PATH: '/usr/bin:/bin' }), 'as JavaScript: -accel jit prog', 'another node on PATH');
  const future = Date.now() / 1000 + 60;
  utimesSync(input, future, future);
  t.is(run(), 'as JavaScript: -accel jit prog', 'an input changed since');
  utimesSync(input, past, past);
  utimesSync(fakeNode, future, future);
  t.is(run(), 'as JavaScript: -accel jit prog', 'the node binary changed since');
});

/** The command lines of `pid` and of its descendants that are emulators (`pid`'s first), polled while it runs. */
async function emulatorCommandLines(pid: number, until: Promise<unknown>): Promise<string[][]> {
  const seen = new Map<number, string[]>();
  let done = false;
  void until.then(() => { done = true; });
  while (!done) {
    const ppid = new Map<number, number>();
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try { ppid.set(Number(d), Number(readFileSync(`/proc/${d}/stat`, 'latin1').replace(/^.*\) /s, '').split(' ')[1])); } catch { /* gone */ }
    }
    const ours = (p: number): boolean => { for (let q = p, n = 0; q > 1 && n < 50; q = ppid.get(q) ?? 0, n++) if (q === pid) return true; return false; };
    for (const p of ppid.keys()) {
      if (seen.has(p) || !ours(p)) continue;
      try {
        const argv = readFileSync(`/proc/${p}/cmdline`, 'latin1').split('\0');
        if (argv.some((a) => a.includes('node'))) seen.set(p, argv);
      } catch { /* gone */ }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const top = seen.get(pid);
  seen.delete(pid);
  return [...(top ? [top] : []), ...seen.values()];
}

/** Run `cmd args` (a shell running a 2 s sleep in a child), and the emulators' command lines seen meanwhile. */
async function watch(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; argvs: string[][] }> {
  const child = spawn(cmd, args, { cwd: freshDir(), env, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  const end = new Promise<number | null>((resolve) => child.on('exit', (s) => resolve(s)));
  const argvs = await emulatorCommandLines(child.pid!, end);
  return { status: await end, stdout, argvs };
}

const SCRIPT = (bb: string): string[] => [bb, 'sh', '-c', `${bb} sleep 2; echo "$(${bb} echo forked)"`];
const fromSnapshot = (argv: string[]): boolean => argv.includes('--snapshot-blob');

test('a CLI run as a command starts from its snapshot, and so do its forked children and spares', async (t) => {
  requireFile(BUSYBOX, FETCH_HINT);
  t.true(existsSync(BLOB) && existsSync(`${BLOB}.json`) && existsSync(`${BLOB}.sh`), 'npm run gen made the snapshot');
  const r = await watch(DYNWASM_ARM, SCRIPT(BUSYBOX), baseEnv());
  t.is(r.status, 0);
  t.is(r.stdout, 'forked\n');
  t.true(r.argvs.length >= 3, `the emulator, a child and a spare: ${JSON.stringify(r.argvs)}`);
  t.true(r.argvs.every(fromSnapshot), JSON.stringify(r.argvs));
  t.true(r.argvs.some((a) => a.includes('--fork-child')) && r.argvs.some((a) => a.includes('--fork-spare')));
});

test('node bin/dynwasm-arm.js runs the script, and its children start from the snapshot', async (t) => {
  requireFile(BUSYBOX, FETCH_HINT);
  const r = await watch(process.execPath, [DYNWASM_ARM, ...SCRIPT(BUSYBOX)], baseEnv());
  t.is(r.status, 0);
  t.is(r.stdout, 'forked\n');
  const [top, ...children] = r.argvs;
  t.true(top.includes(DYNWASM_ARM) && !fromSnapshot(top), JSON.stringify(top));
  t.true(children.length >= 2 && children.every(fromSnapshot), JSON.stringify(children));
});

test('DYNWASM_SNAPSHOT=0, or a V8 option (which Node would refuse a snapshot with), start every emulator from the script, with the same results', async (t) => {
  requireFile(BUSYBOX, FETCH_HINT);
  for (const [cmd, args, env] of [
    [DYNWASM_ARM, SCRIPT(BUSYBOX), baseEnv({ DYNWASM_SNAPSHOT: '0' })],
    [process.execPath, ['--stack-size=2000', DYNWASM_ARM, ...SCRIPT(BUSYBOX)], baseEnv()],
    [DYNWASM_ARM, SCRIPT(BUSYBOX), baseEnv({ NODE_OPTIONS: '--max-semi-space-size=16' })],
  ] as const) {
    const r = await watch(cmd, [...args], env);
    t.is(r.status, 0);
    t.is(r.stdout, 'forked\n');
    t.true(r.argvs.length >= 3 && !r.argvs.some(fromSnapshot), JSON.stringify(r.argvs));
  }
});

test('dynwasm-i386 starts from its own snapshot', async (t) => {
  requireFile(BUSYBOX_I386, FETCH_HINT);
  const r = await watch(DYNWASM_I386, SCRIPT(BUSYBOX_I386), baseEnv());
  t.is(r.status, 0);
  t.is(r.stdout, 'forked\n');
  t.true(r.argvs.length >= 3 && r.argvs.every((a) => a.some((x) => x.endsWith('dist/runtime/cli/i386-linux.blob'))), JSON.stringify(r.argvs));
});
