#!/usr/bin/env node
// Wall time of Debian's armel `busybox gzip -9` on a generated input under dynwasm-arm (JIT and
// interpreter) and qemu-arm, runs interleaved, medians printed as a table. The compressed
// outputs must be identical (they are the same program on the same input).
//
//   node scripts/measure-user-gzip.mjs [--mb 20] [--runs 3] [--interp-runs N] [--busybox build/busybox/bin/busybox]
// (--interp-runs: fewer runs of the slow interpreter, which takes minutes on 20 MB)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const mb = Number(opt('mb', 20));
const runs = Number(opt('runs', 3));
const interpRuns = Number(opt('interp-runs', runs));
const busybox = opt('busybox', 'build/busybox/bin/busybox');
if (!existsSync(busybox)) { console.error(`${busybox}: missing (run scripts/fetch-busybox.sh)`); process.exit(1); }

// Input: words from a small vocabulary in a pseudo-random order (compresses like text, ~3:1).
const dir = mkdtempSync(join(tmpdir(), 'dynwasm-gzip-'));
const input = join(dir, 'input.txt');
{
  const words = 'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their has would when if so no will what more can out up about into them some could other time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'.split(' ');
  let x = 12345;
  const parts = [];
  let size = 0;
  while (size < mb * 1e6) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const w = words[(x >>> 8) % words.length] + ((x & 31) === 0 ? '.\n' : ' ');
    parts.push(w);
    size += w.length;
  }
  writeFileSync(input, parts.join(''));
}

const engines = [
  { name: 'dynwasm-arm -accel jit', cmd: process.execPath, pre: ['bin/dynwasm-arm.js', '-accel', 'jit'] },
  { name: 'dynwasm-arm -accel interp', cmd: process.execPath, pre: ['bin/dynwasm-arm.js', '-accel', 'interp'] },
  { name: 'qemu-arm', cmd: 'qemu-arm', pre: [] },
];
const times = new Map(engines.map((e) => [e.name, []]));
const digests = new Map();
for (let r = 0; r < runs; r++) {
  for (const e of engines) {
    if (e.name.endsWith('interp') && r >= interpRuns) continue;
    const out = join(dir, 'out.gz');
    const t0 = performance.now();
    const res = spawnSync('sh', ['-c', `"$0" "$@" > ${out}`, e.cmd, ...e.pre, busybox, 'gzip', '-9', '-c', input], { stdio: ['ignore', 'inherit', 'inherit'] });
    const ms = performance.now() - t0;
    if (res.status !== 0) { console.error(`${e.name}: exit status ${res.status}`); process.exit(1); }
    times.get(e.name).push(ms);
    digests.set(e.name, createHash('sha256').update(readFileSync(out)).digest('hex'));
    process.stderr.write(`run ${r + 1}/${runs} ${e.name}: ${(ms / 1000).toFixed(2)} s\n`);
  }
}
rmSync(dir, { recursive: true });

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const q = median(times.get('qemu-arm'));
console.log(`\nbusybox gzip -9 -c of ${mb} MB of text (runs interleaved)\n`);
console.log('| engine | runs | median wall time (s) | vs qemu-arm |');
console.log('|---|---:|---:|---:|');
for (const e of engines) {
  const m = median(times.get(e.name));
  console.log(`| ${e.name} | ${times.get(e.name).length} | ${(m / 1000).toFixed(2)} | ${(m / q).toFixed(2)}× |`);
}
const same = new Set(digests.values()).size === 1;
console.log(`\ncompressed outputs identical: ${same ? 'yes' : 'NO'}`);
if (!same) process.exit(1);
