/**
 * dynwasm-system-arm as a child process: usage and loading errors are one line with status 1
 * (never a stack trace); programs built at test time print what qemu-system-arm prints and
 * exit with the same status, in both engines.
 */
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildElf, crossTest, helloSource, qemuTest, SEMIHOST_ASM_PRELUDE, workDir } from './support/cross.js';

const BIN = join(process.cwd(), 'bin/dynwasm-system-arm.js');

function run(args: string[], input = '') {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'latin1', input, timeout: 60000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function qemu(args: string[]) {
  const r = spawnSync('qemu-system-arm', args, { encoding: 'latin1', input: '', timeout: 30000, env: { ...process.env, QEMU_AUDIO_DRV: 'none' } });
  return { status: r.status, stdout: r.stdout };
}

function oneLineError(t: import('ava').ExecutionContext, r: ReturnType<typeof run>, re: RegExp): void {
  t.is(r.status, 1, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  t.is(lines.length, 1, r.stderr);
  t.true(lines[0].startsWith('dynwasm-system-arm: '), r.stderr);
  t.regex(lines[0], re);
  t.notRegex(r.stderr, /\n\s+at /);
  t.is(r.stdout, '');
}

test('usage errors are one line and exit 1', (t) => {
  oneLineError(t, run(['-M', 'versatilepb', '-bogus']), /-bogus: unknown option \(try 'dynwasm-system-arm -help'\)/);
  oneLineError(t, run(['-M', 'versatilepb', '-kernel']), /-kernel: requires an argument/);
  oneLineError(t, run(['-M', 'nosuchboard', '-kernel', 'x']), /-M nosuchboard: unsupported machine type/);
  oneLineError(t, run(['-kernel', 'x']), /no machine specified/);
  oneLineError(t, run(['-M', 'versatilepb']), /no -kernel given/);
  oneLineError(t, run(['-M', 'versatilepb', '-kernel', '/nonexistent/k.elf']), /could not load kernel '\/nonexistent\/k.elf': no such file/);
  oneLineError(t, run(['-M', 'versatilepb', '-m', 'lots', '-kernel', 'x']), /-m lots: invalid RAM size/);
  oneLineError(t, run(['-M', 'versatilepb', '-m', '512M', '-kernel', BIN]), /memory size must not exceed 256MB/);
  oneLineError(t, run(['-M', 'versatilepb', '-accel', 'kvm', '-kernel', 'x']), /-accel kvm: unknown accelerator/);
  oneLineError(t, run(['-M', 'versatilepb', '-d', 'nonsense', '-kernel', 'x']), /-d nonsense: unknown log item 'nonsense'/);
});

test('-sd and -drive if=sd: a missing image, a size QEMU refuses and unsupported -drive options are one-line errors', (t) => {
  const dir = workDir();
  const odd = join(dir, 'odd.img');
  writeFileSync(odd, new Uint8Array(3000000));
  const k = ['-M', 'versatilepb', '-kernel', BIN];
  oneLineError(t, run([...k, '-sd', '/nonexistent/sd.img']), /: -sd \/nonexistent\/sd.img: Could not open '\/nonexistent\/sd.img': No such file or directory$/);
  oneLineError(t, run([...k, '-drive', 'file=/nonexistent/sd.img,if=sd']), /: -drive file=\/nonexistent\/sd.img,if=sd: Could not open/);
  oneLineError(t, run([...k, '-sd', odd]), /: Invalid SD card size: 2.86 MiB: SD card size has to be a power of 2, e.g. 4 MiB$/);
  oneLineError(t, run([...k, '-drive', `file=${odd},if=sd,format=qcow2`]), /format=qcow2 is not supported \(only raw images\)/);
  oneLineError(t, run([...k, '-drive', `file=${odd},if=sd,snapshot=maybe`]), /snapshot=maybe: use on or off/);
  oneLineError(t, run([...k, '-drive', `file=${odd},if=sd,cache=none`]), /unsupported option 'cache'/);
  oneLineError(t, run([...k, '-drive', `file=${odd},if=ide`]), /if=ide is not supported: use if=sd/);
  oneLineError(t, run([...k, '-sd', odd, '-sd', odd, '-sd', odd]), /machine type does not support if=sd,bus=0,unit=2/);
});

test('-help, -M help and -d help list what there is', (t) => {
  const h = run(['-help']);
  t.is(h.status, 0);
  t.regex(h.stdout, /-nographic/);
  t.regex(h.stdout, /no display/);
  t.regex(h.stdout, /-initrd FILE/);
  t.regex(h.stdout, /-dtb FILE/);
  t.regex(h.stdout, /-sd FILE/);
  t.regex(h.stdout, /-drive file=FILE,if=sd\[,format=raw\]\[,snapshot=on\|off\]/);
  t.regex(h.stdout, /-snapshot {2,}the SD images are opened read-only/);
  const m = run(['-M', 'help']);
  t.is(m.status, 0);
  t.regex(m.stdout, /versatilepb/);
  const d = run(['-d', 'help']);
  t.is(d.status, 0);
  t.regex(d.stdout, /in_asm/);
});

crossTest('bad kernel files are one-line errors', (t) => {
  const d = workDir();
  const elf = new Uint8Array(readFileSync(buildElf('cli-bad', { 'hello.S': helloSource(0) })));
  const x86 = elf.slice();
  new DataView(x86.buffer).setUint16(18, 62, true);
  writeFileSync(join(d, 'x86.elf'), x86);
  oneLineError(t, run(['-M', 'versatilepb', '-kernel', join(d, 'x86.elf')]), /x86\.elf: ELF for x86-64, not ARM$/);
  writeFileSync(join(d, 'trunc.elf'), elf.subarray(0, 200));
  oneLineError(t, run(['-M', 'versatilepb', '-kernel', join(d, 'trunc.elf')]), /trunc\.elf: truncated ELF: segment \d+ ends at byte \d+ of a 200-byte file$/);
  writeFileSync(join(d, 'short.elf'), elf.subarray(0, 30));
  oneLineError(t, run(['-M', 'versatilepb', '-kernel', join(d, 'short.elf')]), /short\.elf: truncated ELF: the header needs 52 bytes/);
  // Linked above 128 MiB of RAM: 0x9000000.
  const high = buildElf('cli-high', { 'hello.S': helloSource(0) }, ['-Wl,--section-start=.data=0x9000000']);
  oneLineError(t, run(['-M', 'versatilepb', '-kernel', high]), /segment \d+ at 0x9000000-0x[0-9a-f]+ is outside RAM \(128 MiB at 0x0\)/);
  // ...which fits with -m 256.
  t.is(run(['-M', 'versatilepb', '-m', '256', '-semihosting', '-kernel', high]).status, 0);
});

for (const accel of ['jit', 'interp']) {
  qemuTest(`hello world: same stdout and exit status as qemu-system-arm (${accel})`, (t) => {
    for (const code of [0, 3]) {
      const elf = buildElf(`hello${code}`, { 'hello.S': helloSource(code) });
      const args = ['-M', 'versatilepb', '-nographic', '-semihosting', '-kernel', elf];
      const ref = qemu(args);
      t.is(ref.stdout, 'Hello, semihosting world!\nHello from UART0\n');
      t.is(ref.status, code);
      const ours = run([...args, '-accel', accel]);
      t.is(ours.stdout, ref.stdout);
      t.is(ours.status, ref.status, ours.stderr);
    }
  });
}

crossTest('semihosting exit rules (qemu 7.2, 32-bit ARM)', (t) => {
  const cases: [string, number][] = [
    ['mov r0, #0x18\n ldr r1, =0x20026\n svc 0x123456', 0], // SYS_EXIT ApplicationExit
    ['mov r0, #0x18\n ldr r1, =0x20023\n svc 0x123456', 1], // SYS_EXIT, any other reason
    ['mov r0, #0x20\n ldr r1, =blk1\n svc 0x123456', 7], // SYS_EXIT_EXTENDED {ApplicationExit, 7}
    ['mov r0, #0x20\n ldr r1, =blk2\n svc 0x123456', 1], // SYS_EXIT_EXTENDED {RunTimeError, 7}
    ['mov r0, #0x20\n ldr r1, =blk3\n svc 0x123456', 0x34], // subcode 0x1234 & 0xff
    ['msr cpsr_c, #0xdf\n mov r0, #0x20\n ldr r1, =blk1\n svc 0x123456', 7], // SYS mode is privileged
  ];
  cases.forEach(([body, want], i) => {
    const elf = buildElf(`exit${i}`, { 'exit.S': `${SEMIHOST_ASM_PRELUDE}
_start:
	${body}
1:	b 1b
	.ltorg
	.data
blk1:	.word 0x20026, 7
blk2:	.word 0x20023, 7
blk3:	.word 0x20026, 0x1234
` });
    for (const accel of ['jit', 'interp']) t.is(run(['-M', 'versatilepb', '-semihosting', '-accel', accel, '-kernel', elf]).status, want, `${body} (${accel})`);
  });
});

crossTest('from User mode, SVC 0x123456 is an ordinary SWI, not semihosting', (t) => {
  // The SWI vector (0x08) exits through semihosting with status 42 when semihosting is on,
  // so an SVC from User mode that reaches it (instead of exiting 0) shows as 42.
  const elf = buildElf('usermode', { 'user.S': `${SEMIHOST_ASM_PRELUDE}
_start:
	ldr r0, =vec
	ldr r1, [r0]
	mov r2, #8
	str r1, [r2]              @ vector 0x08: b swi_handler (position-independent copy below)
	ldr r1, [r0, #4]
	str r1, [r2, #4]
	ldr sp, =0x100000
	msr cpsr_c, #0xd0         @ User mode
	mov r0, #0x18
	ldr r1, =0x20026
	svc 0x123456              @ not semihosting in User mode: takes the SWI exception
1:	b 1b
vec:	ldr pc, [pc, #-4]
	.word swi_handler
swi_handler:
	mrs r5, cpsr
	and r5, r5, #0x1f
	cmp r5, #0x13             @ in SVC mode now
	bne 1b
	mov r0, #0x20
	ldr r1, =blk
	svc 0x123456
	.ltorg
	.data
blk:	.word 0x20026, 42
` });
  for (const accel of ['jit', 'interp']) t.is(run(['-M', 'versatilepb', '-semihosting', '-accel', accel, '-kernel', elf]).status, 42);
});

crossTest('PL011: UART0 output to stdout, input from stdin, ID registers', (t) => {
  const elf = buildElf('uartio', { 'uart.S': `${SEMIHOST_ASM_PRELUDE}
_start:
	ldr r2, =0x101f1000
	ldrb r4, [r2, #0xfe0]      @ PeriphID0 = 0x11
	ldr r5, [r2, #0xffc]       @ PCellID3 = 0xb1
	ldr r6, [r2, #0x18]        @ FR
	mov r3, #3                 @ echo 3 bytes, each + 1
1:	ldr r1, [r2, #0x18]
	tst r1, #0x10              @ RXFE
	bne 1b
	ldr r0, [r2]
	add r0, r0, #1
	str r0, [r2]
	subs r3, r3, #1
	bne 1b
	mov r0, #'\\n'
	str r0, [r2]
	cmp r4, #0x11
	cmpeq r5, #0xb1
	andeq r6, r6, #0xa8        @ TXFE|TXFF|BUSY: transmit is always ready
	cmpeq r6, #0x80
	ldr r1, =blk
	moveq r0, #5
	movne r0, #9
	str r0, [r1, #4]
	mov r0, #0x20
	svc 0x123456
2:	b 2b
	.ltorg
	.data
blk:	.word 0x20026, 0
` });
  for (const accel of ['jit', 'interp']) {
    const r = run(['-M', 'versatilepb', '-nographic', '-semihosting', '-accel', accel, '-kernel', elf], 'abc');
    t.is(r.stdout, 'bcd\n', r.stderr);
    t.is(r.status, 5);
  }
});

crossTest('-stats prints instruction and translation counts to stderr', (t) => {
  const elf = buildElf('stats', { 'hello.S': helloSource(0) });
  for (const accel of ['jit', 'interp']) {
    const r = run(['-M', 'versatilepb', '-semihosting', '-stats', '-accel', accel, '-kernel', elf]);
    t.is(r.status, 0);
    t.regex(r.stderr, new RegExp(`stats: engine\\s+${accel}`));
    t.regex(r.stderr, /guest instructions\s+\d+/);
    t.regex(r.stderr, /blocks translated\s+\d+/);
    if (accel === 'jit') t.regex(r.stderr, /wasm bytes\s+\d+/);
  }
});

crossTest('a raw image is entered through the boot stub: r0=0, r1=0x183, r2=0x100, ATAGs there', (t) => {
  const elf = buildElf('raw', { 'raw.S': `${SEMIHOST_ASM_PRELUDE}
_start:
	ldr r5, =0x183
	cmp r0, #0
	cmpeq r1, r5
	cmpeq r2, #0x100
	ldreq r6, [r2, #4]         @ ATAG_CORE tag
	ldreq r7, =0x54410001
	cmpeq r6, r7
	moveq r4, #6
	movne r4, #9
	adr r1, blk
	str r4, [r1, #4]
	mov r0, #0x20
	svc 0x123456
1:	b 1b
	.ltorg
blk:	.word 0x20026, 0
` });
  const raw = join(workDir(), 'raw.bin');
  const r0 = spawnSync('arm-none-eabi-objcopy', ['-O', 'binary', elf, raw]);
  t.is(r0.status, 0);
  for (const accel of ['jit', 'interp']) t.is(run(['-M', 'versatilepb', '-semihosting', '-accel', accel, '-kernel', raw]).status, 6);
});

qemuTest('-nographic console escapes as QEMU: Ctrl-A h prints help, Ctrl-A x ends the emulator with status 0', (t) => {
  const args = ['-M', 'versatilepb', '-nographic', '-kernel', join(process.cwd(), 'demo/versatilepb/demo.elf')];
  const ours = run(args, '\x01h\x01x');
  const r = spawnSync('qemu-system-arm', args, { encoding: 'latin1', input: '\x01h\x01x', timeout: 30000, env: { ...process.env, QEMU_AUDIO_DRV: 'none' } });
  t.is(ours.status, 0, ours.stderr);
  t.is(r.status, 0);
  // QEMU's help lists escapes we do not have (s, t, b); the lines we print are its lines.
  const helpLines = (s: string) => s.split('\n\r').filter((l) => l.startsWith('C-a '));
  const qemuHelp = helpLines(r.stdout);
  for (const line of helpLines(ours.stdout)) t.true(qemuHelp.includes(line), `${JSON.stringify(line)} is one of QEMU's help lines`);
  t.deepEqual(helpLines(ours.stdout).map((l) => l.slice(0, 8)), ['C-a h   ', 'C-a x   ', 'C-a c   ', 'C-a C-a ']);
  t.true(ours.stdout.endsWith('QEMU: Terminated\n\r'), JSON.stringify(ours.stdout.slice(-40)));
  t.true(r.stdout.endsWith('QEMU: Terminated\n\r'));
});

/**
 * Bad input files for -kernel, -dtb, -initrd and -sd: missing, a directory, a FIFO (reading it
 * would wait for good), empty, truncated or not what it should be, an SD size QEMU refuses.
 * Each is one line on stderr and status 1, at once, and no file in the directory changes.
 * Where qemu-system-arm 7.2 refuses the same input it exits 1 too; the message follows its
 * wording ("could not load kernel 'X'", "-sd X: Could not open 'X': ...", "'file' driver
 * requires 'X' to be a regular file"). Where dynwasm refuses and qemu does not (an empty
 * kernel or a truncated ELF qemu runs as zeros or raw bytes; a FIFO qemu waits on) that is said
 * in the case's name.
 */
const BAD_INPUT_CASES: { name: string; args: (f: Record<string, string>) => string[]; message: RegExp; qemuRefuses: boolean }[] = [
  { name: 'missing kernel', args: (f) => ['-kernel', f.missing], message: /could not load kernel '.*\/missing': no such file$/, qemuRefuses: true },
  { name: 'kernel is a directory', args: (f) => ['-kernel', f.dir], message: /could not load kernel '.*\/dir': is a directory$/, qemuRefuses: true },
  { name: 'kernel is a FIFO (qemu waits on it)', args: (f) => ['-kernel', f.fifo], message: /could not load kernel '.*\/fifo': not a regular file$/, qemuRefuses: false },
  { name: 'empty kernel (qemu runs it)', args: (f) => ['-kernel', f.empty], message: /empty: empty kernel image$/, qemuRefuses: false },
  { name: 'truncated ELF kernel (qemu runs it as a raw image)', args: (f) => ['-kernel', f.truncElf], message: /trunc\.elf: truncated ELF: the header needs 52 bytes, the file has 7$/, qemuRefuses: false },
  { name: 'missing dtb', args: (f) => ['-kernel', f.kernel, '-dtb', f.missing], message: /could not load dtb '.*\/missing': no such file$/, qemuRefuses: true },
  { name: 'dtb is a directory', args: (f) => ['-kernel', f.kernel, '-dtb', f.dir], message: /could not load dtb '.*\/dir': is a directory$/, qemuRefuses: true },
  { name: 'dtb is a FIFO', args: (f) => ['-kernel', f.kernel, '-dtb', f.fifo], message: /could not load dtb '.*\/fifo': not a regular file$/, qemuRefuses: false },
  { name: 'dtb is text', args: (f) => ['-kernel', f.kernel, '-dtb', f.text], message: /dtb file .*text\.dtb: not a device tree blob \(magic 0x6e6f7420, expected 0xd00dfeed\)$/, qemuRefuses: true },
  { name: 'empty dtb', args: (f) => ['-kernel', f.kernel, '-dtb', f.empty], message: /dtb file .*empty: not a device tree blob/, qemuRefuses: true },
  { name: 'truncated dtb', args: (f) => ['-kernel', f.kernel, '-dtb', f.truncDtb], message: /dtb file .*trunc\.dtb: truncated device tree blob \(header says \d+ bytes, file has 100\)$/, qemuRefuses: true },
  { name: 'missing initrd', args: (f) => ['-kernel', f.kernel, '-initrd', f.missing], message: /could not load initrd '.*\/missing': no such file$/, qemuRefuses: true },
  { name: 'initrd is a directory', args: (f) => ['-kernel', f.kernel, '-initrd', f.dir], message: /could not load initrd '.*\/dir': is a directory$/, qemuRefuses: true },
  { name: 'initrd is a FIFO', args: (f) => ['-kernel', f.kernel, '-initrd', f.fifo], message: /could not load initrd '.*\/fifo': not a regular file$/, qemuRefuses: false },
  { name: 'missing SD image', args: (f) => ['-kernel', f.kernel, '-sd', f.missing], message: /-sd .*\/missing: Could not open '.*\/missing': No such file or directory$/, qemuRefuses: true },
  { name: 'SD image is a directory', args: (f) => ['-kernel', f.kernel, '-sd', f.dir], message: /-sd .*\/dir: 'file' driver requires '.*\/dir' to be a regular file$/, qemuRefuses: true },
  { name: 'SD image is a directory, with -snapshot', args: (f) => ['-kernel', f.kernel, '-snapshot', '-sd', f.dir], message: /'file' driver requires '.*\/dir' to be a regular file$/, qemuRefuses: true },
  { name: 'SD image is a FIFO (qemu waits on it)', args: (f) => ['-kernel', f.kernel, '-sd', f.fifo], message: /-sd .*\/fifo: 'file' driver requires '.*\/fifo' to be a regular file$/, qemuRefuses: false },
  { name: 'SD image of a size QEMU refuses', args: (f) => ['-kernel', f.kernel, '-drive', `file=${f.odd},if=sd,format=raw`], message: /Invalid SD card size: 2\.86 MiB: SD card size has to be a power of 2, e.g\. 4 MiB$/, qemuRefuses: true },
];

function badInputFiles(): { dir: string; files: Record<string, string> } {
  const dir = join(workDir(), 'bad-input');
  mkdirSync(dir, { recursive: true });
  const p = (n: string) => join(dir, n);
  writeFileSync(p('kernel.bin'), new Uint8Array(256));
  writeFileSync(p('empty'), '');
  writeFileSync(p('trunc.elf'), Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 1, 1, 1));
  writeFileSync(p('text.dtb'), 'not a device tree, just text\n');
  writeFileSync(p('trunc.dtb'), readFileSync(join(process.cwd(), 'demo/linux/versatile-pb.dtb')).subarray(0, 100));
  writeFileSync(p('odd.img'), new Uint8Array(3_000_000).fill(0x5a));
  mkdirSync(p('dir'), { recursive: true });
  try { statSync(p('fifo')); } catch { execFileSync('mkfifo', [p('fifo')]); }
  return {
    dir,
    files: { kernel: p('kernel.bin'), empty: p('empty'), truncElf: p('trunc.elf'), text: p('text.dtb'), truncDtb: p('trunc.dtb'), odd: p('odd.img'), dir: p('dir'), fifo: p('fifo'), missing: p('missing') },
  };
}

/** Every regular file in `dir`, with its sha256 and mode: what "nothing was modified" compares. */
function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of readdirSync(dir)) {
    const st = statSync(join(dir, n));
    out[n] = st.isFile() ? `${createHash('sha256').update(readFileSync(join(dir, n))).digest('hex')} ${st.mode.toString(8)}` : `${st.isDirectory() ? 'dir' : 'other'} ${st.mode.toString(8)}`;
  }
  return out;
}

