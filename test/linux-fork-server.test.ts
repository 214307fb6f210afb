/**
 * The fork server (runtime/linux-user/fork-server.ts): every fork but a process's first is
 * handed to a spare emulator started ahead; DYNWASM_FORK_SERVER=0 turns it off. The children
 * must be what a kernel's fork makes (test/linux-programs/forks.c, against its native run),
 * and no spare may outlive its parent or be seen by the guest. Both engines.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseEnv, BUSYBOX, DYNWASM_ARM, ENGINES, freshDir, NATIVE_BUSYBOX, PROGRAMS_DIR, requireFile, runProcess, runUnder,
} from './support/linux-run.js';

const FORKS_HINT = 'run scripts/build-linux-programs.sh forks';
const BUSYBOX_HINT = 'run scripts/fetch-busybox.sh';
const ARM_FORKS = join(PROGRAMS_DIR, 'arm', 'forks');
const NATIVE_FORKS = join(PROGRAMS_DIR, 'native', 'forks');

/** DYNWASM_FORK_TIMING's lines: `[fork parent->child: … hand-over to the spare|spawn …]`. */
function forkLines(stderr: string): { parent: number; child: number; spare: boolean }[] {
  return [...stderr.matchAll(/^\[fork (\d+)->(\d+): .*?(hand-over to the spare|spawn) /gm)]
    .map((m) => ({ parent: Number(m[1]), child: Number(m[2]), spare: m[3] !== 'spawn' }));
}

/** The spares (`--fork-spare <fd> <parent pid>`) whose parent is one of `parents`. */
function sparesOf(parents: Set<number>): number[] {
  const found: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let argv: string[];
    try { argv = readFileSync(`/proc/${d}/cmdline`, 'latin1').split('\0'); } catch { continue; } // gone meanwhile
    const at = argv.indexOf('--fork-spare');
    if (at >= 0 && parents.has(Number(argv[at + 2]))) found.push(Number(d));
  }
  return found;
}

/** The spares of `parents` still there after `ms` (a spare still starting when its parent ends needs its Node start-up, seconds under load, to notice). */
async function noSpareLeft(parents: Set<number>, ms = 20_000): Promise<number[]> {
  const until = Date.now() + ms;
  let left = sparesOf(parents);
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    left = sparesOf(parents);
  }
  return left;
}

let nativeForks: Promise<string> | undefined;
const nativeOutput = (): Promise<string> => (nativeForks ??= runUnder('native', NATIVE_FORKS).then((o) => o.stdout));

for (const engine of ENGINES) {
  test(`${engine}: forks.c's children come from spares (all but each process's first fork) and match native`, async (t) => {
    requireFile(ARM_FORKS, FORKS_HINT);
    requireFile(NATIVE_FORKS, FORKS_HINT);
    const r = await runProcess(process.execPath, [DYNWASM_ARM, '-accel', engine, ARM_FORKS], { env: baseEnv({ DYNWASM_FORK_TIMING: '1' }) });
    t.is(r.status, 0, r.stderr.slice(-2000));
    t.is(r.stdout, await nativeOutput());
    const forks = forkLines(r.stderr);
    const parents = new Set(forks.map((f) => f.parent));
    t.is(parents.size, 2, 'the program and its nested child fork'); // see forks.c
    for (const p of parents) {
      const mine = forks.filter((f) => f.parent === p);
      t.false(mine[0].spare, `${p}'s first fork has no spare yet`);
      t.true(mine.slice(1).every((f) => f.spare), `${p}'s later forks are handed to spares`);
    }
    t.true(forks.length >= 20, `${forks.length} forks`);
    t.deepEqual(await noSpareLeft(parents), [], 'no spare outlives its parent');
  });

  test(`${engine}: DYNWASM_FORK_SERVER=0 starts every child afresh, with the same results`, async (t) => {
    requireFile(ARM_FORKS, FORKS_HINT);
    requireFile(NATIVE_FORKS, FORKS_HINT);
    const r = await runProcess(process.execPath, [DYNWASM_ARM, '-accel', engine, ARM_FORKS], { env: baseEnv({ DYNWASM_FORK_TIMING: '1', DYNWASM_FORK_SERVER: '0' }) });
    t.is(r.status, 0, r.stderr.slice(-2000));
    t.is(r.stdout, await nativeOutput());
    const forks = forkLines(r.stderr);
    t.true(forks.length >= 20, `${forks.length} forks`);
    t.true(forks.every((f) => !f.spare));
  });

  test(`${engine}: SIGINT to the process group leaves the idle spare alive and the shell's trap runs`, async (t) => {
    requireFile(BUSYBOX, BUSYBOX_HINT);
    requireFile(NATIVE_BUSYBOX, BUSYBOX_HINT);
    // `kill -INT 0` reaches the spare too (it shares the shell's process group).
    const script = 'trap "echo int" INT; x=$(echo a); kill -INT 0; y=$(echo b); z=$(echo c); echo $x$y$z';
    const native = await runProcess(NATIVE_BUSYBOX, ['sh', '-c', script]);
    const r = await runProcess(process.execPath, [DYNWASM_ARM, '-accel', engine, BUSYBOX, 'sh', '-c', script], { env: baseEnv({ DYNWASM_FORK_TIMING: '1' }) });
    t.is(native.stdout, 'int\nabc\n');
    t.is(r.stdout, native.stdout);
    t.is(r.status, 0);
    const forks = forkLines(r.stderr);
    t.deepEqual(forks.map((f) => f.spare), [false, true, true], 'the spare that took SIGINT served the next fork');
  });
}

test('a parent that ends before using its spare leaves no process behind', async (t) => {
  requireFile(BUSYBOX, BUSYBOX_HINT);
  // The shell forks once (a spare is started then) and waits on stdin; the spare must be
  // seen while it waits, and gone once the shell has ended.
  const child = spawn(process.execPath, [DYNWASM_ARM, BUSYBOX, 'sh', '-c', 'x=$(echo a); read line; echo $x$line'], {
    cwd: freshDir(), env: baseEnv(), stdio: ['pipe', 'pipe', 'inherit'],
  });
  const parents = new Set([child.pid!]);
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const ended = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let seen: number[] = [];
  for (let i = 0; i < 300 && !seen.length; i++) {
    await new Promise((r) => setTimeout(r, 100));
    seen = sparesOf(parents);
  }
  t.is(seen.length, 1, 'the spare was started');
  child.stdin.end('b\n');
  t.is(await ended, 0);
  t.is(out, 'ab\n');
  t.deepEqual(await noSpareLeft(parents), []);
});

test('a parent killed by SIGKILL takes its idle spare with it', async (t) => {
  requireFile(BUSYBOX, BUSYBOX_HINT);
  const child = spawn(process.execPath, [DYNWASM_ARM, BUSYBOX, 'sh', '-c', 'x=$(echo a); read line'], {
    cwd: freshDir(), env: baseEnv(), stdio: ['pipe', 'ignore', 'inherit'],
  });
  const parents = new Set([child.pid!]);
  const ended = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  let seen: number[] = [];
  for (let i = 0; i < 300 && !seen.length; i++) {
    await new Promise((r) => setTimeout(r, 100));
    seen = sparesOf(parents);
  }
  t.is(seen.length, 1, 'the spare was started');
  child.kill('SIGKILL');
  t.is(await ended, 'SIGKILL');
  t.deepEqual(await noSpareLeft(parents), []);
});
