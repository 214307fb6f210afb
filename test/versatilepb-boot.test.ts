/**
 * Booting a Linux-style raw image on -M versatilepb with -append, -initrd and -dtb, against
 * Debian's qemu-system-arm:
 * - the FDT reader/writer (boards/fdt.ts): dtc's blobs round-trip byte for byte; malformed
 *   blobs get a clear error;
 * - the dtb handed to the kernel (boards/arm/boot.ts) is byte for byte the one qemu dumps with
 *   -machine dumpdtb=FILE (and decompiles the same with dtc -O dts);
 * - test/arm-programs/bootinfo.bin, entered through the boot stub, prints what it sees (r0-r2,
 *   the ATAGs or every node and property of the dtb, the initrd's place and CRC, the system
 *   controller, the PL031 RTC, PrimeCell IDs, the PL050s' PS/2 keyboard and mouse replies and
 *   interrupts): the same output as under qemu, in both engines;
 * - the loading errors are one line each.
 */
import test from 'ava';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FdtError, fdtNode, parseFdt, writeFdt } from '../boards/fdt.js';
import { fixupDtb, initrdAddress, dtbAddress } from '../boards/arm/boot.js';
import { Pl031 } from '../boards/versatilepb/pl031.js';
import { TOOLS, testNeeding } from './support/tools.js';

const run = promisify(execFile);
const ROOT = process.cwd();
const BIN = join(ROOT, 'bin/dynwasm-system-arm.js');
const BOOTINFO = join(ROOT, 'test/arm-programs/build/bootinfo.bin');
const TMP = mkdtempSync(join(tmpdir(), 'dynwasm-vpb-boot-'));

const withDtc = testNeeding(TOOLS.dtc);
const withQemu = testNeeding(TOOLS.dtc, TOOLS.qemuSystemArm, TOOLS.armNoneEabiGcc);

/** A board-like tree: /chosen with stdout-path, a /memory without unit address, an amba bus. */
const VPB_DTS = `/dts-v1/;
/ {
	model = "ARM Versatile PB";
	compatible = "arm,versatile-pb";
	#address-cells = <1>;
	#size-cells = <1>;
	interrupt-parent = <&vic>;
	chosen { stdout-path = &uart0; };
	aliases { serial0 = &uart0; };
	memory { device_type = "memory"; reg = <0x0 0x08000000>; };
	amba {
		compatible = "arm,amba-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		vic: intc@10140000 { compatible = "arm,versatile-vic"; interrupt-controller; #interrupt-cells = <1>; reg = <0x10140000 0x1000>; };
		uart0: uart@101f1000 { compatible = "arm,pl011", "arm,primecell"; reg = <0x101f1000 0x1000>; interrupts = <12>; };
		rtc@101e8000 { compatible = "arm,pl031", "arm,primecell"; reg = <0x101e8000 0x1000>; interrupts = <10>; };
	};
};
`;

/** No /chosen, two root memory nodes and a nested one, a reservation. */
const ODD_DTS = `/dts-v1/;
/memreserve/ 0x7000000 0x100000;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	model = "odd";
	memory@0 { device_type = "memory"; reg = <0x0 0x04000000>; };
	memory@4000000 { device_type = "memory"; reg = <0x04000000 0x04000000>; };
	soc { memory { reg = <1 2>; }; };
};
`;

/** Each file is made once: the tests run concurrently, and qemu must not read a half-written one. */
const made = new Set<string>();

function dtb(name: string, dts: string): string {
  const src = join(TMP, `${name}.dts`), out = join(TMP, `${name}.dtb`);
  if (made.has(out)) return out;
  made.add(out);
  writeFileSync(src, dts);
  execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', out, src]);
  return out;
}

