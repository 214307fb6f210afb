// npm run bench's `browser` engine: the web page's emulator worker (web/worker.ts, bundled by
// scripts/web.mjs) in Debian's Chromium, headless, driven by playwright-core. Each run is a new
// Web Worker (as each Node run is a new process) that boots one image with semihosting and
// reports, when the guest halts, the time its run loop took (runMs: the worker's performance.now()
// around the loop, so neither page load nor bundle compilation counts), its output and the
// guest instruction count.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPage, serve } from '../web.mjs';

/**
 * Build the page, serve it and launch `chromium` (its path). Returns { run, close } or throws
 * with a one-line message.
 */
export async function startBrowserEngine(root, chromium) {
  await buildPage();
  // A blank page of the same origin: the page's own UI (xterm.js, its idle worker) stays out of it.
  writeFileSync(join(root, 'dist/web-page/bench.html'), '<!doctype html><meta charset="utf-8"><title>dynwasm bench</title>\n');
  const server = await serve('127.0.0.1', 0);
  let browser;
  try {
    const { chromium: pw } = await import('playwright-core');
    // --no-sandbox: CI runs as root in a container (as test/web.test.ts).
    browser = await pw.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  } catch (e) {
    server.close();
    throw new Error(String(e?.message ?? e).split('\n')[0]);
  }
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/bench.html`);
  const version = browser.version();
  return {
    version,
    /** Boot `kernel` (bytes) in a fresh worker with `engine`; { ok, runMs, stdout, icount, error }. */
    async run(kernel, kernelName, engine, timeoutMs = 600000) {
      const r = await page.evaluate(async ({ bytes, kernelName, engine, timeoutMs }) => {
        const w = new Worker('worker.js', { type: 'module' });
        const out = [];
        let stats;
        return await new Promise((resolve) => {
          const timer = setTimeout(() => { w.terminate(); resolve({ error: `no halt within ${timeoutMs / 1000} s` }); }, timeoutMs);
          const done = (x) => { clearTimeout(timer); w.terminate(); resolve(x); };
          w.onerror = (e) => done({ error: `worker error: ${e.message}` });
          w.onmessage = (ev) => {
            const m = ev.data;
            if (m.type === 'ready') {
              const kernel = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
              w.postMessage({ type: 'boot', boot: { kernel, kernelName, engine, semihosting: true } });
            } else if (m.type === 'output') for (const b of m.data) out.push(b);
            else if (m.type === 'stats') stats = m.stats;
            else if (m.type === 'state' && m.state === 'halted') {
              done({ exitCode: m.exitCode, message: m.message, runMs: m.runMs, stats, stdout: new TextDecoder().decode(Uint8Array.from(out)) });
            }
          };
        });
      }, { bytes: Buffer.from(kernel).toString('base64'), kernelName, engine, timeoutMs });
      if (errors.length) return { ok: false, error: `page error: ${errors.splice(0).join(' | ')}` };
      if (r.error) return { ok: false, error: r.error };
      const ok = r.exitCode === 0 && !r.message && typeof r.runMs === 'number';
      return {
        ok, ms: r.runMs, stdout: r.stdout, icount: r.stats?.icount, tbsTranslated: r.stats?.tbsTranslated, modules: r.stats?.modules,
        error: ok ? undefined : `exit status ${r.exitCode}${r.message ? `: ${r.message}` : ''}`,
      };
    },
    async close() {
      await browser.close().catch(() => undefined);
      server.close();
    },
  };
}
