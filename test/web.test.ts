/**
 * The web page (`npm run web`: web/, scripts/web.mjs) in Debian's Chromium, headless, driven by
 * playwright-core: the bundled demo prints what dynwasm-system-arm prints for it (both engines),
 * Linux boots to a shell that runs what is typed into the terminal, pause/resume/reset work,
 * the file picker boots a kernel and refuses a bad one in one line, the page needs no server
 * once loaded, and nothing is logged to the console as an error. The terminal's text is read
 * from the DOM (xterm.js's DOM renderer) and from xterm's buffer (for the scrollback).
 */
import test from 'ava';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { TOOLS, testNeeding, which } from './support/tools.js';

const ROOT = process.cwd();
const webTest = testNeeding(TOOLS.chromium);
const RESULTS = join(ROOT, 'test/results');

let server: ChildProcess | undefined;
let url = '';
let browser: Browser | undefined;

/** `npm run web`'s script on a free port: it builds, then prints the URL on a line of its own. */
function startServer(): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'scripts/web.mjs'), '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    server = p;
    let out = '', err = '';
    const timer = setTimeout(() => reject(new Error(`scripts/web.mjs printed no URL in 60 s: ${out}${err}`)), 60000);
    p.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    p.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
    p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`scripts/web.mjs exited (${code}): ${out}${err}`)); });
  });
}

