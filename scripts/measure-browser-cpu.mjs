#!/usr/bin/env node
// The CPU time (not wall time) that the bare-metal programs cost under dynwasm-system-arm -accel jit
// in Node (one process per run, user + system time of the whole process from /usr/bin/time) and
// in the web page's worker in headless Chromium (the renderer processes' CPU time from /proc
// across one run), interleaved, medians. Each figure less the same engine's figure for
// hello-arm.elf (14 thousand guest instructions) is the run's own cost without the fixed ones
// (Node start-up and module loading; the worker's bundle and board creation), which wall time
// on a loaded machine cannot give: docs/performance.md, "The browser's worker against Node".
//
//   node scripts/measure-browser-cpu.mjs [--runs N] [--node PATH]... [ELF names in test/arm-programs/build]
// --node adds a Node binary (e.g. a newer one); the Node that runs this script is always measured.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowserEngine } from './lib/web-bench.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let runs = 5;
const nodes = [process.execPath];
const progs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--node') nodes.push(args[++i]);
  else progs.push(args[i]);
}
if (!progs.length) progs.push('compute.elf', 'sort-arm.elf', 'int64-arm.elf');
progs.unshift('hello-arm.elf');
for (const p of progs) if (!existsSync(join(ROOT, 'test/arm-programs/build', p))) { console.error(`measure-browser-cpu: no test/arm-programs/build/${p} (scripts/build-arm-programs.sh)`); process.exit(2); }
const chromium = ['/usr/bin/chromium', '/usr/local/bin/chromium'].find(existsSync);
if (!chromium || !existsSync('/usr/bin/time')) { console.error('measure-browser-cpu: needs chromium and /usr/bin/time (apt-get install chromium time)'); process.exit(2); }

const version = (bin) => spawnSync(bin, ['-p', 'process.version + " (V8 " + process.versions.v8 + ")"'], { encoding: 'utf8' }).stdout.trim();
const renderers = () => readdirSync('/proc').filter((x) => /^\d+$/.test(x)).filter((p) => {
  try { const c = readFileSync(`/proc/${p}/cmdline`, 'utf8'); return c.includes('chromium') && c.includes('--type=renderer'); } catch { return false; }
});
/** utime + stime of these processes, in seconds (clock ticks of 10 ms). */
const cpuOf = (pids) => pids.reduce((s, p) => {
  try { const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' '); return s + (Number(f[11]) + Number(f[12])) / 100; } catch { return s; }
}, 0);
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length & 1 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

const b = await startBrowserEngine(ROOT, chromium);
const engines = [...nodes.map((n) => `Node ${version(n)}`), `Chromium ${b.version}`];
const cpu = {};
const load0 = loadavg()[0];
for (let r = 0; r < runs; r++) {
  for (const prog of progs) {
    const kernel = join(ROOT, 'test/arm-programs/build', prog);
    nodes.forEach((bin, i) => {
      const x = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', bin, join(ROOT, 'bin/dynwasm-system-arm.js'), '-M', 'versatilepb', '-semihosting', '-kernel', kernel], { encoding: 'utf8' });
      const m = /CPU ([0-9.]+) ([0-9.]+)/.exec(x.stderr);
      if (x.status !== 0 || !m) { console.error(`measure-browser-cpu: ${prog} under ${engines[i]} failed: ${x.stderr.trim().split('\n').pop()}`); process.exit(1); }
      (cpu[`${prog} ${i}`] ??= []).push(Number(m[1]) + Number(m[2]));
    });
    const pids = renderers(), c0 = cpuOf(pids);
    const br = await b.run(readFileSync(kernel), prog, 'jit');
    if (!br.ok) { console.error(`measure-browser-cpu: ${prog} in Chromium failed: ${br.error}`); process.exit(1); }
    (cpu[`${prog} ${nodes.length}`] ??= []).push(cpuOf(pids) - c0);
  }
}
await b.close();
console.log(`CPU seconds, medians of ${runs} interleaved runs; load average ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`);
console.log(`program         ${engines.map((e) => e.padEnd(42)).join('')}`);
for (const prog of progs) {
  const cells = engines.map((_, i) => {
    const m = median(cpu[`${prog} ${i}`]), own = m - median(cpu[`hello-arm.elf ${i}`]);
    return `${m.toFixed(2)}${prog === 'hello-arm.elf' ? '' : ` (run ${own.toFixed(2)})`}`.padEnd(42);
  });
  console.log(`${prog.padEnd(16)}${cells.join('')}`);
}
const last = nodes.length;
for (const prog of progs.slice(1)) {
  const own = (i) => median(cpu[`${prog} ${i}`]) - median(cpu[`hello-arm.elf ${i}`]);
  console.log(`${prog}: browser / node CPU of the run: ${nodes.map((_, i) => `${(own(last) / own(i)).toFixed(2)} (${engines[i].split(' (')[0]})`).join(', ')}`);
}
