/**
 * Semihosting's host files under Node (the CLI's): Node's synchronous `fs` calls, errno values
 * from `os.constants`, CPU time from `process.cpuUsage()`. Kept apart from semihosting.ts so
 * that the system emulator's core imports nothing from `node:` (the web page bundles it).
 */
import { closeSync, fstatSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { SemihostingFiles } from './semihosting.js';

const EINVAL = 22;

export const nodeSemihostingFiles: SemihostingFiles = {
  open: (name, flags) => openSync(name, flags, 0o644),
  close: (fd) => closeSync(fd),
  write: (fd, data, position) => writeSync(fd, data, 0, data.length, position),
  read: (fd, buf, length, position) => readSync(fd, buf, 0, length, position),
  size: (fd) => fstatSync(fd).size,
  unlink: (name) => unlinkSync(name),
  rename: (from, to) => renameSync(from, to),
  errno: (e) => {
    const code = (e as NodeJS.ErrnoException).code;
    const n = code ? (osConstants.errno as Record<string, number>)[code] : undefined;
    return n ?? EINVAL;
  },
  cpuTimeUs: () => { const u = process.cpuUsage(); return u.user + u.system; },
};