const decompile = (file: string): string => execFileSync('dtc', ['-q', '-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });

withDtc('a dtc blob reads and writes back byte for byte, and reads as written', (t) => {
  for (const [name, dts] of [['vpb', VPB_DTS], ['odd', ODD_DTS]] as const) {
    const blob = readFileSync(dtb(name, dts));
    const fdt = parseFdt(blob);
    t.deepEqual(writeFdt(fdt), new Uint8Array(blob), name);
  }
  const fdt = parseFdt(readFileSync(dtb('vpb', VPB_DTS)));
  t.is(fdt.root.string('model'), 'ARM Versatile PB');
  t.deepEqual(fdtNode(fdt, '/memory')?.cells('reg'), [0, 0x08000000]);
  t.deepEqual(fdtNode(fdt, '/amba/uart@101f1000')?.cells('interrupts'), [12]);
  t.is(fdtNode(fdt, '/chosen')?.string('stdout-path'), '/amba/uart@101f1000');
  const odd = parseFdt(readFileSync(dtb('odd', ODD_DTS)));
  t.deepEqual(odd.reservations, [[0x7000000n, 0x100000n]]);
});

withDtc('the written blob decompiles with dtc to the changed tree', (t) => {
  const file = dtb('vpb', VPB_DTS);
  const fdt = parseFdt(readFileSync(file));
  const chosen = fdtNode(fdt, '/chosen')!;
  chosen.setString('bootargs', 'console=ttyAMA0');
  chosen.setCells('linux,initrd-start', [0x4000000]);
  fdtNode(fdt, '/memory')!.nop = true;
  fdt.root.addChild('memory@0').setCells('reg', [0, 0x2000000]);
  const out = join(TMP, 'changed.dtb');
  writeFileSync(out, writeFdt(fdt, { totalSize: 8192 }));
  const dts = decompile(out);
  t.regex(dts, /chosen \{\n\t\tlinux,initrd-start = <0x4000000>;\n\t\tbootargs = "console=ttyAMA0";\n\t\tstdout-path = "\/amba\/uart@101f1000";/);
  t.regex(dts, /\/ \{[^]*?\n\tmemory@0 \{\n\t\treg = <0x00 0x2000000>;\n\t\};\n\n\tchosen/);
  t.notRegex(dts, /memory \{/);
  t.is(readFileSync(out).length, 8192);
});

test('malformed blobs get a clear error', (t) => {
  const good = new Uint8Array(64);
  const dv = new DataView(good.buffer);
  [0xd00dfeed, 64, 56, 64, 40, 17, 16, 0, 0, 8].forEach((v, i) => dv.setUint32(i * 4, v));
  dv.setUint32(56, 0x1); // FDT_BEGIN_NODE without its name's terminator inside the block
  const cases: [Uint8Array, RegExp][] = [
    [good.slice(0, 10), /truncated device tree blob \(10 bytes, shorter than the header\)/],
    [new Uint8Array(2), /not a device tree blob/],
    [new Uint8Array(64).fill(0x41), /magic 0x41414141/],
    [good.slice(0, 48), /truncated device tree blob \(header says 64 bytes, file has 48\)/],
    [good, /structure block ends without FDT_END|not NUL-terminated/],
  ];
  for (const [blob, message] of cases) t.throws(() => parseFdt(blob), { instanceOf: FdtError, message });
  const blob = readMinimal();
  t.throws(() => fixupDtb(blob, { ramBase: 0, ramSize: 1 << 27 }), { instanceOf: FdtError, message: /invalid \(no #address-cells in \/\)/ });
});

/** A blob with an empty root (no #address-cells): BEGIN_NODE "", END_NODE, END. */
function readMinimal(): Uint8Array {
  const b = new Uint8Array(40 + 16 + 16);
  const dv = new DataView(b.buffer);
  [0xd00dfeed, b.length, 56, 72, 40, 17, 16, 0, 0, 16].forEach((v, i) => dv.setUint32(i * 4, v));
  [1, 0, 2, 9].forEach((v, i) => dv.setUint32(56 + i * 4, v));
  return b;
}

test('initrd and dtb addresses follow qemu', (t) => {
  t.is(initrdAddress(0, 128 << 20, 0x10000 + 5000), 64 << 20);
  t.is(initrdAddress(0, 256 << 20, 0x10000), 128 << 20);
  t.is(initrdAddress(0, 8 << 20, 0x10000 + (6 << 20) + 1), 0x610400); // above a big kernel, 1 KiB aligned
  t.is(dtbAddress(64 << 20, 5000), (64 << 20) + 8192);
  t.is(dtbAddress(64 << 20, 0), 64 << 20);
});

/** qemu writes its output to a file (a pipe to a busy test process can drop output). */
async function qemu(args: string[]): Promise<{ stdout: string; status: number }> {
  const file = join(mkdtempSync(join(TMP, 'q-')), 'stdout');
  const fd = openSync(file, 'w');
  const child = spawn('qemu-system-arm', args, { stdio: ['ignore', fd, 'ignore'], env: { ...process.env, QEMU_AUDIO_DRV: 'none' } });
  closeSync(fd);
  const status = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill(); reject(new Error('qemu-system-arm timed out')); }, 60_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve(code ?? -1); });
  });
  return { stdout: readFileSync(file, 'latin1'), status };
}

async function ours(args: string[]): Promise<{ stdout: string; stderr: string; status: number }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { encoding: 'latin1', timeout: 60_000 });
    return { stdout: r.stdout, stderr: r.stderr, status: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number | string };
    if (typeof err.code !== 'number') throw e;
    return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', status: err.code };
  }
}

