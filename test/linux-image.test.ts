/**
 * The committed guest Linux images in demo/linux/ (built by scripts/build-linux-image.sh, which
 * is too slow for the test suite): they are the files demo/linux/README.md describes (its sha256
 * sums), the device tree parses, the initramfs holds what /init needs, and the reference,
 * qemu-system-arm -M versatilepb, boots them: with test=1 on the command line /init runs its
 * self-test and reboots, which -no-reboot turns into QEMU's exit; without it, a shell prompt
 * that runs what is typed. Then dynwasm-system-arm boots them in both engines: the same
 * self-test transcript as qemu's, and the same interactive shell; and a script typed on the
 * console of a Linux booted from a copy of the SD image, with files that survive a reboot and
 * armel C programs of this project's, with the same output as under qemu.
 */
import test, { type ExecutionContext } from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freshDir, PROGRAMS_DIR, requireFile, runProcess } from './support/linux-run.js';
import { testNeeding, TOOLS } from './support/tools.js';

const DIR = join(process.cwd(), 'demo/linux');
const FILES = ['zImage', 'versatile-pb.dtb', 'rootfs.cpio.gz', 'sd.img', 'versatile-pb-sd.dtb'] as const;
const path = (f: string) => join(DIR, f);

const dtcTest = testNeeding(TOOLS.dtc);
/** The reference and our system emulator in each engine, as argv prefixes. */
const QEMU = ['qemu-system-arm'];
const DYNWASM = (engine: 'jit' | 'interp'): string[] => [process.execPath, join(process.cwd(), 'bin/dynwasm-system-arm.js'), '-accel', engine];
const qemuTest = testNeeding(TOOLS.qemuSystemArm);

/** The sha256 sums README.md lists, in sha256sum's format ("<hex>  <file>"). */
function readmeSums(): Map<string, string> {
  const readme = readFileSync(path('README.md'), 'utf8');
  const sums = new Map<string, string>();
  for (const m of readme.matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm)) sums.set(m[2], m[1]);
  return sums;
}

test('the images exist and match the sha256 sums in demo/linux/README.md', (t) => {
  const sums = readmeSums();
  for (const f of FILES) {
    t.true(existsSync(path(f)), `${f} is missing: scripts/build-linux-image.sh makes it`);
    const actual = createHash('sha256').update(readFileSync(path(f))).digest('hex');
    t.is(actual, sums.get(f) ?? '(not listed)', `${f}: sha256 differs from README.md's`);
  }
  // A zImage starts with 8 (or 9) words of nops/branch code, then the magic 0x016f2818 at 0x24.
  const z = readFileSync(path('zImage'));
  t.is(z.readUInt32LE(0x24), 0x016f2818, 'zImage magic');
  t.true(z.length > 1_000_000 && z.length < 8_000_000, `zImage is ${z.length} bytes`);
});

