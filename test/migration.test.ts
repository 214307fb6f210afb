/**
 * Saving and restoring a running machine (QEMU's migration: the monitor's `migrate`, the
 * command line's -incoming): the stream format refuses what is not an intact stream of its
 * version; a bare-metal program stopped at exact points (a gdb breakpoint's n-th hit), saved
 * and restored in a new process of the other engine prints the rest of its output and ends
 * as an uninterrupted run does; a Linux guest saved at its shell with a -snapshot SD card goes
 * on with its files, its processes' memory and its timers; bad streams get one line and status 1.
 */
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationError, crc32, decodeVmState, encodeVmState, VMSTATE_VERSION } from '../runtime/vmstate.js';
import { createVersatilePb, loadVersatilePb, saveVersatilePb, type VersatilePb } from '../boards/versatilepb/machine.js';
import { connectWhenListening } from './support/socket.js';
import { RawGdb, waitListening } from './support/rsp.js';

const ROOT = process.cwd();
const DYNWASM = join(ROOT, 'bin/dynwasm-system-arm.js');
const DEMO = join(ROOT, 'demo/versatilepb/demo.elf');
const LINUX = (f: string): string => join(ROOT, 'demo/linux', f);
const ENGINES = ['jit', 'interp'] as const;
const other = (e: 'jit' | 'interp'): 'jit' | 'interp' => (e === 'jit' ? 'interp' : 'jit');
const fresh = (): string => mkdtempSync(join(tmpdir(), 'dynwasm-migration-'));
const DEMO_ARGS = ['-M', 'versatilepb', '-kernel', DEMO, '-semihosting'];

// --- the stream ------------------------------------------------------------------------------

