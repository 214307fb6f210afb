/**
 * A flushed TB cache lets its compiled code go (issue 16: a long random run grew by 0.18 MB
 * a case). V8 keeps every WebAssembly instance that imports a table alive as long as the
 * table, so the JIT must give the modules it builds after a flush new tables: this checks
 * that the block functions of flushed rounds are garbage-collected.
 */
import test from 'ava';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ArmCpu, loadArmTable } from '../runtime/arm/cpu.js';
import type { TranslationBlock } from '../runtime/tb.js';
import { load, makeCase, mulberry32 } from './support/arm-random.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('the JIT\'s compiled blocks are collected after a flush', async (t) => {
  const table = await loadArmTable();
  const cpu = new ArmCpu(table, { engine: 'jit', ramSize: 256 * 1024, hotThreshold: 0 });
  const engine = cpu.engine;
  const rounds = 30, early = 20;
  let compiled = 0, collected = 0;
  const registry = new FinalizationRegistry<number>((round) => { if (round < early) collected++; });
  const install = engine.install.bind(engine);
  let round = 0;
  engine.install = (tbs: TranslationBlock[]): void => {
    install(tbs);
    for (const tb of tbs) {
      registry.register(tb.fn!, round);
      if (round < early) compiled++;
    }
  };
  const rnd = mulberry32(16);
  for (round = 0; round < rounds; round++) {
    load(cpu, makeCase(rnd, false), rnd()); // flushes the cache first
    cpu.run(24);
  }
  for (let i = 0; i < 10 && collected < compiled; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.true(compiled > 100, `only ${compiled} blocks compiled in the first ${early} rounds`);
  // Block functions still referenced by something other than their tables (a TB object the
  // cache still holds, say) would stay; those of flushed rounds should all go.
  t.true(collected >= compiled * 0.95, `${collected} of ${compiled} block functions of flushed rounds collected`);
});