/** The entries of a newc cpio archive: name -> mode, and the file data of regular files. */
function readNewc(buf: Buffer): Map<string, { mode: number; uid: number; gid: number; mtime: number; data: Buffer }> {
  const entries = new Map<string, { mode: number; uid: number; gid: number; mtime: number; data: Buffer }>();
  let off = 0;
  for (;;) {
    const magic = buf.toString('latin1', off, off + 6);
    if (magic !== '070701') throw new Error(`bad cpio magic at ${off}: ${magic}`);
    const field = (i: number) => parseInt(buf.toString('latin1', off + 6 + i * 8, off + 14 + i * 8), 16);
    const [mode, uid, gid, mtime, fileSize, nameSize] = [field(1), field(2), field(3), field(5), field(6), field(11)];
    const nameStart = off + 110;
    const name = buf.toString('latin1', nameStart, nameStart + nameSize - 1);
    const dataStart = (nameStart + nameSize + 3) & ~3;
    const data = buf.subarray(dataStart, dataStart + fileSize);
    off = (dataStart + fileSize + 3) & ~3;
    if (name === 'TRAILER!!!') return entries;
    entries.set(name.replace(/^\//, ''), { mode, uid, gid, mtime, data });
  }
}

test('the initramfs is a newc cpio with busybox, its applet links and /init, all root-owned', (t) => {
  const entries = readNewc(gunzipSync(readFileSync(path('rootfs.cpio.gz'))));
  const S_IFMT = 0o170000;
  const get = (n: string) => {
    const e = entries.get(n);
    if (!e) throw new Error(`${n} is not in rootfs.cpio.gz`);
    return e;
  };
  t.is(get('init').mode & S_IFMT, 0o100000);
  t.is(get('init').mode & 0o111, 0o111, '/init is executable');
  t.regex(get('init').data.toString('latin1'), /^#!\/bin\/sh\n/);
  t.regex(get('etc/selftest').data.toString('latin1'), /dynwasm selftest: OK/);
  const busybox = get('bin/busybox').data;
  t.is(busybox.toString('latin1', 0, 4), '\x7fELF');
  t.is(busybox.readUInt16LE(18), 40, 'busybox is an ARM ELF');
  for (const applet of ['bin/sh', 'bin/mount', 'bin/ls', 'sbin/reboot', 'usr/bin/setsid']) {
    t.is(get(applet).mode & S_IFMT, 0o120000, `${applet} is a symlink`);
    // gen_init_cpio stores a link's target with its terminating NUL; the kernel ignores it.
    t.is(get(applet).data.toString('latin1').replace(/\0$/, ''), '/bin/busybox');
  }
  for (const dir of ['dev', 'proc', 'sys']) t.is(get(dir).mode & S_IFMT, 0o040000, `/${dir} is a directory`);
  t.is(get('dev/console').mode & S_IFMT, 0o020000, '/dev/console is a character device');
  const mtimes = new Set([...entries.values()].map((e) => e.mtime));
  t.is(mtimes.size, 1, 'one fixed mtime for every entry');
  t.true([...entries.values()].every((e) => e.uid === 0 && e.gid === 0), 'everything is owned by root');
});

dtcTest('versatile-pb.dtb parses with dtc and describes the Versatile PB', (t) => {
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', path('versatile-pb.dtb')], { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /compatible = "arm,versatile-pb";/);
  t.regex(r.stdout, /uart@101f1000 \{\s+compatible = "arm,pl011\\0arm,primecell";/, 'UART0');
  t.regex(r.stdout, /compatible = "arm,core-module-versatile\\0syscon/, 'the system controller, which the reboot driver uses');
});

qemuTest('qemu-system-arm boots the images with test=1: the self-test passes and QEMU exits', async (t) => {
  const dir = freshDir('dynwasm-linux-image-');
  const stdin = join(dir, 'stdin');
  writeFileSync(stdin, '');
  const r = await runProcess('qemu-system-arm', ['-M', 'versatilepb', '-m', '128M', '-kernel', path('zImage'),
    '-dtb', path('versatile-pb.dtb'), '-initrd', path('rootfs.cpio.gz'), '-append', 'console=ttyAMA0 test=1',
    '-nographic', '-no-reboot'], { env: { ...process.env, QEMU_AUDIO_DRV: 'none' }, stdinFile: stdin, timeout: 50_000 });
  const out = r.stdout.replace(/\r\n/g, '\n');
  t.is(r.status, 0, `${out}\n${r.stderr}`);
  t.regex(out, /^Linux version 6\.1\.\d+ \(dynwasm@dynwasm\) .* #1 /m);
  t.regex(out, /^dynwasm initramfs: ready$/m);
  t.regex(out, /^Linux \(none\) 6\.1\.\d+ #1 .* armv5tejl GNU\/Linux$/m, 'uname -a');
  t.regex(out, /^sum of squares 0\.\.999 = 332833500$/m);
  t.regex(out, /^19 numbers in 1\.\.100 contain a 7$/m);
  t.regex(out, /^dynwasm selftest: OK$/m);
  t.regex(out, /^dynwasm initramfs: self-test exit status 0$/m);
  t.regex(out, /reboot: Restarting system/);
});

/**
 * Run QEMU with the images and `append` as the command line; once `prompt` has appeared on its
 * stdout, write `input` to its stdin. Resolves with the exit status and the output (CRLF made LF),
 * or the output so far after `timeout` ms (status null, QEMU killed).
 */
const INITRAMFS_BOOT = (): string[] => ['-dtb', path('versatile-pb.dtb'), '-initrd', path('rootfs.cpio.gz')];

/**
 * dynwasm-system-arm boots are CPU-bound and single-threaded, and this file has six: at most
 * two run at once (each one's timeout counts from its start), so that on a small or busy machine
 * they do not all crawl past their timeouts together.
 */
const MAX_DYNWASM_BOOTS = 2;
let dynwasmBoots = 0;
const bootQueue: (() => void)[] = [];
async function bootSlot<T>(run: () => Promise<T>): Promise<T> {
  while (dynwasmBoots >= MAX_DYNWASM_BOOTS) await new Promise<void>((resolve) => bootQueue.push(resolve));
  dynwasmBoots++;
  try {
    return await run();
  } finally {
    dynwasmBoots--;
    bootQueue.shift()?.();
  }
}

function qemuInteractive(append: string, prompt: string, input: string, timeout: number, emulator = QEMU, boot = INITRAMFS_BOOT()): Promise<{ status: number | null; out: string }> {
  const run = () => runInteractive(append, prompt, input, timeout, emulator, boot);
  return emulator === QEMU ? run() : bootSlot(run);
}

function runInteractive(append: string, prompt: string, input: string, timeout: number, emulator: string[], boot: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(emulator[0], [...emulator.slice(1), '-M', 'versatilepb', '-m', '128M', '-kernel', path('zImage'),
      ...boot, '-append', append,
      '-nographic', '-no-reboot'], { env: { ...process.env, QEMU_AUDIO_DRV: 'none' }, stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    let sent = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (!sent && out.includes(prompt)) {
        sent = true;
        child.stdin.write(input);
      }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, out: out.replace(/\r\n/g, '\n') }); });
  });
}

qemuTest('qemu-system-arm boots the images to an interactive shell that runs what is typed', async (t) => {
  // Typed only once the prompt is there: earlier input is lost while the UART driver starts.
  const r = await qemuInteractive('console=ttyAMA0', '/ # ', 'echo $((6 * 7)) $(cat /proc/cmdline); exit\n', 50_000);
  t.is(r.status, 0, r.out);
  t.regex(r.out, /^dynwasm initramfs: ready$/m);
  t.regex(r.out, /^42 console=ttyAMA0$/m);
  t.regex(r.out, /^dynwasm initramfs: rebooting$/m);
});

/**
 * The self-test as a console shows it: from /init's first line to its last, without the one
 * line that measures time (BogoMIPS in /proc/cpuinfo). What the kernel prints while it reboots
 * differs (QEMU's NOR flash, not modelled here, refuses to suspend), so the transcript ends at
 * /init's last line. QEMU's arm926 has a VFP (cpuinfo's "vfp"); the ARM926EJ-S's VFP9 is an
 * option and dynwasm's has none, as armel's soft-float code needs none: that word is taken out
 * of the reference's line.
 *
 * The kernel's `input:` lines (the PL050 keyboard and mouse, found by a kernel thread while
 * /init runs, at a moment that depends on the host's speed) are compared as a sorted list at
 * the end, wherever in the output they came: the same devices with the same names, in any
 * order. Left out: the kernel's `amba ...: deferred probe pending` lines, which it prints 10 s
 * of wall-clock time after boot (deferred_probe_timeout) for the devices still waiting for a
 * driver: on a slow or busy host they fall inside the self-test, and the lists differ (QEMU has
 * the DMA controller, CLCD, GPIOs and AACI, which this board does not model).
 */
/** A kernel `input:` line (with its newline: it may have come in the middle of another line). */
const INPUT_LINE = /input: [^\n]*? as \/devices\/\S+\n?/g;
function selftestTranscript(out: string): string {
  const inputs = (out.match(INPUT_LINE) ?? []).map((l) => l.trimEnd()).sort();
  const from = out.indexOf('dynwasm initramfs: ready'), last = 'dynwasm initramfs: rebooting';
  const to = out.indexOf(last);
  return out.slice(from < 0 ? 0 : from, to < 0 ? undefined : to + last.length).replace(INPUT_LINE, '').split('\n')
    .filter((l) => !/BogoMIPS/.test(l) && !/^amba \S+: deferred probe pending$/.test(l))
    .map((l) => (l.startsWith('Features\t') ? l.replace(' vfp ', ' ') : l))
    .join('\n') + '\n(input devices)\n' + inputs.join('\n');
}

/**
 * The self-test's command line: loglevel=4 keeps the kernel's warnings off the console, which
 * it prints on timers of its own (the "deferred probe pending" list comes 10 s after boot, and
 * a boot under load takes that long), so that only the self-test's lines are compared.
 */
const SELFTEST_APPEND = 'console=ttyAMA0 test=1 loglevel=4';

let qemuSelftest: Promise<string> | undefined;
/** qemu-system-arm's self-test transcript (booted once for every engine's comparison). */
function qemuTranscript(): Promise<string> {
  qemuSelftest ??= qemuInteractive(SELFTEST_APPEND, '\0', '', 60_000).then((r) => selftestTranscript(r.out));
  return qemuSelftest;
}

for (const engine of ['jit', 'interp'] as const) {
  qemuTest(`dynwasm-system-arm (${engine}) boots the images with test=1: the same self-test transcript as qemu-system-arm's, and it exits`, async (t) => {
    const [ours, ref] = await Promise.all([
      qemuInteractive(SELFTEST_APPEND, '\0', '', 400_000, DYNWASM(engine)),
      qemuTranscript(),
    ]);
    t.is(ours.status, 0, ours.out);
    t.regex(ref, /^dynwasm selftest: OK$/m, 'the reference passed');
    t.is(selftestTranscript(ours.out), ref);
  });
}

qemuTest('dynwasm-system-arm boots the images to an interactive shell that runs what is typed', async (t) => {
  const r = await qemuInteractive('console=ttyAMA0', '/ # ', 'echo $((6 * 7)) $(cat /proc/cmdline); exit\n', 400_000, DYNWASM('jit'));
  t.is(r.status, 0, r.out);
  t.regex(r.out, /^dynwasm initramfs: ready$/m);
  t.regex(r.out, /^42 console=ttyAMA0$/m);
  t.regex(r.out, /^dynwasm initramfs: rebooting$/m);
});

qemuTest('without -no-reboot, a guest reboot resets the board and Linux boots again, as in QEMU', async (t) => {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [join(process.cwd(), 'bin/dynwasm-system-arm.js'), '-M', 'versatilepb', '-m', '128M',
      '-kernel', path('zImage'), '-dtb', path('versatile-pb.dtb'), '-initrd', path('rootfs.cpio.gz'), '-append', SELFTEST_APPEND,
      '-nographic'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let text = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 400_000);
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (chunk: string) => {
      text += chunk;
      if (text.split('dynwasm initramfs: ready').length > 2) child.kill('SIGKILL'); // the second boot got to /init
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', () => { clearTimeout(timer); resolve(text); });
  });
  t.is(out.split('dynwasm selftest: OK').length - 1, 1, out.slice(-2000));
  t.is(out.split('dynwasm initramfs: ready').length - 1, 2, out.slice(-2000));
});

/*
 * Booting from the SD card (demo/linux/sd.img, the same userland as an ext2 root file system) on
 * the PL181 MMC interface, with versatile-pb-sd.dtb (QEMU's MMC interrupt wiring, non-removable).
 * The guest mounts the card read-write and writes to it (the superblock's mount count and
 * times), and the emulators write back to the image file as QEMU does: every boot gets its own
 * copy in a temporary directory, and the committed image is checked unchanged afterwards.
 */
const SD_APPEND = 'console=ttyAMA0 root=/dev/mmcblk0 rw rootwait test=1';
/** A fresh copy of sd.img, and the -dtb/-sd arguments that boot it. */
function sdBoot(): { image: string; args: string[] } {
  const image = join(freshDir('dynwasm-sd-image-'), 'sd.img');
  copyFileSync(path('sd.img'), image);
  return { image, args: ['-dtb', path('versatile-pb-sd.dtb'), '-drive', `file=${image},if=sd,format=raw`] };
}
/** The ext2 superblock's mount count (s_mnt_count, at 1024 + 52). */
const mountCount = (image: string): number => readFileSync(image).readUInt16LE(1024 + 52);
const SD_SHA256 = (): string => createHash('sha256').update(readFileSync(path('sd.img'))).digest('hex');

test('sd.img is an 8 MiB ext2 file system, never mounted, and versatile-pb-sd.dtb is versatile-pb.dtb with QEMU\'s MMC wiring', (t) => {
  const img = readFileSync(path('sd.img'));
  t.is(img.length, 8 << 20, 'a power of two, as QEMU requires of an SD image');
  t.is(img.readUInt16LE(1024 + 56), 0xef53, 'the ext2 magic');
  t.is(mountCount(path('sd.img')), 0);
  const a = readFileSync(path('versatile-pb.dtb')), b = readFileSync(path('versatile-pb-sd.dtb'));
  t.true(b.length > a.length && b.length < a.length + 64, 'a few properties more');
});

dtcTest('versatile-pb-sd.dtb: MMCI0 on SIC 22 and 1, non-removable; MMCI1 on SIC 23 and 2; nothing else changed', (t) => {
  const dts = (f: string) => spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', path(f)], { encoding: 'utf8' }).stdout;
  const a = dts('versatile-pb.dtb').split('\n'), b = dts('versatile-pb-sd.dtb').split('\n');
  const removed = a.filter((l) => !b.includes(l)).map((l) => l.trim()), added = b.filter((l) => !a.includes(l)).map((l) => l.trim());
  t.deepEqual(removed, ['interrupts-extended = <0x0c 0x16 0x0c 0x17>;', 'interrupts = <0x01 0x02>;']);
  t.deepEqual(added, ['non-removable;', 'interrupts-extended = <0x0c 0x16 0x0c 0x01>;', 'interrupts = <0x17 0x02>;']);
});

let qemuSdRun: Promise<{ status: number | null; out: string; image: string }> | undefined;
/** qemu-system-arm booting a copy of sd.img with test=1 (once for all the tests that need it). */
function qemuSd(): Promise<{ status: number | null; out: string; image: string }> {
  qemuSdRun ??= (() => {
    const { image, args } = sdBoot();
    return qemuInteractive(SD_APPEND, '\0', '', 60_000, QEMU, args).then((r) => ({ ...r, image }));
  })();
  return qemuSdRun;
}

qemuTest('qemu-system-arm boots sd.img from the MMC card with test=1: the self-test passes and the guest wrote to its copy', async (t) => {
  const before = SD_SHA256();
  const r = await qemuSd();
  t.is(r.status, 0, r.out);
  t.regex(r.out, /^mmcblk0: mmc0:4567 QEMU! 8\.00 MiB $/m);
  t.regex(r.out, /^VFS: Mounted root \(ext2 filesystem\) on device 179:0\.$/m);
  t.regex(r.out, /^dynwasm selftest: OK$/m);
  t.regex(r.out, /^dynwasm initramfs: self-test exit status 0$/m);
  t.is(mountCount(r.image), 1, 'the mount was written back to the image');
  t.is(SD_SHA256(), before, 'the committed sd.img is untouched');
});

for (const engine of ['jit', 'interp'] as const) {
  qemuTest(`dynwasm-system-arm (${engine}) boots sd.img from the MMC card: the same self-test transcript as qemu-system-arm's, written back like qemu's`, async (t) => {
    const before = SD_SHA256();
    const { image, args } = sdBoot();
    const [ours, ref] = await Promise.all([
      qemuInteractive(SD_APPEND, '\0', '', 240_000, DYNWASM(engine), args),
      qemuSd(),
    ]);
    t.is(ours.status, 0, ours.out);
    t.regex(ref.out, /^dynwasm selftest: OK$/m, 'the reference passed');
    t.regex(ours.out, /^mmcblk0: mmc0:4567 QEMU! 8\.00 MiB $/m, 'the card qemu has');
    t.is(selftestTranscript(ours.out), selftestTranscript(ref.out));
    t.regex(selftestTranscript(ref.out), /\(input devices\)\ninput: AT Raw Set 2 keyboard as \S+\ninput: ImExPS\/2 Generic Explorer Mouse as \S+$/, 'the PL050 keyboard and mouse, compared');
    t.is(mountCount(image), 1, 'the mount was written back to the image');
    t.is(SD_SHA256(), before, 'the committed sd.img is untouched');
  });
}

for (const [name, emulator] of [['qemu-system-arm', QEMU], ['dynwasm-system-arm', DYNWASM('jit')]] as const) {
  qemuTest(`${name}: a file written in the shell on the SD root reaches the image file`, async (t) => {
    const { image, args } = sdBoot();
    const r = await qemuInteractive('console=ttyAMA0 root=/dev/mmcblk0 rw rootwait', '/ # ',
      'echo dynwasm-sd-write-$((6 * 7)) > /root/written; sync; cat /root/written; exit\n', 240_000, emulator, args);
    t.is(r.status, 0, r.out);
    t.regex(r.out, /^dynwasm-sd-write-42$/m);
    t.true(readFileSync(image).includes('dynwasm-sd-write-42\n'), 'the file\'s data block is in the image');
  });
}

/*
 * -snapshot: the guest mounts the card read-write, writes a file and syncs, drops its caches and
 * reads the file back (from the card: the emulator's memory); the image file has the same bytes
 * afterwards, as with qemu-system-arm -snapshot.
 */
const SNAPSHOT_SHELL = 'echo dynwasm-snapshot-$((6 * 7)) > /root/snap; sync; echo 3 > /proc/sys/vm/drop_caches; cat /root/snap; exit\n';
for (const [name, emulator] of [['qemu-system-arm', QEMU], ['dynwasm-system-arm (jit)', DYNWASM('jit')], ['dynwasm-system-arm (interp)', DYNWASM('interp')]] as const) {
  qemuTest(`${name} -snapshot: the guest writes to the SD card and reads it back; the image file is unchanged`, async (t) => {
    const { image, args } = sdBoot();
    const before = createHash('sha256').update(readFileSync(image)).digest('hex');
    const r = await qemuInteractive('console=ttyAMA0 root=/dev/mmcblk0 rw rootwait', '/ # ', SNAPSHOT_SHELL, 400_000, emulator, ['-snapshot', ...args]);
    t.is(r.status, 0, r.out);
    t.regex(r.out, /^dynwasm-snapshot-42$/m, 'written and read back');
    t.regex(r.out, /^VFS: Mounted root \(ext2 filesystem\) on device 179:0\.$/m);
    t.is(createHash('sha256').update(readFileSync(image)).digest('hex'), before, 'the image file is unchanged');
    t.is(mountCount(image), 0, 'not even the superblock\'s mount count was written');
  });
}

/*
 * How a run ends, as qemu-system-arm 7.2 -M versatilepb ends it (each case is run under qemu and
 * both engines, and must end the same way with the same last kernel line):
 * - `poweroff -f`: the kernel has no power-off handler on this board (no power controller), so
 *   it halts: "reboot: System halted", then a loop with interrupts off. QEMU keeps running
 *   (with or without -no-reboot) until it is killed or Ctrl-A x.
 * - `reboot -f`: "reboot: Restarting system" through the system registers; with -no-reboot
 *   QEMU exits with status 0, without it the board boots again.
 * - A kernel panic (here: no initrd and a root= that does not exist) without panic=: the
 *   "end Kernel panic" line, then the kernel spins for good: QEMU keeps running.
 * - With panic=1: "Rebooting in 1 seconds..", then a reset: with -no-reboot QEMU exits with
 *   status 0, without it the board boots again.
 * "Keeps running" is checked for GRACE_MS after the last line, then the process is killed; a
 * case that boots again waits for the second "Booting Linux" line (the zImage decompresses
 * first, silently, which takes long in the interpreter).
 */
const GRACE_MS = 10_000;
type Ending = 'exits 0' | 'keeps running' | 'boots again';
interface EndingCase { title: string; boot: string[]; append: string; noReboot: boolean; input?: string; last: RegExp; ending: Ending }
const PANIC_BOOT = (): string[] => ['-dtb', path('versatile-pb.dtb')];
const PANIC_LINE = /---\[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block\(0,0\) \]---/;
const ENDINGS: EndingCase[] = [
  { title: 'poweroff -f, -no-reboot: the CPU halts and the emulator keeps running', boot: INITRAMFS_BOOT(), append: 'console=ttyAMA0', noReboot: true, input: 'poweroff -f\n', last: /^reboot: System halted/m, ending: 'keeps running' },
  { title: 'poweroff -f: the CPU halts and the emulator keeps running', boot: INITRAMFS_BOOT(), append: 'console=ttyAMA0', noReboot: false, input: 'poweroff -f\n', last: /^reboot: System halted/m, ending: 'keeps running' },
  { title: 'reboot -f, -no-reboot: the emulator exits with status 0', boot: INITRAMFS_BOOT(), append: 'console=ttyAMA0', noReboot: true, input: 'reboot -f\n', last: /^reboot: Restarting system/m, ending: 'exits 0' },
  { title: 'reboot -f: the board boots again', boot: INITRAMFS_BOOT(), append: 'console=ttyAMA0', noReboot: false, input: 'reboot -f\n', last: /^reboot: Restarting system/m, ending: 'boots again' },
  { title: 'a kernel panic, -no-reboot: the emulator keeps running', boot: PANIC_BOOT(), append: 'console=ttyAMA0 root=/dev/nothing', noReboot: true, last: PANIC_LINE, ending: 'keeps running' },
  { title: 'a kernel panic: the emulator keeps running', boot: PANIC_BOOT(), append: 'console=ttyAMA0 root=/dev/nothing', noReboot: false, last: PANIC_LINE, ending: 'keeps running' },
  { title: 'a kernel panic with panic=1, -no-reboot: the emulator exits with status 0', boot: PANIC_BOOT(), append: 'console=ttyAMA0 root=/dev/nothing panic=1', noReboot: true, last: /^Rebooting in 1 seconds\.\./m, ending: 'exits 0' },
  { title: 'a kernel panic with panic=1: the board boots again', boot: PANIC_BOOT(), append: 'console=ttyAMA0 root=/dev/nothing panic=1', noReboot: false, last: /^Rebooting in 1 seconds\.\./m, ending: 'boots again' },
];

const BOOT_LINE = /^Booting Linux on physical CPU 0x0$/gm;

/** Run one case: how it ended, and the output (CRLF made LF). */
function runEnding(c: EndingCase, emulator: string[], timeout: number): Promise<{ ending: Ending | 'timeout' | `exits ${number | null}`; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(emulator[0], [...emulator.slice(1), '-M', 'versatilepb', '-m', '128M', '-kernel', path('zImage'),
      ...c.boot, '-append', c.append, '-nographic', ...(c.noReboot ? ['-no-reboot'] : [])],
    { env: { ...process.env, QEMU_AUDIO_DRV: 'none' }, stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '', sent = false, verdict: Ending | 'timeout' | undefined, graceTimer: NodeJS.Timeout | undefined;
    const stop = (v: Ending | 'timeout') => { if (verdict === undefined) { verdict = v; child.kill('SIGKILL'); } };
    const timer = setTimeout(() => stop('timeout'), timeout);
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const text = out.replace(/\r\n/g, '\n');
      if (c.input && !sent && text.includes('/ # ')) { sent = true; child.stdin.write(c.input); }
      if ((text.match(BOOT_LINE) ?? []).length >= 2) stop('boots again');
      else if (!graceTimer && c.ending !== 'boots again' && c.last.test(text)) graceTimer = setTimeout(() => stop('keeps running'), GRACE_MS);
    });
    child.stdin.on('error', () => { /* the emulator may be gone when we type */ });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (status) => {
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      resolve({ ending: verdict ?? `exits ${status}`, out: out.replace(/\r\n/g, '\n') });
    });
  });
}