test('crc32 is zlib\'s', (t) => {
  t.is(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  t.is(crc32(new Uint8Array(0)), 0);
});

test('a stream gives back its sections, and refuses a truncated, corrupt or foreign one', (t) => {
  const a = new Uint8Array([1, 2, 3]), b = new Uint8Array(1000).map((_, i) => i * 7);
  const s = encodeVmState([{ name: 'a', data: a }, { name: 'bee', data: b }]);
  const back = decodeVmState(s);
  t.deepEqual([...back.keys()], ['a', 'bee']);
  t.deepEqual(back.get('a'), a);
  t.deepEqual(back.get('bee'), b);
  // Every truncation is refused (none is mistaken for a stream with fewer sections).
  for (let n = 0; n < s.length; n += n < 64 ? 1 : 97) {
    const e = t.throws(() => decodeVmState(s.subarray(0, n)), { instanceOf: MigrationError });
    t.regex(e!.message, n === 0 ? /^empty migration stream$/ : n < 16 ? /^not a dynwasm migration stream$/ : /^truncated migration stream$|checksum/);
  }
  // Any one flipped bit after the magic and version is found.
  for (const at of [20, 24, 30, 40, 500, s.length - 5, s.length - 1]) {
    const bad = s.slice();
    bad[at] ^= 0x10;
    t.throws(() => decodeVmState(bad), { instanceOf: MigrationError, message: /corrupt|truncated/ }, `byte ${at}`);
  }
  t.throws(() => decodeVmState(new TextEncoder().encode('QEVM\0\0\0\x03 not ours at all')), { message: 'not a dynwasm migration stream' });
  const v2 = s.slice();
  new DataView(v2.buffer).setUint32(16, VMSTATE_VERSION + 1, true);
  t.throws(() => decodeVmState(v2), { message: `unsupported migration stream version ${VMSTATE_VERSION + 1} (this dynwasm reads version ${VMSTATE_VERSION})` });
  t.throws(() => decodeVmState(new Uint8Array([...s, 0])), { message: /corrupt migration stream \(data after its end\)/ });
});

async function demoMachine(engine: 'jit' | 'interp', out: number[]): Promise<VersatilePb> {
  return createVersatilePb({
    engine, kernel: readFileSync(DEMO), kernelName: 'demo.elf', uartOutput: [(b) => out.push(b)],
    semihosting: { stdout: () => undefined, stderr: () => undefined, readInput: () => new Uint8Array(0), isatty: () => false },
  });
}

for (const engine of ENGINES) {
  test(`a machine restored in a fresh one saves the same stream again, and runs on to the same end (${engine} to ${other(engine)})`, async (t) => {
    const outA: number[] = [];
    const a = await demoMachine(engine, outA);
    a.clock.stop();
    for (let i = 0; i < 30 && !a.cpu.halted; i++) a.cpu.run(200);
    t.false(a.cpu.halted);
    t.true(outA.length > 0);
    const saved = saveVersatilePb(a);
    const outB: number[] = [];
    const b = await demoMachine(other(engine), outB);
    b.clock.stop();
    loadVersatilePb(b, saved.stream);
    // Every field of every device, the CPU, RAM and the clock: what was saved is what is there.
    const again = decodeVmState(saveVersatilePb(b).stream), first = decodeVmState(saved.stream);
    const json = (m: Map<string, Uint8Array>): unknown => JSON.parse(new TextDecoder().decode(m.get('machine')));
    t.deepEqual(json(again), json(first));
    t.true(Buffer.from(again.get('ram')!).equals(first.get('ram')!));
    const runToEnd = (m: VersatilePb): void => { while (!m.cpu.halted) m.cpu.run(100_000); };
    runToEnd(a);
    runToEnd(b);
    t.is(Buffer.from(outB).toString('latin1'), Buffer.from(outA).toString('latin1').slice(outA.length - outB.length));
    t.true(outB.length > 0 && outB.length < outA.length);
    t.is(b.cpu.exitCode, a.cpu.exitCode);
    t.deepEqual(b.cpu.saveState(), a.cpu.saveState());
  });
}

test('a stream of another machine configuration is refused before anything runs', async (t) => {
  const a = await demoMachine('jit', []);
  const s = saveVersatilePb(a).stream;
  const small = await createVersatilePb({ engine: 'jit', kernel: readFileSync(DEMO), kernelName: 'demo.elf', ramSize: 64 * 2 ** 20 });
  t.throws(() => loadVersatilePb(small, s), { instanceOf: MigrationError, message: /has 134217728 bytes of RAM, this one 67108864 \(use the same -m\)/ });
});

// --- the command line: stopped by gdb at exact points, saved, restored in a new process ------

/** The plain run's output and status: what a saved and restored run must add up to. */
function reference(): { out: string; status: number | null } {
  const r = spawnSync('node', [DYNWASM, ...DEMO_ARGS, '-nographic'], { encoding: 'latin1', timeout: 60_000 });
  return { out: r.stdout, status: r.status };
}
let ref: ReturnType<typeof reference> | undefined;

/** The demo's PL011 store in its Mandelbrot loop: one hit per character drawn. */
const PUTC = '10f5c';
let nextPort = 30000 + (process.pid % 1000) * 10;

/**
 * Run the demo under gdb's stub until the `hits`-th time it reaches PUTC, save it with the
 * monitor's migrate, and quit; returns what it printed until then.
 */
async function saveAt(engine: string, hits: number, file: string, dir: string): Promise<string> {
  const port = nextPort++, sock = join(dir, 'mon.sock'), serial = join(dir, 'serial-a');
  const child = spawn('node', [DYNWASM, '-accel', engine, ...DEMO_ARGS, '-serial', `file:${serial}`, '-gdb', `tcp::${port}`, '-S',
    '-monitor', `unix:${sock},server,wait=off`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((r) => child.on('exit', r));
  try {
    await waitListening(port, child);
    const g = await RawGdb.open(port);
    if (await g.ask(`Z0,${PUTC},4`) !== 'OK') throw new Error('no breakpoint');
    for (let i = 0; i < hits; i++) {
      const stop = await g.ask('c');
      if (!stop.startsWith('T05')) throw new Error(`hit ${i + 1}: stop reply ${stop}`);
    }
    const pc = Buffer.from(await g.ask('p f'), 'hex').readUInt32LE(0);
    if (pc !== parseInt(PUTC, 16)) throw new Error(`stopped at ${pc.toString(16)}`);
    // The breakpoint goes, so that nothing of the debugger is in the saved machine.
    await g.ask(`z0,${PUTC},4`);
    const mon = await connectWhenListening(sock, 30_000);
    let replies = '';
    mon.on('data', (d) => { replies += d; });
    mon.write(`migrate "file:${file}"\ninfo status\n`);
    while (!/VM status: /.test(replies)) await new Promise((r) => setTimeout(r, 50));
    if (!/VM status: paused \(postmigrate\)/.test(replies)) throw new Error(`monitor said: ${replies}`);
    mon.write('quit\n');
    await exited;
    g.close();
    return readFileSync(serial, 'latin1');
  } finally {
    child.kill();
  }
}

for (const engine of ENGINES) {
  test(`the demo saved at a breakpoint's 1st, 60th and 700th hit goes on in a new process (${engine} to ${other(engine)})`, async (t) => {
    ref ??= reference();
    t.is(ref.status, 0);
    for (const hits of [1, 60, 700]) {
      const dir = fresh(), file = join(dir, 'vm.bin');
      const before = await saveAt(engine, hits, file, dir);
      t.true(before.length > 0 && before.length < ref.out.length, `hit ${hits}: ${before.length} bytes before`);
      const r = spawnSync('node', [DYNWASM, '-accel', other(engine), ...DEMO_ARGS, '-nographic', '-incoming', `file:${file}`], { encoding: 'latin1', timeout: 60_000 });
      t.is(r.stderr, '');
      t.is(before + r.stdout, ref.out, `hit ${hits}`);
      t.is(r.status, ref.status);
    }
  });
}

// --- bad input -------------------------------------------------------------------------------

test('-incoming refuses a missing, empty, truncated, corrupt or foreign stream with one line and status 1', async (t) => {
  const dir = fresh(), good = join(dir, 'good.bin');
  const sock = join(dir, 'mon.sock');
  const child = spawn('node', [DYNWASM, ...DEMO_ARGS, '-S', '-serial', 'null', '-monitor', `unix:${sock},server,wait=off`], { stdio: 'ignore' });
  const mon = await connectWhenListening(sock, 30_000);
  let replies = '';
  mon.on('data', (d) => { replies += d; });
  // Errors first: no URI, a protocol this emulator lacks, a command that fails; none pauses the machine.
  mon.write('migrate\nmigrate tcp:localhost:4444\nmigrate "exec:exit 3"\ninfo status\n');
  while (!/VM status: /.test(replies)) await new Promise((r) => setTimeout(r, 50));
  t.regex(replies, /migrate: string expected\r?\nTry "help migrate" for more information/);
  t.regex(replies, /Error: Parameter 'uri' expects a valid migration protocol/);
  t.regex(replies, /Error: command 'exit 3' exited with status 3/);
  t.regex(replies, /VM status: paused \(prelaunch\)/);
  mon.write(`migrate "exec:cat > ${good}"\ninfo migrate\nmigrate file:${good}.2\nquit\n`);
  await new Promise((r) => child.on('exit', r));
  t.regex(replies, /Migration status: completed\r?\ntotal time: \d+ ms\r?\ntransferred ram: \d+ kbytes\r?\ntotal ram: 131072 kbytes/);
  t.regex(replies, /Error: Can't migrate the vm that was paused due to previous migration/);
  t.false(existsSync(`${good}.2`));

  const bytes = readFileSync(good);
  const cases: [string, Uint8Array | undefined, RegExp, string[]?][] = [
    ['missing', undefined, /could not open '.*missing': No such file or directory$/],
    ['empty', new Uint8Array(0), /empty migration stream$/],
    ['truncated', bytes.subarray(0, bytes.length >> 1), /truncated migration stream$/],
    ['corrupt', Uint8Array.from(bytes, (b, i) => (i === bytes.length >> 1 ? b ^ 1 : b)), /corrupt migration stream \(checksum mismatch\)$/],
    ['foreign', new TextEncoder().encode('QEVM\0\0\0\x03'), /not a dynwasm migration stream$/],
    ['other-ram', bytes, /the saved machine has 134217728 bytes of RAM, this one 67108864 \(use the same -m\)$/, ['-m', '64M']],
  ];
  for (const [name, data, message, extra] of cases) {
    const f = join(dir, name);
    if (data) writeFileSync(f, data);
    for (const uri of [`file:${f}`, `exec:cat ${f}`]) {
      const r = spawnSync('node', [DYNWASM, ...DEMO_ARGS, ...(extra ?? []), '-nographic', '-incoming', uri], { encoding: 'utf8', timeout: 60_000 });
      t.is(r.status, 1, `${name} ${uri}: ${r.stderr}`);
      t.is(r.stdout, '', `${name}: the machine must not have run`);
      const lines = r.stderr.trimEnd().split('\n').filter((l) => !/^cat: /.test(l));
      t.is(lines.length, 1, r.stderr);
      if (name === 'missing' && uri.startsWith('exec:')) t.regex(lines[0], /^dynwasm-system-arm: -incoming exec:cat .*: command 'cat .*' exited with status 1$/);
      else t.regex(lines[0], new RegExp(`^dynwasm-system-arm: -incoming ${uri.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${message.source}`), name);
    }
  }
  const bad = spawnSync('node', [DYNWASM, ...DEMO_ARGS, '-incoming', 'tcp:0:4444'], { encoding: 'utf8' });
  t.is(bad.status, 1);
  t.regex(bad.stderr, /^dynwasm-system-arm: -incoming tcp:0:4444: Parameter 'uri' expects a valid migration protocol/);
});

// --- Linux --------------------------------------------------------------------------------------

const SD_APPEND = 'console=ttyAMA0 root=/dev/mmcblk0 rw rootwait';

/** Run the emulator with `args`, type each of `steps` once its `wait` text has appeared, and give the output once it ends. */
function interact(args: string[], steps: { wait: RegExp; type: string }[], timeout: number, onStep?: (i: number) => Promise<void>): Promise<{ out: string; status: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [DYNWASM, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '', step = 0, busy = false;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out at step ${step}; output:\n${out}`)); }, timeout);
    const advance = async (): Promise<void> => {
      while (!busy && step < steps.length && steps[step].wait.test(out)) {
        busy = true;
        const s = steps[step++];
        if (onStep) await onStep(step - 1);
        if (s.type) child.stdin!.write(s.type);
        busy = false;
      }
    };
    child.stdout!.setEncoding('latin1');
    child.stdout!.on('data', (d: string) => { out += d; void advance(); });
    child.on('close', (status) => { clearTimeout(timer); resolve({ out: out.replace(/\r\n/g, '\n'), status }); });
  });
}

test('Linux saved at its shell goes on in the other engine: its shell\'s variables, its -snapshot SD card\'s writes, its timers', async (t) => {
  const dir = fresh(), image = join(dir, 'sd.img'), file = join(dir, 'linux.bin'), sock = join(dir, 'mon.sock');
  copyFileSync(LINUX('sd.img'), image);
  const hash = (): string => createHash('sha256').update(readFileSync(image)).digest('hex');
  const before = hash();
  const machine = ['-M', 'versatilepb', '-m', '128M', '-nographic', '-kernel', LINUX('zImage'), '-dtb', LINUX('versatile-pb-sd.dtb'),
    '-drive', `file=${image},if=sd,format=raw`, '-snapshot', '-append', SD_APPEND, '-no-reboot'];
  const save = await interact(['-accel', 'jit', ...machine, '-monitor', `unix:${sock},server,wait=off`], [
    { wait: /\/ # /, type: 'echo on-card > /card.txt; sync; X=in-ram; echo saved-$((6*7))\n' },
    { wait: /^saved-42/m, type: '' },
  ], 400_000, async (i) => {
    if (i !== 1) return;
    const mon = await connectWhenListening(sock, 30_000);
    mon.write(`stop\nmigrate file:${file}\nquit\n`);
  });
  t.is(save.status, 0, save.out);
  t.regex(save.out, /^saved-42$/m);
  const restored = await interact(['-accel', 'interp', ...machine, '-incoming', `file:${file}`], [
    { wait: /^/, type: 'cat /card.txt; echo $X; sleep 1; echo restored-$((2*21)); exit\n' },
  ], 400_000);
  t.is(restored.status, 0, restored.out);
  // The kernel's "deferred probe pending" lines come 10 s of wall-clock time after boot, wherever that falls.
  t.regex(restored.out.replace(/^amba .*: deferred probe pending\n/gm, ''), /^on-card\nin-ram\nrestored-42\n/m);
  t.is(hash(), before, '-snapshot: the image file is unchanged');
  // Restored without -snapshot, the card's writes would be lost: refused.
  const noSnapshot = machine.filter((a) => a !== '-snapshot');
  const r = spawnSync('node', [DYNWASM, ...noSnapshot, '-incoming', `file:${file}`], { encoding: 'utf8', timeout: 60_000 });
  t.is(r.status, 1);
  t.regex(r.stderr, /the saved machine kept SD card 0's writes in memory: restore it with -snapshot\n$/);
  t.is(hash(), before);
});
