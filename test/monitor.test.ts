/**
 * The human monitor (HMP) of dynwasm-system-arm against qemu-system-arm's: the same commands on
 * stdin (-monitor stdio, and -nographic's mon:stdio with Ctrl-A c) give the same replies, in
 * both engines, except for the lines that name the emulator (the banner, `info version`), what
 * the CPUs differ in (QEMU's ARM926 has VFP: its `info registers` ends with FPSCR) and the
 * thread id. What dynwasm has more of (`info jit`) is checked for sense; a socket monitor
 * (-monitor unix:…,server,wait=off) is driven by a client here.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectWhenListening } from './support/socket.js';
import { testNeeding, TOOLS } from './support/tools.js';

const ROOT = process.cwd();
const ELF = join(ROOT, 'test/arm-programs/build/recursion-arm.elf');
const DYNWASM = join(ROOT, 'bin/dynwasm-system-arm.js');
const ENGINES = ['jit', 'interp'] as const;
const qemuTest = testNeeding(TOOLS.qemuSystemArm);

interface Run { out: string; status: number | null; dir: string }

/**
 * Run with `input` written to stdin in parts (a pause between them), in a fresh directory.
 * stdout goes to a regular file: qemu's stdio makes its stdout non-blocking and drops output
 * when a pipe to a busy test process fills.
 */
function run(cmd: string, args: string[], parts: string[]): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'dynwasm-hmp-'));
  const outFile = join(dir, 'stdout');
  const fd = openSync(outFile, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: dir, stdio: ['pipe', fd, 'ignore'], env: { ...process.env, QEMU_AUDIO_DRV: 'none' } });
    closeSync(fd);
    const out = (): string => readFileSync(outFile, 'latin1');
    const timer = setTimeout(() => { child.kill(); reject(new Error(`timed out; output so far:\n${out()}`)); }, 60_000);
    child.on('exit', (status) => { clearTimeout(timer); resolve({ out: out(), status, dir }); });
    let i = 0;
    const next = (): void => {
      if (i >= parts.length) return;
      child.stdin!.write(parts[i++]);
      setTimeout(next, 400);
    };
    next();
  });
}