const qemuEndings = new Map<string, ReturnType<typeof runEnding>>();
for (const c of ENDINGS) {
  const reference = () => {
    if (!qemuEndings.has(c.title)) qemuEndings.set(c.title, runEnding(c, QEMU, 120_000));
    return qemuEndings.get(c.title)!;
  };
  qemuTest(`qemu-system-arm: ${c.title}`, async (t) => {
    const r = await reference();
    t.is(r.ending, c.ending, r.out.slice(-1500));
    t.regex(r.out, c.last);
  });
  for (const engine of ['jit', 'interp'] as const) {
    qemuTest(`dynwasm-system-arm (${engine}): ${c.title}, as qemu-system-arm`, async (t) => {
      // Two boots for a case that boots again: the interpreter on a busy host takes minutes for each.
      const timeout = c.ending === 'boots again' ? 800_000 : 400_000;
      const [ours, ref] = await Promise.all([bootSlot(() => runEnding(c, DYNWASM(engine), timeout)), reference()]);
      t.is(ours.ending, ref.ending, ours.out.slice(-1500));
      t.is(ours.ending, c.ending);
      const lastLine = (o: string) => o.split('\n').filter((l) => c.last.test(l)).pop();
      t.is(lastLine(ours.out), lastLine(ref.out), 'the same last kernel line');
      if (ours.ending === 'boots again') t.is((ours.out.match(BOOT_LINE) ?? []).length, 2);
    });
  }
}