function initrd(size: number): string {
  const file = join(TMP, `initrd-${size}`);
  if (made.has(file)) return file;
  made.add(file);
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 8)) & 0xff;
  writeFileSync(file, data);
  return file;
}

withQemu('the dtb given to the kernel is qemu\'s, byte for byte', async (t) => {
  const vpb = dtb('vpb', VPB_DTS), odd = dtb('odd', ODD_DTS), rd = initrd(5000);
  const cases: { name: string; args: string[]; ram: number; start?: number; size?: number; cmdline?: string }[] = [
    { name: 'vpb', args: ['-dtb', vpb, '-initrd', rd, '-append', 'console=ttyAMA0 rdinit=/bin/sh'], ram: 128 << 20, start: 64 << 20, size: 5000, cmdline: 'console=ttyAMA0 rdinit=/bin/sh' },
    { name: 'vpb-256', args: ['-m', '256', '-dtb', vpb], ram: 256 << 20 },
    { name: 'odd', args: ['-m', '64', '-dtb', odd, '-initrd', rd, '-append', 'x'], ram: 64 << 20, start: 32 << 20, size: 5000, cmdline: 'x' },
  ];
  // A kernel reaching past half of RAM pushes the initrd above it, 1 KiB aligned (ARM926 pages).
  const bigKernel = join(TMP, 'big-kernel.bin');
  writeFileSync(bigKernel, new Uint8Array(69_998_977));
  cases.push({ name: 'big-kernel', args: ['-dtb', vpb, '-initrd', rd], ram: 128 << 20, start: initrdAddress(0, 128 << 20, 0x10000 + 69_998_977), size: 5000 });
  t.is(cases[cases.length - 1].start, 0x42d1c00);
  for (const c of cases) {
    const kernel = c.name === 'big-kernel' ? bigKernel : BOOTINFO;
    const dump = join(TMP, `${c.name}-qemu.dtb`), mine = join(TMP, `${c.name}-ours.dtb`);
    const q = await qemu(['-M', `versatilepb,dumpdtb=${dump}`, '-nographic', '-kernel', kernel, ...c.args]);
    t.is(q.status, 0, c.name);
    const src = readFileSync(c.args[c.args.indexOf('-dtb') + 1]);
    const out = fixupDtb(src, { ramBase: 0, ramSize: c.ram, cmdline: c.cmdline, random: null, initrd: c.size ? { start: c.start!, size: c.size } : undefined });
    writeFileSync(mine, out);
    t.is(decompile(mine), decompile(dump), c.name);
    const ref = readFileSync(dump);
    t.is(out.length, ref.length, `${c.name}: total size`);
    t.deepEqual(Array.from(out.subarray(0, 40)), Array.from(ref.subarray(0, 40)), `${c.name}: header`);
    t.true(Buffer.from(out).equals(ref), `${c.name}: the same bytes (libfdt's edits, stale padding included)`);
  }
});

const BOOTS: [string, string[]][] = [
  ['dtb, initrd and command line', ['-dtb', 'vpb', '-initrd', 'rd', '-append', 'console=ttyAMA0 rdinit=/bin/sh']],
  ['dtb alone, 256 MiB', ['-m', '256', '-dtb', 'vpb']],
  ['dtb without /chosen, with memory nodes and a reservation', ['-dtb', 'odd', '-append', 'root=/dev/ram']],
  ['ATAGs with an initrd', ['-initrd', 'rd', '-append', 'console=ttyAMA0']],
  ['ATAGs alone', []],
  ['an ELF with a dtb (at 0) and an initrd (ignored)', ['-kernel', 'elf', '-dtb', 'vpb', '-initrd', 'rd', '-append', 'console=ttyAMA0']],
];

for (const [title, template] of BOOTS) {
  withQemu(`bootinfo.bin, ${title}: what the kernel sees is qemu's, in both engines`, async (t) => {
    t.true(existsSync(BOOTINFO), `build it with scripts/build-arm-programs.sh: ${BOOTINFO}`);
    const files: Record<string, string> = { vpb: dtb('vpb', VPB_DTS), odd: dtb('odd', ODD_DTS), rd: initrd(100_003), elf: BOOTINFO.replace(/\.bin$/, '.elf') };
    const extra = template.map((a, i) => (i > 0 && ['-dtb', '-initrd', '-kernel'].includes(template[i - 1]) ? files[a] : a));
    const args = ['-M', 'versatilepb', '-nographic', '-semihosting', ...(extra.includes('-kernel') ? [] : ['-kernel', BOOTINFO]), ...extra];
    const [ref, jit, interp] = await Promise.all([qemu(args), ours([...args, '-accel', 'jit']), ours([...args, '-accel', 'interp'])]);
    t.true(ref.stdout.includes('bootinfo: PASS'), ref.stdout.slice(-300));
    t.is(ref.status, 0);
    t.deepEqual(jit, { stdout: ref.stdout, stderr: '', status: 0 }, 'jit');
    t.deepEqual(interp, { stdout: ref.stdout, stderr: '', status: 0 }, 'interp');
  });
}

