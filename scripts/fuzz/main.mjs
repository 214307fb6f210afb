#!/usr/bin/env node
// The fuzzers (issue 16): `npm run fuzz -- [--minutes N] [--target elf|syscalls|bare|random]
// [--seed S] [--insns N] [--isa arm|thumb|i386] [--smoke]`. Without --target every target runs, the
// time shared out between them. Each failure is written, minimised, under
// build/fuzz/failures/<target>/<name>/ with replay.sh (the exact command) and README; progress
// lines come every few seconds; the exit status is 1 if anything failed.
// --smoke: CI's short run with fixed seeds, all four targets, about a minute in total.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Progress, ROOT } from './common.mjs';
import { fuzzElf } from './elf.mjs';
import { fuzzSyscalls } from './syscalls.mjs';
import { fuzzBare } from './bare.mjs';
import { fuzzRandom } from './random.mjs';

const TARGETS = ['elf', 'syscalls', 'bare', 'random'];
const USAGE = `usage: npm run fuzz -- [--minutes N] [--target ${TARGETS.join('|')}]... [--seed S]
                     [--insns N] [--isa arm|thumb|i386] [--smoke]
  --minutes N   how long to run (default 1), shared out between the targets
  --target T    one target (repeatable; default all four)
  --seed S      the PRNG seed (default random; printed)
  --insns N     random: instructions per instruction set (then --minutes does not apply)
  --isa I       random: only ARM, only Thumb or only i386
  --smoke       CI's smoke test: fixed seeds, every target, about a minute`;

let opts;
try {
  opts = parseArgs({
    options: {
      minutes: { type: 'string' }, target: { type: 'string', multiple: true }, seed: { type: 'string' },
      insns: { type: 'string' }, isa: { type: 'string' }, smoke: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (e) {
  console.error(`fuzz: ${e.message}\n${USAGE}`);
  process.exit(2);
}
if (opts.help) { console.log(USAGE); process.exit(0); }
const targets = (opts.target ?? TARGETS).flatMap((t) => t.split(','));
for (const t of targets) if (!TARGETS.includes(t)) { console.error(`fuzz: unknown target ${t}\n${USAGE}`); process.exit(2); }
if (opts.isa && !['arm', 'thumb', 'i386'].includes(opts.isa)) { console.error(`fuzz: --isa is arm, thumb or i386`); process.exit(2); }
if (!existsSync(join(ROOT, 'dist/runtime/cli/arm-linux.js'))) { console.error('fuzz: not built yet: run `npm run gen` first'); process.exit(2); }

const minutes = Number(opts.minutes ?? 1);
const seed = opts.seed !== undefined ? Number(opts.seed) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
/** --smoke: per target a fixed seed and a budget (cases, or instructions; i386 compiles every block of its streams: fewer), about a minute in all. */
const SMOKE = { elf: { seed: 1, cases: 24 }, syscalls: { seed: 1, cases: 4 }, bare: { seed: 1, cases: 6 }, random: { seed: 1, insns: { arm: 200_000, thumb: 200_000, i386: 20_000 } } };

console.log(`fuzz: ${opts.smoke ? 'smoke test' : `${minutes} min`}, targets ${targets.join(', ')}${opts.smoke ? '' : `, seed ${seed}`}`);
let failures = 0;
const t0 = Date.now();
for (const [i, target] of targets.entries()) {
  const left = t0 + minutes * 60_000 - Date.now();
  const deadline = opts.smoke ? Infinity : Date.now() + left / (targets.length - i);
  const s = opts.smoke ? SMOKE[target].seed : seed;
  const progress = new Progress(target);
  if (target !== 'random') console.log(`[${target}] seed ${s}`);
  const common = { seed: s, deadline, progress, maxCases: opts.smoke ? SMOKE[target].cases : Infinity };
  if (target === 'elf') await fuzzElf(common);
  else if (target === 'syscalls') await fuzzSyscalls(common);
  else if (target === 'bare') await fuzzBare(common);
  else await fuzzRandom({ ...common, deadline: opts.smoke ? Infinity : deadline, insns: opts.smoke ? SMOKE.random.insns : opts.insns ? Number(opts.insns) : undefined, isas: opts.isa ? [opts.isa] : ['arm', 'thumb', 'i386'] });
  progress.tick(true);
  failures += progress.failures;
}
console.log(`fuzz: done in ${((Date.now() - t0) / 1000).toFixed(0)} s, ${failures} failure${failures === 1 ? '' : 's'}${failures ? ' (build/fuzz/failures/)' : ''}`);
process.exit(failures ? 1 : 0);