/*
 * A script typed on the serial console of a Linux booted from a copy of the SD image, in
 * qemu-system-arm and in both of dynwasm's engines: `uname -a`, /proc/cpuinfo, a pipeline, file
 * operations on the card, and C programs of this project's (test/linux-programs/, built for armel
 * by scripts/build-linux-programs.sh) that the test puts into the copy with e2fsprogs' debugfs
 * before booting it. The output between the script's markers must equal qemu's. A second boot of
 * the same copy reads the files back and changes them, and debugfs checks on the host that both
 * boots' writes reached the image file, which e2fsck then finds consistent.
 */
const debugfsTest = testNeeding(TOOLS.qemuSystemArm, TOOLS.debugfs);
/** The programs run in the guest, from build/linux-programs/arm/ (static armel builds). */
const GUEST_PROGRAMS = ['hello', 'pipes', 'files'] as const;
/** loglevel=4 keeps the kernel's timed messages (deferred probes, PS/2 devices) out of the script's output. */
const TYPED_APPEND = 'console=ttyAMA0 root=/dev/mmcblk0 rw rootwait loglevel=4';
const BEGIN = '==typed-begin==', END = '==typed-end==';
/** What the first boot writes, as the host expects to read it back. */
const NOTE = 'written by the first boot\n';
const NUMBERS = Array.from({ length: 300 }, (_, i) => `${i + 1}\n`).join('');