test('bad -kernel, -dtb, -initrd and -sd files: one line on stderr, status 1, nothing modified', (t) => {
  const { dir, files } = badInputFiles();
  const before = snapshotDir(dir);
  for (const c of BAD_INPUT_CASES) {
    for (const engine of ['jit', 'interp']) {
      const r = run(['-M', 'versatilepb', '-nographic', '-accel', engine, ...c.args(files)]);
      t.is(r.status, 1, `${c.name} (${engine}): ${r.stderr}`);
      t.is(r.stderr.split('\n').length, 2, `${c.name} (${engine}): one line: ${r.stderr}`);
      t.regex(r.stderr, /^dynwasm-system-arm: /, c.name);
      t.regex(r.stderr.trimEnd(), c.message, c.name);
      t.notRegex(r.stderr, /\n\s+at |internal error/, c.name);
      t.is(r.stdout, '', c.name);
    }
  }
  t.deepEqual(snapshotDir(dir), before, 'no file changed');
});

qemuTest('qemu-system-arm refuses the same bad files with status 1 (those it refuses)', (t) => {
  const { dir, files } = badInputFiles();
  const before = snapshotDir(dir);
  for (const c of BAD_INPUT_CASES.filter((x) => x.qemuRefuses)) {
    const r = spawnSync('qemu-system-arm', ['-M', 'versatilepb', '-nographic', '-monitor', 'none', ...c.args(files)],
      { encoding: 'latin1', input: '', timeout: 30000, env: { ...process.env, QEMU_AUDIO_DRV: 'none' } });
    t.is(r.status, 1, `${c.name}: ${r.stderr}`);
  }
  t.deepEqual(snapshotDir(dir), before, 'no file changed');
});