/** The replies: QEMU's readline echo (with its cursor escapes) and the prompts removed, lines as \n. */
function replies(out: string): string[] {
  return out.replace(/\x1b\[[KD]/g, '').replace(/\r/g, '').split('\n')
    .map((l) => l.replace(/^(\(qemu\) )+.*$/, ''))
    .filter((l) => l !== '' && !/ monitor - type 'help' for more information$/.test(l) && !/^FPSCR: /.test(l))
    .map((l) => l.replace(/thread_id=\d+/, 'thread_id=N'));
}

const SESSION = [
  'info status', 'info registers', 'x /4wx 0x10000', 'x /3dw 0x10000', 'x /8xb 0x10000', 'x /2c 0x10000', 'x /2g 0x10000',
  'x /2h 0x10000', 'x /2o 0x10000', 'x /2u 0x10000', 'x 0x10000', 'x /9wx 0x10000', 'xp /4wx 0x10000', 'x /2x 0x20000000',
  'x /3dg 0x10000', 'print 1+2*3', 'print 0x10 - 1', 'p /d 0x10', 'p /x 100', 'p (3+4)*2', 'p 010', 'p 7 % 4 | 8',
  'foo', 'info foo', 'x', 'p 1 +', 'log', 'info roms', 'info cpus',
  'singlestep foo', 'singlestep', 'info status', 'singlestep off', 'info status',
  'memsave 0x10000 64 ms.bin', 'pmemsave 0x10100 32 pms.bin',
  'stop', 'info status', 'cont', 'info status', 'stop', 'info status', 'system_reset', 'info registers', 'info status', 'quit',
];

for (const engine of ENGINES) {
  qemuTest(`-monitor stdio: the same replies as qemu-system-arm's monitor (${engine})`, async (t) => {
    // Without -semihosting the program never ends (its first SVC meets an empty vector table),
    // so that the machine is still there for the commands after cont however fast it runs.
    const args = ['-M', 'versatilepb', '-kernel', ELF, '-S', '-monitor', 'stdio', '-serial', 'null'];
    const input = [SESSION.join('\n') + '\n'];
    const ref = await run('qemu-system-arm', [...args, '-display', 'none'], input);
    const got = await run('node', [DYNWASM, '-accel', engine, ...args], input);
    const r = replies(ref.out);
    // The session did what it says in the reference.
    t.true(r.includes('VM status: paused (prelaunch)'));
    t.true(r.includes('VM status: running'), ref.out);
    t.true(r.includes("unknown command: 'foo'"));
    t.deepEqual(replies(got.out), r);
    t.is(got.status, ref.status);
    for (const f of ['ms.bin', 'pms.bin']) t.deepEqual(readFileSync(join(got.dir, f)), readFileSync(join(ref.dir, f)), f);
    t.deepEqual(readFileSync(join(got.dir, 'ms.bin')).subarray(0, 4), Buffer.from([0xd2, 0xf0, 0x21, 0xe3]));
  });
}

qemuTest('-nographic: Ctrl-A c switches between the console and the monitor, as in qemu-system-arm', async (t) => {
  const args = ['-M', 'versatilepb', '-kernel', ELF, '-S', '-semihosting', '-nographic'];
  const parts = ['\x01cinfo status\n\x01c', '\x01cinfo status\ncont\n', ''];
  const ref = await run('qemu-system-arm', args, parts);
  const got = await run('node', [DYNWASM, ...args], parts);
  t.regex(ref.out, /recursion: PASS/);
  t.deepEqual(replies(got.out), replies(ref.out));
  t.is(got.status, ref.status);
});

test('info jit, log and logfile, help, and a monitor on a Unix socket (wait=off)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dynwasm-hmp-'));
  const sock = join(dir, 'mon.sock');
  const child = spawn('node', [DYNWASM, '-M', 'versatilepb', '-kernel', ELF, '-S', '-semihosting', '-monitor', `unix:${sock},server,wait=off`],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let guest = '';
  child.stdout.on('data', (d) => { guest += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    // The socket file appears at bind(), a moment before listen(): retry a refused connection.
    const c = await connectWhenListening(sock, 60_000);
    let buf = '';
    c.setEncoding('latin1');
    c.on('data', (d: string) => { buf += d; });
    /** Send a command; its reply is what comes before the next prompt. */
    const ask = async (cmd: string): Promise<string> => {
      while (!buf.endsWith('(qemu) ')) await new Promise((r) => setTimeout(r, 20));
      buf = '';
      c.write(`${cmd}\n`);
      while (!buf.endsWith('(qemu) ')) await new Promise((r) => setTimeout(r, 20));
      return buf.slice(cmd.length + 2, -'(qemu) '.length).replace(/\r\n/g, '\n');
    };
    t.regex(await ask('help'), /^info \[subcommand\] -- show various information about the system state$/m);
    t.is(await ask('info status'), 'VM status: paused (prelaunch)\n');
    t.is(await ask(`logfile ${join(dir, 'log.txt')}`), '');
    t.is(await ask('log in_asm'), '');
    t.regex(await ask('log nothing'), /^Log items \(comma separated\):\nnone +remove all logs\nin_asm/);
    t.is(await ask('cont'), '');
    await exited.then(() => undefined, () => undefined);
    t.regex(guest, /recursion: PASS/);
    t.regex(readFileSync(join(dir, 'log.txt'), 'utf8'), /IN:/);
  } finally {
    if (child.exitCode === null) child.kill();
  }
  t.is(await exited, 0);
});

test('info jit: the translation statistics make sense', async (t) => {
  // Without -semihosting the program's first SVC lands in an empty vector table: it runs on
  // until stopped, so the statistics are those of a running guest.
  const args = ['-M', 'versatilepb', '-kernel', ELF, '-S', '-monitor', 'stdio', '-serial', 'null'];
  for (const engine of ENGINES) {
    const got = await run('node', [DYNWASM, '-accel', engine, ...args], ['info jit\ncont\n', 'stop\ninfo jit\nquit\n']);
    const r = got.out.replace(/\r/g, '');
    const blocks = [...r.matchAll(/^blocks translated +(\d+)/gm)].map((m) => Number(m[1]));
    t.is(blocks.length, 2, r);
    t.is(blocks[0], 0);
    t.true(blocks[1] > 0);
    t.regex(r, new RegExp(`^engine +${engine}$`, 'm'));
    t.regex(r, /^guest instructions +[1-9]\d*$/m);
    t.regex(r, /^tb cache +[1-9]\d* blocks/m);
    if (engine === 'jit') t.regex(r, /^modules compiled +\d+/m);
    t.is(got.status, 0);
  }
});