/**
 * The scripts. `stty -echo` is typed alone first: busybox's line editor then stops echoing, so
 * that the rest (typed at once after the next prompt) leaves only the commands' output and the
 * prompts on the console, in an order that does not depend on how fast the input arrives. The
 * last commands remount the card read-only, so that the image is clean for e2fsck.
 */
const TYPED_FIRST = [
  `echo ${BEGIN}`,
  'uname -a',
  'cat /proc/cpuinfo',
  "seq 1 100 | grep 7 | sed 's/7/seven/' | sort -r | head -n 4 | tr '\\n' ' '; echo",
  'mkdir /data && cd /data',
  `echo '${NOTE.trim()}' > note`,
  'seq 1 300 > numbers',
  'cp numbers copy && mv copy moved && ln -s note link',
  'ls -a | tr \'\\n\' \' \'; echo',
  'wc -l numbers moved; sha256sum numbers moved; cat link',
  "/opt/hello 3 'two words'; echo \"hello: exit status $?\"",
  '/opt/pipes; echo "pipes: exit status $?"',
  'mkdir files-run && cd files-run && /opt/files; echo "files: exit status $?"',
  'cd / && sync && mount -o remount,ro /',
  `echo ${END}`,
  'exit',
].join('\n') + '\n';
const TYPED_SECOND = [
  `echo ${BEGIN}`,
  "ls -a /data | tr '\\n' ' '; echo",
  'cat /data/link; wc -l /data/numbers; sha256sum /data/numbers /data/moved',
  "rm /data/moved && echo 'appended by the second boot' >> /data/note && cat /data/note",
  'sync && mount -o remount,ro /',
  `echo ${END}`,
  'exit',
].join('\n') + '\n';

