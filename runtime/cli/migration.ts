/**
 * Where a saved machine goes and comes from, as QEMU's migration URIs name it: `exec:CMD`
 * (the stream is CMD's standard input, or for -incoming its standard output; CMD runs under
 * /bin/sh) and `file:PATH` (QEMU 8.2's). The stream itself is runtime/vmstate.ts's.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';

export type MigrationUri = { kind: 'exec'; command: string } | { kind: 'file'; path: string };

/** Parse a migration URI, or return QEMU's error text for one this emulator cannot use. */
export function parseMigrationUri(uri: string): MigrationUri | string {
  if (uri.startsWith('exec:')) {
    const command = uri.slice(5);
    return command.trim() ? { kind: 'exec', command } : `migration URI '${uri}': exec: needs a command`;
  }
  if (uri.startsWith('file:')) {
    // QEMU 8.2's file:PATH[,offset=N]: no offset here.
    const path = uri.slice(5);
    if (!path) return `migration URI '${uri}': file: needs a path`;
    if (/,offset=/.test(path)) return `migration URI '${uri}': offset= is not supported`;
    return { kind: 'file', path };
  }
  return `Parameter 'uri' expects a valid migration protocol (this emulator has exec:CMD and file:PATH; '${uri}')`;
}

const errText = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'ENOENT' ? 'No such file or directory' : err.code === 'EACCES' ? 'Permission denied'
    : err.code === 'EISDIR' ? 'Is a directory' : err.message;
};

/**
 * Write a saved machine. A file is written beside its target and renamed over it, so a failure
 * leaves no half-written file where the old one was. Returns the error text, or nothing.
 */
export function writeMigration(uri: MigrationUri, data: Uint8Array): string | undefined {
  if (uri.kind === 'exec') {
    const r = spawnSync('/bin/sh', ['-c', uri.command], { input: data, stdio: ['pipe', 'inherit', 'inherit'] });
    if (r.error && (r.error as NodeJS.ErrnoException).code !== 'EPIPE') return `Unable to write to command: ${r.error.message}`;
    if (r.status !== 0) return `command '${uri.command}' ${r.status === null ? `was killed by ${r.signal}` : `exited with status ${r.status}`}`;
    return undefined;
  }
  const tmp = `${uri.path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    renameSync(tmp, uri.path);
    return undefined;
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* it was never made */ }
    return `could not write '${uri.path}': ${errText(e)}`;
  }
}

/** Read a saved machine, or return the error text. */
export function readMigration(uri: MigrationUri): Uint8Array | string {
  if (uri.kind === 'exec') {
    const r = spawnSync('/bin/sh', ['-c', uri.command], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 2 ** 31 - 1 });
    if (r.error) return `could not run '${uri.command}': ${r.error.message}`;
    if (r.status !== 0) return `command '${uri.command}' ${r.status === null ? `was killed by ${r.signal}` : `exited with status ${r.status}`}`;
    return new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength);
  }
  let fd: number;
  try { fd = openSync(uri.path, 'r'); } catch (e) { return `could not open '${uri.path}': ${errText(e)}`; }
  try {
    // Only a regular file: a FIFO or a terminal would wait for good.
    const st = fstatSync(fd);
    if (!st.isFile()) return `could not read '${uri.path}': not a regular file`;
    const data = new Uint8Array(st.size);
    for (let at = 0; at < data.length;) {
      const n = readSync(fd, data, at, data.length - at, at);
      if (n <= 0) return data.subarray(0, at);
      at += n;
    }
    return data;
  } catch (e) {
    return `could not read '${uri.path}': ${errText(e)}`;
  } finally {
    closeSync(fd);
  }
}
