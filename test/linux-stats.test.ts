/**
 * dynwasm-arm's counters: -stats prints a summary at exit; DYNWASM_STATS_FILE makes every
 * emulator process (forked children too) append one JSON line, on exit and on death by signal,
 * without changing the guest's output, environment or exit status. npm run bench relies on it.
 */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnv, BUSYBOX, DYNWASM_ARM, ENGINES, freshDir, requireFile, runProcess } from './support/linux-run.js';

const HINT = 'run scripts/fetch-busybox.sh';

interface StatsLine { pid: number; ppid: number; end: { exitCode?: number; signal?: number }; engine: string; icount: number; tbsTranslated: number; tbsReused: number; insnsTranslated: number; execs: number }

const lines = (file: string): StatsLine[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as StatsLine) : []);

for (const engine of ENGINES) {
  test(`${engine}: DYNWASM_STATS_FILE gets one line per emulator process; the guest sees no difference`, async (t) => {
    requireFile(BUSYBOX, HINT);
    const dir = freshDir();
    const script = 'echo hello | cat; env | grep -c DYNWASM_STATS; (exit 0); exit 3';
    const plain = await runProcess(process.execPath, [DYNWASM_ARM, '-accel', engine, BUSYBOX, 'sh', '-c', script], { env: baseEnv(), cwd: dir });
    const file = 'stats.jsonl'; // relative: made absolute for the children
    const r = await runProcess(process.execPath, [DYNWASM_ARM, '-accel', engine, BUSYBOX, 'sh', '-c', script], { env: baseEnv({ DYNWASM_STATS_FILE: file }), cwd: dir });
    t.is(r.status, 3);
    t.is(r.stdout, plain.stdout);
    t.is(r.stdout, 'hello\n0\n');
    t.is(r.stderr, plain.stderr);
    const ls = lines(join(dir, file));
    t.true(ls.length >= 3, `${ls.length} lines`); // the shell, and the children of the pipeline and subshell
    const top = ls.find((l) => l.end.exitCode === 3);
    t.truthy(top);
    // Blocks come from the front end or (the plain run filled it) the translation cache.
    t.true(ls.every((l) => l.engine === engine && l.icount > 0 && l.tbsTranslated + l.tbsReused > 0 && l.insnsTranslated >= l.tbsTranslated));
    t.true(ls.filter((l) => l !== top).every((l) => l.ppid === top!.pid));
  });
}

test('a guest killed by a signal still writes its line; -stats prints the summary', async (t) => {
  requireFile(BUSYBOX, HINT);
  const dir = freshDir();
  const file = join(dir, 's.jsonl');
  // The cache off: the summary's translation lines are about blocks translated in this run.
  const r = await runProcess(process.execPath, [DYNWASM_ARM, '-stats', BUSYBOX, 'sh', '-c', 'kill -TERM $$'], { env: baseEnv({ DYNWASM_STATS_FILE: file, DYNWASM_CACHE: 'off' }), cwd: dir });
  t.is(r.signal, 'SIGTERM');
  const ls = lines(file);
  t.is(ls.length, 1);
  t.is(ls[0].end.signal, 15);
  t.regex(r.stderr, /dynwasm-arm: stats: guest instructions\s+\d+/);
  t.regex(r.stderr, /dynwasm-arm: stats: instructions\/block\s+[\d.]+ translated/);
});