/** A copy of sd.img with the guest programs in /opt (the committed image stays as it is). */
function typedImage(): string {
  for (const p of GUEST_PROGRAMS) requireFile(join(PROGRAMS_DIR, 'arm', p), 'run scripts/build-linux-programs.sh');
  const image = join(freshDir('dynwasm-typed-'), 'sd.img');
  copyFileSync(path('sd.img'), image);
  for (const request of ['mkdir /opt', ...GUEST_PROGRAMS.map((p) => `write ${join(PROGRAMS_DIR, 'arm', p)} /opt/${p}`)]) debugfs(image, request, true);
  return image;
}

/** Run one debugfs request on an image: its output, or a thrown error. */
function debugfs(image: string, request: string, write = false): string {
  const r = spawnSync('debugfs', [...(write ? ['-w'] : []), '-R', request, image], { encoding: 'latin1' });
  // debugfs exits 0 even when the request fails; it says so on stderr after its banner line.
  const errors = r.stderr.split('\n').filter((l) => l && !/^debugfs \d/.test(l));
  if (r.status !== 0 || errors.length) throw new Error(`debugfs -R '${request}' ${image}: ${r.stderr}`);
  return r.stdout;
}
const catInImage = (image: string, file: string): string => debugfs(image, `cat ${file}`);