/**
 * Files the user may not read (mode 000): as root every file is readable, so the emulators run
 * as nobody (setpriv) then. One line, status 1, under both engines; qemu refuses them too.
 */
function unreadableFiles(): { files: Record<string, string>; asUser: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'dynwasm-unreadable-'));
  chmodSync(dir, 0o755);
  const files: Record<string, string> = {};
  for (const [name, size] of [['kernel.bin', 256], ['noread.bin', 256], ['noread.dtb', 64], ['noread.rd', 64], ['noread.img', 1 << 20]] as const) {
    files[name] = join(dir, name);
    writeFileSync(files[name], new Uint8Array(size));
    chmodSync(files[name], name === 'kernel.bin' ? 0o644 : 0o000);
  }
  const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  return { files, asUser };
}
const UNREADABLE_CASES: [string, (f: Record<string, string>) => string[], RegExp][] = [
  ['kernel', (f) => ['-kernel', f['noread.bin']], /could not load kernel '.*noread\.bin': permission denied$/],
  ['dtb', (f) => ['-kernel', f['kernel.bin'], '-dtb', f['noread.dtb']], /could not load dtb '.*noread\.dtb': permission denied$/],
  ['initrd', (f) => ['-kernel', f['kernel.bin'], '-initrd', f['noread.rd']], /could not load initrd '.*noread\.rd': permission denied$/],
  ['SD image', (f) => ['-kernel', f['kernel.bin'], '-sd', f['noread.img']], /-sd .*noread\.img: Could not open '.*noread\.img': Permission denied$/],
];

