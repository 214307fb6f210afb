#!/usr/bin/env node
// Runs bare-metal programs under dynwasm-system-arm in each engine configuration, interleaved,
// ROUNDS times, and prints a Markdown table of medians from `-stats` (guest instructions, wall
// time, MIPS, blocks translated and µs per block). A measurement aid until the benchmark
// harness exists; docs/performance.md quotes its output.
// Usage: node scripts/measure-system.mjs [rounds] [elf...]   (after npm test has built things)
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';

const args = process.argv.slice(2);
const ROUNDS = Number(args[0] ?? 5);
const programs = args.length > 1 ? args.slice(1) : ['sort-arm', 'sieve-arm', 'dp', 'crc32-arm', 'manyfuncs-arm', 'int64-thumb']
  .map((p) => `test/arm-programs/build/${p}.elf`).concat(['demo/versatilepb/demo.elf']);
const CONFIGS = [['interp', 'interp'], ['jit, no chaining, no tiers', 'jit,chain=off,hot=0'], ['jit, no tiers', 'jit,hot=0'], ['jit', 'jit']];

function stats(elf, accel) {
  const r = spawnSync(process.execPath, ['bin/dynwasm-system-arm.js', '-M', 'versatilepb', '-nographic', '-semihosting',
    '-kernel', elf, '-accel', accel, '-stats'], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const get = (name) => { const m = new RegExp(`stats: ${name}\\s+([0-9.]+)`).exec(r.stderr); return m ? Number(m[1]) : NaN; };
  const us = /blocks translated\s+\d+ \(([0-9.]+) µs each\)/.exec(r.stderr);
  const withCompile = /translation\s+\d+ blocks\/s, ([0-9.]+) µs per block/.exec(r.stderr);
  return { insns: get('guest instructions'), tbs: get('blocks translated'), wall: get('wall time'), mips: get('guest MIPS'),
    us: us ? Number(us[1]) : NaN, usAll: withCompile ? Number(withCompile[1]) : NaN };
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];

console.log(`| program | guest insns | blocks translated | engine | wall s | guest MIPS | µs per block: front-end | µs per block: with compilation | MIPS vs interp |`);
console.log('|---|---:|---:|---|---:|---:|---:|---:|---:|');
for (const elf of programs) {
  const samples = CONFIGS.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    CONFIGS.forEach(([, accel], i) => samples[i].push(stats(elf, accel)));
    process.stderr.write(`${basename(elf)}: round ${r + 1}/${ROUNDS}\n`);
  }
  const interpMips = median(samples[0].map((s) => s.mips));
  CONFIGS.forEach(([label], i) => {
    const s = samples[i], m = (k) => median(s.map((x) => x[k]));
    console.log(`| ${basename(elf, '.elf')} | ${s[0].insns} | ${s[0].tbs} | ${label} | ${m('wall').toFixed(3)} | ${m('mips').toFixed(1)} | ${m('us').toFixed(1)} | ${m('usAll').toFixed(1)} | ${(m('mips') / interpMips).toFixed(1)}× |`);
  });
}