/**
 * Boot `image` and type `script` on the console: `stty -echo` after the first prompt, the script
 * after the next one. Resolves with the exit status and the output (CRLF made LF).
 */
function typedBoot(image: string, script: string, emulator: string[], timeout: number): Promise<{ status: number | null; out: string }> {
  const run = () => new Promise<{ status: number | null; out: string }>((resolve, reject) => {
    const child = spawn(emulator[0], [...emulator.slice(1), '-M', 'versatilepb', '-m', '128M', '-kernel', path('zImage'),
      '-dtb', path('versatile-pb-sd.dtb'), '-drive', `file=${image},if=sd,format=raw`, '-append', TYPED_APPEND,
      '-nographic', '-no-reboot'], { env: { ...process.env, QEMU_AUDIO_DRV: 'none' }, stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '', from = 0;
    const steps = ['stty -echo\n', script];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const at = out.indexOf('/ # ', from);
      if (steps.length && at >= 0) {
        from = at + 4;
        child.stdin.write(steps.shift()!);
      }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, out: out.replace(/\r\n/g, '\n') }); });
  });
  return emulator === QEMU ? run() : bootSlot(run);
}

/**
 * The output between the markers, as compared with qemu's: without BogoMIPS (a timing loop) and
 * QEMU's "vfp" (see selftestTranscript).
 */
