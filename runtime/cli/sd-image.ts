/**
 * SD card images for dynwasm-system-arm's `-sd FILE` and `-drive file=FILE,if=sd[,format=raw]`,
 * as qemu-system-arm 7.2 takes them: a raw image opened read-write, reads and writes going
 * straight to the file (so the guest's writes are in it afterwards), and only a size that is a
 * power of two (QEMU's sd-card refuses others: "Invalid SD card size: 2.86 MiB", with the hint
 * "SD card size has to be a power of 2, e.g. 4 MiB."). With `-snapshot` or `snapshot=on` the
 * file is opened read-only and the guest's writes stay in memory (QEMU puts them in a temporary
 * overlay): the file is the same afterwards.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import type { BlockBackend } from '../../boards/versatilepb/sd-card.js';
import { UsageError } from './options.js';

/** One -sd or -drive if=sd: the file and how it was given (for messages, as QEMU words them). */
export interface SdDrive {
  file: string;
  /** The option as given, e.g. "-sd disk.img" or "-drive file=disk.img,if=sd". */
  spec: string;
  /** -drive snapshot=on|off; unset: -snapshot decides. */
  snapshot?: boolean;
}

/** printf's %0.3g, as QEMU's size_to_str uses it. */
function g3(v: number): string {
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  const strip = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  const fixed = v.toPrecision(3);
  if (!fixed.includes('e')) return strip(fixed);
  if (exp < -4 || exp >= 3) {
    const [m, e] = v.toExponential(2).split('e');
    const n = Number(e);
    return `${strip(m)}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return strip(fixed);
}

/** QEMU's size_to_str: "2.86 MiB", "4 MiB", "512 B". */
export function sizeToStr(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  const idx = bytes > 0 ? Math.floor(Math.floor(Math.log2(bytes)) / 10) : 0;
  return `${g3(bytes / 2 ** (idx * 10))} ${units[idx]}`;
}

const isPowerOf2 = (n: number): boolean => n > 0 && 2 ** Math.round(Math.log2(n)) === n;
const pow2ceil = (n: number): number => 2 ** Math.ceil(Math.log2(n));

/**
 * Parse a -drive value for an SD card: file= (required), if=sd, format=raw; anything else is a
 * usage error. QEMU's ",," is a literal comma in a value.
 */
export function parseSdDrive(value: string): SdDrive {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] === ',') {
      if (value[i + 1] === ',') { cur += ','; i++; continue; }
      parts.push(cur);
      cur = '';
    } else {
      cur += value[i];
    }
  }
  parts.push(cur);
  let file: string | undefined, iface: string | undefined, snapshot: boolean | undefined;
  for (const part of parts) {
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq), v = eq < 0 ? '' : part.slice(eq + 1);
    switch (k) {
      case 'file': file = v; break;
      case 'if': iface = v; break;
      case 'snapshot':
        if (['on', 'yes', 'true'].includes(v)) snapshot = true;
        else if (['off', 'no', 'false'].includes(v)) snapshot = false;
        else throw new UsageError(`-drive ${value}: snapshot=${v}: use on or off`);
        break;
      case 'format':
        if (v !== 'raw') throw new UsageError(`-drive ${value}: format=${v} is not supported (only raw images)`);
        break;
      default:
        throw new UsageError(`-drive ${value}: unsupported option '${k}' (this emulator takes file=, if=sd, format=raw and snapshot=on|off)`);
    }
  }
  if (iface !== 'sd') {
    throw new UsageError(`-drive ${value}: ${iface === undefined ? 'no if= given (QEMU\'s default, if=ide, is not supported here)' : `if=${iface} is not supported`}: use if=sd`);
  }
  if (file === undefined || file === '') throw new UsageError(`-drive ${value}: file= is required`);
  return { file, spec: `-drive ${value}`, ...(snapshot === undefined ? {} : { snapshot }) };
}

/** Block size of the in-memory overlay that keeps a snapshot's writes. */
const OVERLAY_BLOCK = 512;

/**
 * Open an SD image as QEMU does: read-write, or read-only with the writes kept in memory when
 * `snapshot` (the drive's snapshot=, else -snapshot) is on. An error message (one line, QEMU's
 * wording) if it cannot be used.
 */
export function openSdImage(drive: SdDrive, snapshotDefault = false): BlockBackend | string {
  const snapshot = drive.snapshot ?? snapshotDefault;
  let fd: number;
  try {
    fd = openSync(drive.file, snapshot ? 'r' : 'r+');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EISDIR') return `${drive.spec}: 'file' driver requires '${drive.file}' to be a regular file`;
    const why = err.code === 'ENOENT' ? 'No such file or directory' : err.code === 'EACCES' ? 'Permission denied'
      : err.code === 'EROFS' ? 'Read-only file system' : err.message;
    return `${drive.spec}: Could not open '${drive.file}': ${why}`;
  }
  const st = fstatSync(fd);
  // A directory opened read-only, a FIFO or a device: not an image (QEMU's file driver wants a
  // regular file; a FIFO would block its reads for good).
  if (!st.isFile()) {
    closeSync(fd);
    return `${drive.spec}: 'file' driver requires '${drive.file}' to be a regular file`;
  }
  const size = st.size;
  if (size > 0 && !isPowerOf2(size)) {
    closeSync(fd);
    return `Invalid SD card size: ${sizeToStr(size)}: SD card size has to be a power of 2, e.g. ${sizeToStr(pow2ceil(size))}`;
  }
  const readFile = (offset: number, into: Uint8Array): void => {
    let done = 0;
    while (done < into.length) {
      const n = readSync(fd, into, done, into.length - done, offset + done);
      if (n <= 0) { into.fill(0, done); break; }
      done += n;
    }
  };
  if (!snapshot) {
    return {
      size,
      read: readFile,
      write(offset, data) {
        let done = 0;
        while (done < data.length) done += writeSync(fd, data, done, data.length - done, offset + done);
      },
    };
  }
  // -snapshot: the blocks the guest wrote, by block number; the rest comes from the file.
  const overlay = new Map<number, Uint8Array>();
  const block = (n: number): Uint8Array => {
    let b = overlay.get(n);
    if (!b) {
      b = new Uint8Array(OVERLAY_BLOCK);
      readFile(n * OVERLAY_BLOCK, b);
      overlay.set(n, b);
    }
    return b;
  };
  return {
    size,
    overlay: { blockSize: OVERLAY_BLOCK, blocks: overlay },
    read(offset, into) {
      readFile(offset, into);
      for (let pos = offset; pos < offset + into.length;) {
        const n = Math.floor(pos / OVERLAY_BLOCK), within = pos - n * OVERLAY_BLOCK;
        const len = Math.min(OVERLAY_BLOCK - within, offset + into.length - pos);
        const b = overlay.get(n);
        if (b) into.set(b.subarray(within, within + len), pos - offset);
        pos += len;
      }
    },
    write(offset, data) {
      for (let pos = offset; pos < offset + data.length;) {
        const n = Math.floor(pos / OVERLAY_BLOCK), within = pos - n * OVERLAY_BLOCK;
        const len = Math.min(OVERLAY_BLOCK - within, offset + data.length - pos);
        block(n).set(data.subarray(pos - offset, pos - offset + len), within);
        pos += len;
      }
    },
  };
}