test('unreadable -kernel, -dtb, -initrd and -sd files: one line on stderr, status 1', (t) => {
  const { files, asUser } = unreadableFiles();
  for (const [what, args, message] of UNREADABLE_CASES) {
    for (const engine of ['jit', 'interp']) {
      const argv = [process.execPath, BIN, '-M', 'versatilepb', '-nographic', '-accel', engine, ...args(files)];
      const cmd = [...asUser, ...argv];
      const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'latin1', input: '', timeout: 60000 });
      t.is(r.status, 1, `${what} (${engine}): ${r.stderr}`);
      t.is(r.stderr.split('\n').length, 2, r.stderr);
      t.regex(r.stderr.trimEnd(), message);
      t.regex(r.stderr, /^dynwasm-system-arm: /);
    }
  }
});

qemuTest('qemu-system-arm refuses the same unreadable files with status 1', (t) => {
  const { files, asUser } = unreadableFiles();
  for (const [what, args] of UNREADABLE_CASES) {
    const cmd = [...asUser, 'qemu-system-arm', '-M', 'versatilepb', '-nographic', '-monitor', 'none', ...args(files)];
    const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'latin1', input: '', timeout: 30000, env: { ...process.env, QEMU_AUDIO_DRV: 'none' } });
    t.is(r.status, 1, `${what}: ${r.stderr}`);
  }
});
