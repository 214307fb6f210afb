/**
 * SD card images for dynwasm-system-arm's `-sd FILE` and `-drive file=FILE,if=sd[,format=raw]`,
 * as qemu-system-arm 7.2 takes them: a raw image opened read-write, reads and writes going
 * straight to the file (so the guest's writes are in it afterwards), and only a size that is a
 * power of two (QEMU's sd-card refuses others: "Invalid SD card size: 2.86 MiB", with the hint
 * "SD card size has to be a power of 2, e.g. 4 MiB.").
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import type { BlockBackend } from '../../boards/versatilepb/sd-card.js';
import { UsageError } from './options.js';

/** One -sd or -drive if=sd: the file and how it was given (for messages, as QEMU words them). */
export interface SdDrive {
  file: string;
  /** The option as given, e.g. "-sd disk.img" or "-drive file=disk.img,if=sd". */
  spec: string;
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
  let file: string | undefined, iface: string | undefined;
  for (const part of parts) {
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq), v = eq < 0 ? '' : part.slice(eq + 1);
    switch (k) {
      case 'file': file = v; break;
      case 'if': iface = v; break;
      case 'format':
        if (v !== 'raw') throw new UsageError(`-drive ${value}: format=${v} is not supported (only raw images)`);
        break;
      default:
        throw new UsageError(`-drive ${value}: unsupported option '${k}' (this emulator takes file=, if=sd and format=raw)`);
    }
  }
  if (iface !== 'sd') {
    throw new UsageError(`-drive ${value}: ${iface === undefined ? 'no if= given (QEMU\'s default, if=ide, is not supported here)' : `if=${iface} is not supported`}: use if=sd`);
  }
  if (file === undefined || file === '') throw new UsageError(`-drive ${value}: file= is required`);
  return { file, spec: `-drive ${value}` };
}

/** Open an SD image read-write as QEMU does; an error message (one line) if it cannot be used. */
export function openSdImage(drive: SdDrive): BlockBackend | string {
  let fd: number;
  try {
    fd = openSync(drive.file, 'r+');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'No such file or directory' : err.code === 'EACCES' ? 'Permission denied'
      : err.code === 'EISDIR' ? 'Is a directory' : err.code === 'EROFS' ? 'Read-only file system' : err.message;
    return `${drive.spec}: Could not open '${drive.file}': ${why}`;
  }
  const size = fstatSync(fd).size;
  if (size > 0 && !isPowerOf2(size)) {
    closeSync(fd);
    return `Invalid SD card size: ${sizeToStr(size)}: SD card size has to be a power of 2, e.g. ${sizeToStr(pow2ceil(size))}`;
  }
  return {
    size,
    read(offset, into) {
      let done = 0;
      while (done < into.length) {
        const n = readSync(fd, into, done, into.length - done, offset + done);
        if (n <= 0) { into.fill(0, done); break; }
        done += n;
      }
    },
    write(offset, data) {
      let done = 0;
      while (done < data.length) done += writeSync(fd, data, done, data.length - done, offset + done);
    },
  };
}