test('loading errors are one line', async (t) => {
  const bad = join(TMP, 'bad.dtb');
  writeFileSync(bad, 'not a device tree, just text');
  const big = join(TMP, 'big.initrd');
  writeFileSync(big, new Uint8Array(70 << 20));
  const kernel = join(TMP, 'k.bin');
  writeFileSync(kernel, new Uint8Array(256));
  const base = ['-M', 'versatilepb', '-nographic', '-kernel', kernel];
  const cases: [string[], string][] = [
    [['-dtb', join(TMP, 'missing.dtb')], `could not load dtb '${join(TMP, 'missing.dtb')}': no such file`],
    [['-initrd', join(TMP, 'missing')], `could not load initrd '${join(TMP, 'missing')}': no such file`],
    [['-dtb', bad], `dtb file ${bad}: not a device tree blob (magic 0x6e6f7420, expected 0xd00dfeed)`],
    [['-initrd', big], `could not load initrd '${big}': 73400320 bytes do not fit in RAM at 0x4000000 (0x4000000 bytes left; use -m for more RAM)`],
  ];
  for (const [extra, message] of cases) {
    const r = await ours([...base, ...extra]);
    t.deepEqual(r, { stdout: '', stderr: `dynwasm-system-arm: ${message}\n`, status: 1 }, extra.join(' '));
  }
});

test('PL031: the match interrupt comes when DR reaches MR, later or at once; LR moves DR', (t) => {
  let now = 1_700_000_000_500; // ms
  const levels: boolean[] = [];
  const rtc = new Pl031((level) => levels.push(level), () => now);
  t.is(rtc.read(0x00), 1_700_000_000);
  rtc.write(0x10, 4, 1); // IMSC
  rtc.write(0x04, 4, 1_700_000_002); // MR in 2 s
  t.is(rtc.read(0x14), 0);
  now += 1900;
  rtc.poll();
  t.is(rtc.read(0x14), 0, 'not yet: 1.9 s of the 2');
  now += 100;
  rtc.poll();
  t.is(rtc.read(0x14), 1);
  t.is(rtc.read(0x18), 1);
  t.deepEqual(levels, [true]);
  rtc.write(0x1c, 4, 1);
  t.is(rtc.read(0x14), 0);
  t.deepEqual(levels, [true, false]);
  rtc.write(0x08, 4, 5); // LR: DR counts from 5
  t.is(rtc.read(0x00), 5);
  t.is(rtc.read(0x08), 5);
  rtc.write(0x04, 4, 5); // MR = DR: at once
  t.is(rtc.read(0x14), 1);
  t.is(rtc.read(0x0c), 1);
  t.deepEqual([0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => rtc.read(o)), [0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
});

/**
 * Linux's own blob (the committed demo/linux/versatile-pb.dtb, or the one VERSATILE_PB_DTB
 * names): it round-trips, and what the kernel gets is qemu's, byte for byte.
 */
const LINUX_DTB = process.env.VERSATILE_PB_DTB ?? join(ROOT, 'demo/linux/versatile-pb.dtb');
withQemu('Linux\'s versatile-pb.dtb: round trip, and qemu\'s bytes after the fixup', async (t) => {
  const blob = readFileSync(LINUX_DTB);
  t.true(Buffer.from(writeFdt(parseFdt(blob))).equals(blob));
  const dump = join(TMP, 'linux-qemu.dtb'), rd = initrd(5000), cmdline = 'console=ttyAMA0 rdinit=/bin/sh';
  const q = await qemu(['-M', `versatilepb,dumpdtb=${dump}`, '-nographic', '-kernel', BOOTINFO, '-dtb', LINUX_DTB, '-initrd', rd, '-append', cmdline]);
  t.is(q.status, 0);
  const out = fixupDtb(blob, { ramBase: 0, ramSize: 128 << 20, cmdline, random: null, initrd: { start: 64 << 20, size: 5000 } });
  t.true(Buffer.from(out).equals(readFileSync(dump)));
});