test('singlestep: from then on every translated block is one instruction, in both engines', async (t) => {
  const args = ['-M', 'versatilepb', '-kernel', ELF, '-S', '-monitor', 'stdio', '-serial', 'null'];
  for (const engine of ENGINES) {
    const got = await run('node', [DYNWASM, '-accel', engine, ...args], ['singlestep\ncont\n', 'stop\ninfo jit\nquit\n']);
    const r = got.out.replace(/\r/g, '');
    t.regex(r, /^guest instructions +[1-9]\d*$/m);
    const m = /^guest instructions +(\d+)$/m.exec(r)!, b = /^blocks executed +(\d+)$/m.exec(r)!;
    t.is(b[1], m[1], r);
    t.regex(r, /^instructions\/block +1\.00 translated/m);
  }
});

test('-monitor rejects a device it does not have, in one line', async (t) => {
  const got = await new Promise<{ status: number | null; err: string }>((resolve) => {
    const c = spawn('node', [DYNWASM, '-M', 'versatilepb', '-kernel', ELF, '-monitor', 'vc'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d) => { err += d; });
    c.on('close', (status) => resolve({ status, err }));
  });
  t.is(got.status, 1);
  t.regex(got.err, /^dynwasm-system-arm: -monitor vc: unsupported monitor device .*\n$/);
});

/**
 * A booted Linux guest: once its shell prompt is on the serial console, the monitor on a Unix
 * socket stops it and reads memory through the guest's MMU (x: the kernel's virtual addresses,
 * the vectors page) and without it (xp), and lets it run on: the same replies as qemu-system-arm's.
 */
const LINUX = (f: string): string => join(ROOT, 'demo/linux', f);
const LINUX_SESSION = [
  'stop', 'info status', 'x /8wx 0xc0008000', 'xp /8wx 0x8000', 'x /4wx 0xffff0000', 'x /2g 0xc0008000', 'x /8xb 0xc0008010',
  'xp /3dw 0x8000', 'x /2x 0x0', 'cont', 'info status',
];
const linuxSession = async (cmd: string, args: string[]): Promise<string[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'dynwasm-hmp-linux-'));
  const sock = join(dir, 'mon.sock'), serial = join(dir, 'serial');
  const child = spawn(cmd, [...args, '-M', 'versatilepb', '-m', '128M', '-kernel', LINUX('zImage'), '-dtb', LINUX('versatile-pb.dtb'),
    '-initrd', LINUX('rootfs.cpio.gz'), '-append', 'console=ttyAMA0', '-serial', `file:${serial}`, '-monitor', `unix:${sock},server,wait=off`],
  { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, QEMU_AUDIO_DRV: 'none' } });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    const deadline = Date.now() + 400_000;
    const serialText = (): string => { try { return readFileSync(serial, 'latin1'); } catch { return ''; } };
    while (!serialText().includes('/ # ')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no shell prompt; console:\n${serialText()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const c = await connectWhenListening(sock, 60_000);
    let buf = '';
    c.setEncoding('latin1');
    c.on('data', (d: string) => { buf += d; });
    const out: string[] = [];
    // A reply without the echo of its command (qemu's readline echoes it with cursor moves).
    const reply = (text: string, cmd: string): string[] => replies(text).filter((l) => !cmd || !l.endsWith(cmd));
    let sent = '';
    for (const line of [...LINUX_SESSION, 'quit']) {
      while (!buf.endsWith('(qemu) ')) await new Promise((r) => setTimeout(r, 20));
      out.push(...reply(buf, sent));
      buf = '';
      c.write(`${line}\n`);
      sent = line;
    }
    await exited;
    out.push(...reply(buf, sent));
    return out;
  } finally {
    if (child.exitCode === null) child.kill();
  }
};

for (const engine of ENGINES) {
  qemuTest(`a booted Linux guest: stop, x through its MMU, xp, cont: the same replies as qemu-system-arm's (${engine})`, async (t) => {
    const [ref, got] = await Promise.all([linuxSession('qemu-system-arm', ['-display', 'none']), linuxSession('node', [DYNWASM, '-accel', engine])]);
    t.true(ref.includes('VM status: paused'), ref.join('\n'));
    t.true(ref.includes('VM status: running'));
    t.regex(ref.join('\n'), /^c0008000: 0x[0-9a-f]{8}/m);
    t.deepEqual(got, ref);
  });
}