test.before(async () => {
  if (!which('chromium')) return; // the tests say why (testNeeding)
  url = await startServer();
  const { chromium } = await import('playwright-core');
  // Debian's browser, headless; --no-sandbox because CI runs as root in a container.
  browser = await chromium.launch({ executablePath: which('chromium'), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
});

test.after.always(async () => {
  await browser?.close();
  server?.kill();
});

interface Session { page: Page; errors: string[] }

/** A fresh page, its console errors and uncaught exceptions collected, with the images loaded. */
async function openPage(): Promise<Session> {
  const context = await browser!.newContext({ viewport: { width: 1000, height: 720 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('state')?.textContent === 'ready', null, { timeout: 30000 });
  return { page, errors };
}

const bufferText = (page: Page): Promise<string> => page.evaluate(() => (window as unknown as { dynwasm: { text(): string } }).dynwasm.text());
const state = async (page: Page): Promise<string> => (await page.textContent('#state')) ?? '';
const waitState = (page: Page, re: RegExp, timeout = 60000): Promise<unknown> =>
  page.waitForFunction((src) => new RegExp(src).test(document.getElementById('state')?.textContent ?? ''), re.source, { timeout });
const waitText = (page: Page, re: RegExp, timeout: number): Promise<unknown> =>
  page.waitForFunction((src) => new RegExp(src, 'm').test((window as unknown as { dynwasm: { text(): string } }).dynwasm.text()), re.source, { timeout });
/** The rows xterm.js's DOM renderer shows, as text (its spaces may be no-break spaces). */
const domRows = async (page: Page): Promise<string[]> =>
  (await page.locator('.xterm-rows > div').allTextContents()).map((l) => l.replace(/\u00a0/g, ' ').trimEnd());
const count = async (page: Page, sel: string): Promise<number> => Number(((await page.textContent(sel)) ?? '').replace(/,/g, ''));
const icount = (page: Page): Promise<number> => count(page, '#icount');

/** What the CLI prints for the demo, and its -stats counts: the reference for the page. */
function cliDemo(engine: string): { output: string; stats: { icount: number; translated: number; blocks: number } } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/dynwasm-system-arm.js'), '-M', 'versatilepb', '-kernel', 'demo/versatilepb/demo.elf', '-nographic', '-semihosting', '-accel', engine, '-stats'],
    { cwd: ROOT, encoding: 'utf8', input: '', timeout: 60000 });
  if (r.status !== 0) throw new Error(`dynwasm-system-arm exited ${r.status}: ${r.stderr}`);
  const stat = (name: string): number => Number(new RegExp(`stats: ${name} +(\\d+)`).exec(r.stderr)?.[1]);
  return { output: r.stdout, stats: { icount: stat('guest instructions'), translated: stat('blocks translated'), blocks: stat('blocks executed') } };
}
const pageStats = async (page: Page): Promise<{ icount: number; translated: number; blocks: number }> =>
  ({ icount: await icount(page), translated: await count(page, '#translated'), blocks: await count(page, '#blocks') });
/** Terminal text as the buffer gives it: lines without trailing blanks, no trailing empty lines. */
const asTerminal = (s: string): string => s.split('\n').map((l) => l.trimEnd()).join('\n').replace(/\n+$/, '');

webTest('the worker bundles the board and the engine, and nothing Node-only (CLI, logger files, user mode, gdb, monitor)', (t) => {
  const sources = (JSON.parse(readFileSync(join(ROOT, 'dist/web-page/worker.js.map'), 'utf8')) as { sources: string[] }).sources;
  for (const f of ['boards/versatilepb/machine.ts', 'boards/arm/semihosting.ts', 'runtime/tb.ts', 'runtime/generated/arm/ops.ts']) {
    t.true(sources.some((s) => s.endsWith(f)), f);
  }
  const nodeOnly = sources.filter((s) => /runtime\/cli\/|semihosting-node|runtime\/log\.ts|linux-user|gdbstub|monitor|qmp|^node:/.test(s));
  t.deepEqual(nodeOnly, []);
  const page = (JSON.parse(readFileSync(join(ROOT, 'dist/web-page/main.js.map'), 'utf8')) as { sources: string[] }).sources;
  t.true(page.some((s) => s.includes('@xterm/xterm')));
  t.false(page.some((s) => s.includes('boards/')), 'the emulator is in the worker only');
});

for (const engine of ['jit', 'interp'] as const) {
  webTest(`the demo prints in the terminal what dynwasm-system-arm prints (-accel ${engine})`, async (t) => {
    const cli = cliDemo(engine);
    const expected = asTerminal(cli.output);
    t.regex(expected, /^ +\.+,+.*@@@@/m, 'the CLI prints the Mandelbrot set');
    const { page, errors } = await openPage();
    await page.selectOption('#engine', engine);
    await page.click('#boot-demo');
    await waitState(page, /^stopped/);
    t.is(await state(page), 'stopped (exit status 0)');
    t.is(await bufferText(page), expected);
    // The DOM shows the end of it, and its beginning, the Mandelbrot set, when scrolled back.
    const lines = expected.split('\n');
    const rows = await domRows(page);
    t.deepEqual(rows.slice(0, rows.indexOf('bye') + 1), lines.slice(lines.length - rows.indexOf('bye') - 1));
    await page.evaluate(() => (window as unknown as { dynwasm: { term: { scrollToTop(): void } } }).dynwasm.term.scrollToTop());
    await page.waitForFunction(() => document.querySelector('.xterm-rows > div')?.textContent?.startsWith('dynwasm demo'));
    const top = await domRows(page);
    t.deepEqual(top, lines.slice(0, top.length));
    t.true(top.some((l) => /@@@@@@@@/.test(l)));
    // The statistics count what ran, as the CLI's -stats do (the counts are exact in both engines).
    t.true(cli.stats.icount > 100_000);
    t.deepEqual(await pageStats(page), cli.stats);
    // Reset runs it again from the same image.
    await page.click('#reset');
    await waitState(page, /^stopped/);
    t.is(await bufferText(page), expected);
    t.deepEqual(errors, []);
    await page.context().close();
  });
}

webTest('the file picker boots a kernel of your own, and a bad one is refused in one line', async (t) => {
  const { page, errors } = await openPage();
  await page.click('#own summary');
  await page.setInputFiles('#kernel-file', join(ROOT, 'demo/versatilepb/demo.elf'));
  await page.click('#boot-own');
  await waitState(page, /^stopped/);
  t.is(await state(page), 'stopped (exit status 0)');
  t.is(await bufferText(page), asTerminal(cliDemo('jit').output));
  await page.setInputFiles('#kernel-file', { name: 'empty.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(0) });
  await page.click('#boot-own');
  await waitState(page, /^stopped: /);
  t.is(await state(page), 'stopped: empty.bin: empty kernel image');
  t.deepEqual(errors, []);
  await page.context().close();
});

webTest('Linux boots offline to a shell that runs what is typed; pause and resume', async (t) => {
  const { page, errors } = await openPage();
  // From here on the page has no network: everything it needs is loaded.
  await page.context().setOffline(true);
  t.false(await page.evaluate(() => fetch('index.html').then(() => true, () => false)), 'the page is offline');
  // That probe's failure is the only error so far.
  t.true(errors.every((e) => /index\.html|ERR_INTERNET_DISCONNECTED/.test(e)), errors.join('\n'));
  errors.length = 0;

  const t0 = Date.now();
  await page.click('#boot-linux');
  await waitText(page, /^Booting Linux on physical CPU/, 60000);
  // Paused, the guest runs no instruction and prints nothing.
  await page.click('#pause');
  await waitState(page, /^paused$/, 10000);
  t.is(await page.textContent('#pause'), 'Resume');
  const [n0, text0] = [await icount(page), await bufferText(page)];
  await page.waitForTimeout(1500);
  t.is(await icount(page), n0);
  t.is(await bufferText(page), text0);
  await page.click('#pause');
  await waitState(page, /^running$/, 10000);

  await waitText(page, /^\/ # $/, 180000);
  const bootMs = Date.now() - t0;
  t.log(`Linux booted to its shell in ${(bootMs / 1000).toFixed(1)} s in the page (with a 1.5 s pause)`);
  t.true(await icount(page) > n0);
  const release = /^Linux version (\S+)/m.exec(await bufferText(page))?.[1];
  t.truthy(release, 'the boot log gives the kernel release');

  // Keystrokes go through xterm.js to UART0.
  await page.locator('.xterm').click();
  await page.keyboard.type('echo hello-$((6*7))\n');
  await waitText(page, /^hello-42$/, 20000);
  await page.keyboard.type('uname -a\n');
  await waitText(page, /^Linux \S+ \S+ #.*GNU\/Linux$/, 20000);
  await waitText(page, /GNU\/Linux\n\/ # $/, 20000); // and the prompt again
  const uname = /^Linux \S+ (\S+) #.*GNU\/Linux$/m.exec(await bufferText(page));
  t.is(uname?.[1], release);
  // The command and its output are in the DOM too.
  const rows = await domRows(page);
  t.true(rows.includes('/ # echo hello-$((6*7))'), rows.join('\n'));
  t.true(rows.includes('hello-42'));

  t.deepEqual(errors, []);
  await page.context().setOffline(false);

  // A screenshot of the page (README.md's is one of these), checked not to be blank: its pixels
  // are not all of a few colours.
  mkdirSync(RESULTS, { recursive: true });
  const bottom = await page.evaluate(() => document.querySelector('footer')!.getBoundingClientRect().bottom);
  const png = await page.screenshot({ clip: { x: 0, y: 0, width: 1000, height: Math.ceil(bottom) + 12 } });
  writeFileSync(join(RESULTS, 'web.png'), png);
  const shot = await page.evaluate(async (b64) => {
    const img = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const c = new OffscreenCanvas(img.width, img.height), g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, img.width, img.height).data, colours = new Set<number>();
    for (let i = 0; i < px.length; i += 4) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    return { width: img.width, height: img.height, colours: colours.size };
  }, png.toString('base64'));
  t.is(shot.width, 1000);
  t.true(shot.colours > 16, `${shot.colours} colours`);
  t.deepEqual(errors, []);
  await page.context().close();
});
