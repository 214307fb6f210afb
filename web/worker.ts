/**
 * The emulator's Web Worker: a versatilepb board (boards/versatilepb/machine.ts) with the JIT or
 * the interpreter, run in slices as dynwasm-system-arm runs it (runtime/system-loop.ts), UART0
 * going to the page and the page's keystrokes coming back to it. A worker, not the page: the JIT
 * compiles WebAssembly modules synchronously, which Chromium allows only off the main thread,
 * and the page stays responsive while the guest runs.
 */
import { MachineError, createVersatilePb, type VersatilePb } from '../boards/versatilepb/machine.js';
import type { SemihostingHost } from '../boards/arm/semihosting.js';
import { cpuCounters } from '../runtime/stats.js';
import { POLL_BLOCKS, SLICE_MS, SYSTEM_HOT_THRESHOLD } from '../runtime/system-loop.js';
import type { BootRequest, FromWorker, RunState, ToWorker } from './protocol.js';

/** The worker's global scope, as far as it is used here (the project's types are the DOM's). */
const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
};
const post = (m: FromWorker, transfer?: Transferable[]): void => scope.postMessage(m, transfer);

/** How often the page gets the counters. */
const STATS_MS = 250;

let boot: BootRequest | undefined;
let machine: VersatilePb | undefined;
/** Bumped by every boot and reset: a run loop of an older generation stops. */
let generation = 0;
let paused = false;
/** performance.now() when the current machine's run loop started (for the halted state's runMs). */
let runStart = 0;
/** Keyboard bytes not yet taken by UART0 (or a semihosting console read). */
const input: number[] = [];
let wakeInput: (() => void) | undefined;
let wakeResume: (() => void) | undefined;

let out: number[] = [];
function flushOutput(): void {
  if (!out.length) return;
  const data = Uint8Array.from(out);
  out = [];
  post({ type: 'output', data }, [data.buffer]);
}

// Yield to the worker's event loop without setTimeout's 4 ms clamp on nested timers.
const channel = new MessageChannel();
const yielded: (() => void)[] = [];
channel.port1.onmessage = () => yielded.shift()?.();
const yieldNow = (): Promise<void> => new Promise((resolve) => { yielded.push(resolve); channel.port2.postMessage(0); });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let lastStats = { t: 0, icount: 0 };
function postStats(force = false): void {
  const now = performance.now();
  if (!machine || (!force && now - lastStats.t < STATS_MS)) return;
  const c = cpuCounters(machine.cpu);
  const dt = now - lastStats.t;
  const mips = dt > 0 && c.icount >= lastStats.icount ? (c.icount - lastStats.icount) / dt / 1000 : 0;
  lastStats = { t: now, icount: c.icount };
  post({ type: 'stats', stats: { icount: c.icount, blocksRun: c.blocksRun, tbsTranslated: c.tbsTranslated, modules: c.modules, mips } });
}

function setState(state: RunState, extra: { exitCode?: number; message?: string; runMs?: number } = {}): void {
  post({ type: 'state', state, ...extra });
}

async function create(b: BootRequest): Promise<VersatilePb> {
  const host: SemihostingHost = {
    stdout: (d) => { for (const x of d) out.push(x); },
    stderr: (d) => { for (const x of d) out.push(x); },
    readInput: (max) => (input.length ? Uint8Array.from(input.splice(0, max)) : undefined),
  };
  const m = await createVersatilePb({
    engine: b.engine, kernel: b.kernel, kernelName: b.kernelName, append: b.append,
    dtb: b.dtb, dtbName: b.dtbName, initrd: b.initrd, initrdName: b.initrdName,
    semihosting: b.semihosting ? host : undefined,
    uartOutput: [(x) => out.push(x)],
    hotThreshold: SYSTEM_HOT_THRESHOLD,
  });
  m.uarts[0].inputSource = () => input.shift();
  return m;
}

/** Build the machine for the current boot request and run it until it stops or a newer generation starts. */
async function start(): Promise<void> {
  const gen = ++generation;
  machine = undefined;
  input.length = 0;
  paused = false;
  wakeResume?.();
  if (!boot) return;
  try {
    const m = await create(boot);
    if (gen !== generation) return;
    machine = m;
  } catch (e) {
    if (gen !== generation) return;
    const message = e instanceof MachineError ? e.message : `internal error: ${(e as Error)?.message ?? String(e)}`;
    setState('halted', { message });
    return;
  }
  lastStats = { t: performance.now(), icount: 0 };
  setState('running');
  runStart = performance.now();
  try {
    await run(gen);
  } catch (e) {
    if (gen !== generation) return;
    const message = `internal error: ${(e as Error)?.message ?? String(e)}`;
    flushOutput();
    setState('halted', { message });
  }
}

async function run(gen: number): Promise<void> {
  for (;;) {
    if (gen !== generation) return;
    const m = machine!;
    if (paused) {
      flushOutput();
      postStats(true);
      setState('paused');
      await new Promise<void>((resolve) => { wakeResume = resolve; });
      wakeResume = undefined;
      if (gen !== generation) return;
      lastStats = { t: performance.now(), icount: m.cpu.icount };
      setState('running');
      continue;
    }
    const cpu = m.cpu;
    const sliceEnd = performance.now() + SLICE_MS;
    do {
      cpu.run(POLL_BLOCKS);
      m.poll();
    } while (!cpu.halted && !cpu.waiting && performance.now() < sliceEnd);
    flushOutput();
    postStats();
    if (cpu.waiting && !cpu.halted) {
      // Wait for interrupt: sleep instead of spinning (as the CLI does).
      await sleep(1);
      continue;
    }
    if (cpu.halted) {
      const sh = m.semihosting;
      if (sh?.waitingForInput) {
        if (!input.length) {
          setState('waiting');
          await new Promise<void>((resolve) => { wakeInput = resolve; });
          wakeInput = undefined;
          if (gen !== generation) return;
          setState('running');
        }
        sh.waitingForInput = false;
        cpu.halted = false;
        continue;
      }
      if (m.resetRequested) {
        // The guest reset the board (Linux's reboot): start again from the same images, as QEMU does.
        machine = await create(boot!);
        if (gen !== generation) return;
        continue;
      }
      postStats(true);
      setState('halted', { exitCode: cpu.exitCode, message: sh?.fatal, runMs: performance.now() - runStart });
      return;
    }
    await yieldNow();
  }
}

scope.onmessage = (ev) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'boot':
      boot = msg.boot;
      void start();
      break;
    case 'reset':
      void start();
      break;
    case 'input':
      for (const b of msg.data) input.push(b);
      machine?.uarts[0].pollInput();
      wakeInput?.();
      break;
    case 'pause':
      if (machine) paused = true;
      break;
    case 'resume':
      paused = false;
      wakeResume?.();
      break;
  }
};
post({ type: 'ready' });
