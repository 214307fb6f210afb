/**
 * Execution counters of a CPU and its engine, the `-stats` summary both CLIs print, and the
 * machine-readable form (`DYNWASM_STATS_FILE`) that dynwasm-arm appends at exit for the
 * benchmark harness.
 */
import { JitEngine, type Engine } from './tb.js';

/** What the counters are read from: any CPU with the exec loop's statistics and a TB cache. */
export interface CountedCpu {
  readonly stats: { tbsTranslated: number; insnsTranslated: number; translateMs: number; blocksRun: number; exceptions: number; tbsReused?: number; tbsStale?: number };
  readonly engine: Engine;
  readonly icount: number;
  readonly tbs: { readonly size: number; readonly flushes: number; readonly invalidations: number };
}

/** What one CPU (or, summed, several: a process through its execve calls) has done. */
export interface ExecCounters {
  /** The engine: `jit` or `interp`. */
  engine: string;
  /** Guest instructions retired (exact in both engines). */
  icount: number;
  /** Translation blocks translated (decoded into micro-ops). */
  tbsTranslated: number;
  /** Blocks taken from the persistent translation cache instead (translation-cache.ts). */
  tbsReused: number;
  /** Blocks of that cache not taken: the code where they were made is not the same now. */
  tbsStale: number;
  /** Front-end time: decoding and micro-op emission. */
  translateMs: number;
  /** Blocks executed. */
  blocksRun: number;
  /** Guest exceptions and interrupts taken. */
  exceptions: number;
  /** JIT only: WebAssembly modules compiled. */
  modules: number;
  /** JIT only: the bytes of those modules. */
  wasmBytes: number;
  /** JIT only: their compile + instantiate time. */
  compileMs: number;
  /** Blocks in the TB cache now (at exit). */
  tbBlocks: number;
  /** Whole-cache flushes. */
  tbFlushes: number;
  /** Blocks invalidated by writes to their code. */
  tbInvalidations: number;
  /** Guest instructions translated. */
  insnsTranslated: number;
  /** JIT only: blocks compiled to WebAssembly. */
  tbsCompiled: number;
  /** JIT only: guest instructions in those blocks. */
  insnsCompiled: number;
}

export function cpuCounters(cpu: CountedCpu): ExecCounters {
  const st = cpu.stats;
  const es = cpu.engine instanceof JitEngine ? cpu.engine.stats : undefined;
  return {
    engine: cpu.engine.name,
    icount: cpu.icount,
    tbsTranslated: st.tbsTranslated,
    tbsReused: st.tbsReused ?? 0,
    tbsStale: st.tbsStale ?? 0,
    translateMs: st.translateMs,
    blocksRun: st.blocksRun,
    exceptions: st.exceptions,
    modules: es?.modules ?? 0,
    wasmBytes: es?.wasmBytes ?? 0,
    compileMs: es?.compileMs ?? 0,
    tbBlocks: cpu.tbs.size,
    tbFlushes: cpu.tbs.flushes,
    tbInvalidations: cpu.tbs.invalidations,
    insnsTranslated: st.insnsTranslated,
    tbsCompiled: es?.tbsCompiled ?? 0,
    insnsCompiled: es?.insnsCompiled ?? 0,
  };
}

/** a + b, field by field (the engine and the TB cache size are b's: the later one). */
export function addCounters(a: ExecCounters, b: ExecCounters): ExecCounters {
  const r = { ...b };
  for (const k of Object.keys(b) as (keyof ExecCounters)[]) {
    if (k !== 'engine' && k !== 'tbBlocks') (r[k] as number) = (a[k] as number) + (b[k] as number);
  }
  return r;
}

/** The `-stats` summary, one line per item (without the program's prefix). */
export function statsLines(c: ExecCounters, wallMs: number): string[] {
  const n = c.icount;
  const lines = [
    `engine              ${c.engine}`,
    `guest instructions  ${n}`,
    `blocks translated   ${c.tbsTranslated} (${c.tbsTranslated ? ((c.translateMs * 1000) / c.tbsTranslated).toFixed(1) : '0'} µs each)`,
    ...(c.tbsReused || c.tbsStale ? [`blocks from cache   ${c.tbsReused} (the translation cache; ${c.tbsStale} not taken: their code changed)`] : []),
    `blocks executed     ${c.blocksRun}`,
    `exceptions          ${c.exceptions}`,
    `wall time           ${(wallMs / 1000).toFixed(3)} s`,
    `guest MIPS          ${wallMs > 0 ? (n / wallMs / 1000).toFixed(2) : '0'}`,
  ];
  let translationMs = c.translateMs;
  if (c.engine === 'jit') {
    translationMs += c.compileMs;
    lines.push(`modules compiled    ${c.modules} (${c.compileMs.toFixed(1)} ms)`, `wasm bytes          ${c.wasmBytes}`);
  }
  if (c.tbsTranslated) {
    lines.push(`translation         ${(c.tbsTranslated / (translationMs / 1000)).toFixed(0)} blocks/s, ${((translationMs * 1000) / c.tbsTranslated).toFixed(1)} µs per block with compilation`);
  }
  if (c.insnsTranslated) {
    lines.push(`instructions/block  ${(c.insnsTranslated / c.tbsTranslated).toFixed(2)} translated`
      + (c.insnsCompiled ? `, ${(c.insnsCompiled / c.tbsCompiled).toFixed(2)} compiled (${c.tbsCompiled} blocks), ${(c.wasmBytes / c.insnsCompiled).toFixed(1)} wasm bytes per instruction` : ''));
  }
  lines.push(`tb cache            ${c.tbBlocks} blocks, ${c.tbFlushes} flushes, ${c.tbInvalidations} invalidated`);
  return lines;
}
