// `--target random`: the JIT-vs-interpreter random instruction generator of
// test/support/arm-random.ts (the one test/arm-random.test.ts runs 100,000 instructions of),
// at scale: ARM and Thumb streams, a third of the cases with the MMU on over random page tables;
// and test/support/i386-random.ts's i386 streams (test/i386-random.test.ts), --isa i386.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, writeFailure } from './common.mjs';

/** `insns`: the instructions to run per engine, a number or one per instruction set (the smoke test's). */
export async function fuzzRandom({ seed, deadline, progress, insns: insnsOpt, isas = ['arm', 'thumb', 'i386'] }) {
  const mod = join(ROOT, 'dist/test/support/arm-random.js');
  if (!existsSync(mod)) throw new Error('dist/ is not built: run `npm run gen` first');
  const { runRandomStreams } = await import(pathToFileURL(mod).href);
  const { runI386RandomStreams } = await import(pathToFileURL(join(ROOT, 'dist/test/support/i386-random.js')).href);
  const NAMES = { arm: 'ARM', thumb: 'Thumb', i386: 'i386' };
  const totals = { arm: 0, thumb: 0, i386: 0 };
  // The resident size shows whether a long run holds on to what it compiled (it must not).
  progress.extra = () => isas.map((i) => `${totals[i]} ${NAMES[i]} instructions`).join(', ') +
    ` per engine, RSS ${Math.round(process.memoryUsage().rss / 1048576)} MB`;
  const results = [];
  for (const [k, isa] of isas.entries()) {
    const insns = typeof insnsOpt === 'object' ? insnsOpt[isa] : insnsOpt;
    // Without --insns the time is shared out between the instruction sets.
    const share = insns ? Infinity : Date.now() + (deadline - Date.now()) / (isas.length - k);
    let casesBefore = progress.cases;
    const onProgress = (x) => {
      progress.cases = casesBefore + x.cases;
      totals[isa] = x.executed;
      progress.tick();
      return !insns && Date.now() >= share;
    };
    const r = isa === 'i386'
      ? await runI386RandomStreams(seed, insns ?? Infinity, onProgress)
      : await runRandomStreams({ thumb: isa === 'thumb', seed, minInsns: insns ?? Infinity, progress: onProgress });
    progress.cases = casesBefore + r.cases;
    totals[isa] = r.executed;
    results.push({ isa, ...r });
    if (r.failure) {
      const replay = `node scripts/fuzz/main.mjs --target random --isa ${isa} --seed ${seed} --insns ${r.executed + 100_000}`;
      const out = writeFailure('random', `${isa}-seed-${seed}`, {
        replay,
        what: `random ${isa} instruction streams: JIT and interpreter differ`,
        details: `${r.failure}\n\nalso: SEED=${seed} RANDOM_INSNS=${r.executed + 100_000} npx ava dist/test/${isa === 'i386' ? 'i386' : 'arm'}-random.test.js`,
      });
      progress.fail(r.failure.split('\n')[0], out);
    }
    casesBefore = progress.cases;
  }
  for (const r of results) console.log(`[random] ${r.isa}: seed ${r.seed}, ${r.cases} random states, ${r.executed} instructions executed in each engine, ${r.exceptions} exceptions taken${r.failure ? ', FAILED' : ''}`);
}
