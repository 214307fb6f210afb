/**
 * The page: UART0 in an xterm.js terminal (its DOM renderer, so the text is in the page), the
 * controls, and the emulator in a Web Worker (web/worker.ts). The bundled images are fetched
 * once when the page loads and kept in memory, so after that the page needs no server.
 */
import { Terminal } from '@xterm/xterm';
import type { BootRequest, FromWorker, ToWorker, WorkerStats } from './protocol.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** The bundled images (copied next to the page by scripts/web.mjs) and how they boot. */
const IMAGES = {
  demo: 'images/demo.elf',
  zImage: 'images/zImage',
  dtb: 'images/versatile-pb.dtb',
  initrd: 'images/rootfs.cpio.gz',
} as const;
/** demo/linux/README.md's command line for the initramfs. */
const LINUX_APPEND = 'console=ttyAMA0';

const term = new Terminal({ rows: 30, cols: 100, convertEol: true, fontSize: 13, scrollback: 10000 });
term.open($('terminal'));

const worker = new Worker('worker.js', { type: 'module' });
const send = (m: ToWorker, transfer?: Transferable[]): void => worker.postMessage(m, transfer ?? []);

const encoder = new TextEncoder();
term.onData((s) => send({ type: 'input', data: encoder.encode(s) }));

const stateEl = $('state');
const pauseBtn = $<HTMLButtonElement>('pause');
const resetBtn = $<HTMLButtonElement>('reset');
const bootButtons = ['boot-demo', 'boot-linux', 'boot-own'].map((id) => $<HTMLButtonElement>(id));
let running = false;

function showStats(s: WorkerStats): void {
  const n = (v: number): string => v.toLocaleString('en-US');
  $('mips').textContent = s.mips.toFixed(1);
  $('icount').textContent = n(s.icount);
  $('blocks').textContent = n(s.blocksRun);
  $('translated').textContent = n(s.tbsTranslated);
  $('modules').textContent = n(s.modules);
}

worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  const m = ev.data;
  switch (m.type) {
    case 'ready': break;
    case 'output': term.write(m.data); break;
    case 'stats': showStats(m.stats); break;
    case 'state':
      running = m.state !== 'halted';
      pauseBtn.disabled = !running || m.state === 'waiting';
      pauseBtn.textContent = m.state === 'paused' ? 'Resume' : 'Pause';
      resetBtn.disabled = false;
      if (m.state === 'halted') stateEl.textContent = m.message ? `stopped: ${m.message}` : `stopped (exit status ${m.exitCode ?? 0})`;
      else stateEl.textContent = m.state === 'waiting' ? 'waiting for console input' : m.state;
      break;
  }
};
worker.onerror = (ev) => { stateEl.textContent = `worker error: ${ev.message}`; };

function bootWith(b: BootRequest): void {
  term.reset();
  stateEl.textContent = 'starting';
  // The worker gets copies: the page keeps its images for the next boot.
  send({ type: 'boot', boot: b });
  term.focus();
}

pauseBtn.onclick = () => {
  if (!running) return;
  send({ type: pauseBtn.textContent === 'Resume' ? 'resume' : 'pause' });
  term.focus();
};
resetBtn.onclick = () => { term.reset(); stateEl.textContent = 'resetting'; send({ type: 'reset' }); term.focus(); };

const engine = (): 'jit' | 'interp' => ($<HTMLSelectElement>('engine').value === 'interp' ? 'interp' : 'jit');

async function fetchImage(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status} ${r.statusText}`);
  return new Uint8Array(await r.arrayBuffer());
}

async function readFile(id: string): Promise<{ data: Uint8Array; name: string } | undefined> {
  const f = $<HTMLInputElement>(id).files?.[0];
  return f ? { data: new Uint8Array(await f.arrayBuffer()), name: f.name } : undefined;
}

async function init(): Promise<void> {
  const [demo, zImage, dtb, initrd] = await Promise.all([IMAGES.demo, IMAGES.zImage, IMAGES.dtb, IMAGES.initrd].map(fetchImage));
  $('boot-demo').onclick = () => bootWith({ kernel: demo, kernelName: 'demo.elf', engine: engine(), semihosting: true });
  $('boot-linux').onclick = () => bootWith({
    kernel: zImage, kernelName: 'zImage', dtb, dtbName: 'versatile-pb.dtb', initrd, initrdName: 'rootfs.cpio.gz',
    append: LINUX_APPEND, engine: engine(), semihosting: false,
  });
  $('boot-own').onclick = async () => {
    const [kernel, ownDtb, ownInitrd] = await Promise.all([readFile('kernel-file'), readFile('dtb-file'), readFile('initrd-file')]);
    if (!kernel) { stateEl.textContent = 'choose a kernel file first'; return; }
    const append = $<HTMLInputElement>('append').value.trim();
    bootWith({
      kernel: kernel.data, kernelName: kernel.name, dtb: ownDtb?.data, dtbName: ownDtb?.name, initrd: ownInitrd?.data, initrdName: ownInitrd?.name,
      append: append || undefined, engine: engine(), semihosting: $<HTMLInputElement>('semihosting').checked,
    });
  };
  for (const b of bootButtons) b.disabled = false;
  stateEl.textContent = 'ready';
}

init().catch((e: unknown) => { stateEl.textContent = `could not load the bundled images: ${(e as Error).message}`; });

/** For tests and the console: the terminal and its whole buffer (scrollback included) as text. */
(window as unknown as { dynwasm: object }).dynwasm = {
  term,
  text(): string {
    const b = term.buffer.active, lines: string[] = [];
    for (let i = 0; i < b.length; i++) {
      const line = b.getLine(i);
      const text = line?.translateToString(true) ?? '';
      // A line the terminal wrapped continues the previous one.
      if (line?.isWrapped && lines.length) lines[lines.length - 1] += text; else lines.push(text);
    }
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  },
};
