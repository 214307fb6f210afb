#!/usr/bin/env node
/**
 * `npm run web`: bundle the web page (web/: the page, and the emulator's Web Worker) with
 * esbuild into dist/web-page/, copy the bundled demo and Linux images and xterm.js's style
 * sheet next to it, and serve that folder as static files on http://127.0.0.1:PORT/ until
 * killed. The URL is printed on a line of its own.
 *
 *   node scripts/web.mjs [--port N] [--host H] [--build-only]
 *
 * PORT defaults to 8080 (0: any free port; the printed URL has the real one). The page needs no
 * cross-origin isolation (no SharedArrayBuffer), so no COOP/COEP headers.
 */
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web-page');

function parseArgs(argv) {
  const o = { port: 8080, host: '127.0.0.1', buildOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') o.port = Number(argv[++i]);
    else if (a === '--host') o.host = argv[++i];
    else if (a === '--build-only') o.buildOnly = true;
    else { console.error(`web: unknown option '${a}' (use --port N, --host H, --build-only)`); process.exit(1); }
  }
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) { console.error('web: --port takes a number from 0 to 65535'); process.exit(1); }
  return o;
}

/** Build the page into `out`; returns the bundles' sizes in bytes. */
export async function buildPage() {
  if (!existsSync(join(root, 'runtime/generated/arm/ops.ts'))) throw new Error('runtime/generated/ is missing: run `npm run gen` first');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'images'), { recursive: true });
  const result = await build({
    entryPoints: { main: join(root, 'web/main.ts'), worker: join(root, 'web/worker.ts') },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022',
    minify: true, sourcemap: true, outdir: out, metafile: true, logLevel: 'warning',
  });
  for (const f of ['index.html', 'style.css']) copyFileSync(join(root, 'web', f), join(out, f));
  copyFileSync(join(root, 'node_modules/@xterm/xterm/css/xterm.css'), join(out, 'xterm.css'));
  const images = {
    'demo.elf': 'demo/versatilepb/demo.elf', zImage: 'demo/linux/zImage',
    'versatile-pb.dtb': 'demo/linux/versatile-pb.dtb', 'rootfs.cpio.gz': 'demo/linux/rootfs.cpio.gz',
  };
  for (const [name, from] of Object.entries(images)) copyFileSync(join(root, from), join(out, 'images', name));
  const sizes = {};
  for (const [file, info] of Object.entries(result.metafile.outputs)) if (file.endsWith('.js')) sizes[file.split('/').pop()] = info.bytes;
  writeFileSync(join(out, 'sizes.json'), JSON.stringify(sizes) + '\n');
  return sizes;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.json': 'application/json', '.png': 'image/png',
};

/** A static file server for `out` (GET and HEAD only, nothing outside it). */
export function serve(host, port) {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405).end(); return; }
    let path;
    try { path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname); } catch { res.writeHead(400).end(); return; }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(out, path));
    if (!file.startsWith(out + sep)) { res.writeHead(403).end(); return; }
    let body;
    try { if (!statSync(file).isFile()) throw new Error(); body = readFileSync(file); } catch { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n'); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length, 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolveListen(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const o = parseArgs(process.argv.slice(2));
  let sizes;
  try { sizes = await buildPage(); } catch (e) { console.error(`web: ${e.message.split('\n')[0]}`); process.exit(1); }
  console.log(`web: built dist/web-page (${Object.entries(sizes).map(([f, b]) => `${f} ${(b / 1024).toFixed(0)} KiB`).join(', ')})`);
  if (!o.buildOnly) {
    let server;
    try { server = await serve(o.host, o.port); } catch (e) { console.error(`web: cannot listen on ${o.host}:${o.port}: ${e.message}`); process.exit(1); }
    const { port } = server.address();
    console.log(`http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}/`);
    process.on('SIGINT', () => process.exit(0));
    process.on('SIGTERM', () => process.exit(0));
  }
}