function typedTranscript(out: string): string {
  const from = out.indexOf(`${BEGIN}\n`), to = out.indexOf(`${END}\n`);
  if (from < 0 || to < from) return `(no ${BEGIN} ... ${END} in the output)\n${out.slice(-3000)}`;
  return out.slice(from, to + END.length).split('\n').filter((l) => !/^BogoMIPS/.test(l))
    .map((l) => (l.startsWith('Features\t') ? l.replace(' vfp ', ' ') : l)).join('\n');
}

interface TypedRun { image: string; first: { status: number | null; out: string }; second: { status: number | null; out: string }; afterFirst: { note: string; numbers: string }; ms: [number, number] }
/** Both boots of one image copy, with what debugfs reads from the image after the first. */
async function typedRuns(emulator: string[], timeout: number): Promise<TypedRun> {
  const image = typedImage();
  let t0 = Date.now();
  const first = await typedBoot(image, TYPED_FIRST, emulator, timeout);
  const ms1 = Date.now() - t0;
  const afterFirst = { note: catInImage(image, '/data/note'), numbers: catInImage(image, '/data/numbers') };
  t0 = Date.now();
  const second = await typedBoot(image, TYPED_SECOND, emulator, timeout);
  return { image, first, second, afterFirst, ms: [ms1, Date.now() - t0] };
}

let qemuTypedRun: Promise<TypedRun> | undefined;
const qemuTyped = (): Promise<TypedRun> => (qemuTypedRun ??= typedRuns(QEMU, 300_000));

/** What every emulator's run must show, the reference's included. */
function checkTypedRun(t: ExecutionContext, r: TypedRun, who: string): void {
  t.is(r.first.status, 0, `${who}, first boot:\n${r.first.out.slice(-3000)}`);
  t.is(r.second.status, 0, `${who}, second boot:\n${r.second.out.slice(-3000)}`);
  t.is(r.afterFirst.note, NOTE, 'the first boot\'s file, read from the image with debugfs');
  t.is(r.afterFirst.numbers, NUMBERS, 'seq\'s output, read from the image with debugfs');
  t.is(catInImage(r.image, '/data/note'), `${NOTE}appended by the second boot\n`, 'the second boot\'s change reached the image');
  t.notRegex(debugfs(r.image, 'ls /data'), /\bmoved\b/, 'the second boot removed /data/moved');
  const fsck = spawnSync('e2fsck', ['-fn', r.image], { encoding: 'latin1' });
  t.is(fsck.status, 0, `e2fsck -fn finds the image consistent:\n${fsck.stdout}${fsck.stderr}`);
  t.is(SD_SHA256(), readmeSums().get('sd.img') ?? '(not listed)', 'the committed sd.img is untouched');
  t.log(`${who}: first boot ${(r.ms[0] / 1000).toFixed(1)} s, second boot ${(r.ms[1] / 1000).toFixed(1)} s`);
}

debugfsTest('qemu-system-arm runs the typed script: uname, cpuinfo, a pipeline, the SD card\'s files across a reboot, armel C programs', async (t) => {
  const r = await qemuTyped();
  checkTypedRun(t, r, 'qemu-system-arm');
  const first = typedTranscript(r.first.out), second = typedTranscript(r.second.out);
  t.regex(first, /^\/ # Linux \(none\) 6\.1\.\d+ #1 .* armv5tejl GNU\/Linux$/m, 'uname -a');
  t.regex(first, /^model name\t: ARM926EJ-S rev 5 \(v5l\)$/m);
  t.regex(first, /^\/ # seven9 seven8 seven7 seven6 $/m, 'the pipeline');
  t.regex(first, /# \. \.\. link moved note numbers $/m, 'ls -a');
  t.regex(first, /# Hello, world!\nargc=3\n/);
  t.regex(first, /^hello: exit status 3$/m);
  t.regex(first, /^pipes: exit status 0$/m);
  t.regex(first, /^files: exit status 0$/m);
  t.regex(second, /# \. \.\. files-run link moved note numbers $/m, 'the files are there after the reboot');
  t.regex(second, /# written by the first boot\nappended by the second boot$/m);
});

for (const engine of ['jit', 'interp'] as const) {
  debugfsTest(`dynwasm-system-arm (${engine}) runs the typed script with the same output as qemu-system-arm, and its writes reach the image`, async (t) => {
    const [ours, ref] = await Promise.all([typedRuns(DYNWASM(engine), 400_000), qemuTyped()]);
    checkTypedRun(t, ours, `dynwasm-system-arm (${engine})`);
    t.regex(typedTranscript(ref.first.out), /^files: exit status 0$/m, 'the reference ran the script');
    t.is(typedTranscript(ours.first.out), typedTranscript(ref.first.out), 'the first boot');
    t.is(typedTranscript(ours.second.out), typedTranscript(ref.second.out), 'the second boot');
  });
}
