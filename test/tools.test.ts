/**
 * test/support/tools.ts: a test needing a missing host tool is skipped, saying why, but in CI it
 * fails naming the tool, so that a broken install step cannot pass as green. Checked with fake
 * PATHs: an empty one, one with a working stand-in and one with a broken stand-in; and end to
 * end, by running test/elf.test.ts under ava with a PATH lacking the cross compiler.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCi, toolVerdict, TOOLS } from './support/tools.js';

const gcc = TOOLS.armNoneEabiGcc;

/** A directory to use as the whole PATH, holding `gcc`'s command as a script exiting `status` (or nothing). */
function fakePath(standInStatus?: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'dynwasm-fake-path-'));
  if (standInStatus !== undefined) {
    const script = join(dir, gcc.command);
    writeFileSync(script, `#!/bin/sh\nexit ${standInStatus}\n`);
    chmodSync(script, 0o755);
  }
  return dir;
}

test('CI is recognised as CI services set it', (t) => {
  t.true(isCi({ CI: 'true' }));
  t.true(isCi({ CI: '1' }));
  t.false(isCi({}));
  t.false(isCi({ CI: '' }));
  t.false(isCi({ CI: 'false' }));
});

test('a missing tool fails in CI, naming the tool and its package, and is skipped outside', (t) => {
  const path = fakePath();
  try {
    const inCi = toolVerdict([gcc], { PATH: path, CI: 'true' });
    t.is(inCi.action, 'fail');
    t.regex('reason' in inCi ? inCi.reason : '', /^arm-none-eabi-gcc \(Debian's gcc-arm-none-eabi\) is not installed or does not run: .*CI is set/);
    const outside = toolVerdict([gcc], { PATH: path });
    t.is(outside.action, 'skip');
    t.regex('reason' in outside ? outside.reason : '', /^arm-none-eabi-gcc \(Debian's gcc-arm-none-eabi\) is not installed or does not run/);
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
});

test('a tool that is there and runs lets the tests run, in CI or not', (t) => {
  const path = fakePath(0);
  try {
    t.deepEqual(toolVerdict([gcc], { PATH: path, CI: 'true' }), { action: 'run' });
    t.deepEqual(toolVerdict([gcc], { PATH: path }), { action: 'run' });
    // Only the missing one of several is named.
    const verdict = toolVerdict([gcc, TOOLS.qemuSystemArm], { PATH: path, CI: 'true' });
    t.is(verdict.action, 'fail');
    t.regex('reason' in verdict ? verdict.reason : '', /^qemu-system-arm \(Debian's qemu-system-arm\) is not installed or does not run/);
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
});

test('a tool that is there but does not run counts as missing', (t) => {
  const path = fakePath(1);
  try {
    t.is(toolVerdict([gcc], { PATH: path, CI: 'true' }).action, 'fail');
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
});

/** ava on test/elf.test.ts with `env` as its whole environment. */
function avaOnElfTest(env: NodeJS.ProcessEnv) {
  const cli = join(process.cwd(), 'node_modules/ava/entrypoints/cli.mjs');
  return spawnSync(process.execPath, [cli, 'test/elf.test.ts'], { encoding: 'utf8', env, timeout: 120_000 });
}

test('end to end: under CI, ava fails the ELF tests that need the missing cross compiler; outside CI it skips them and passes', (t) => {
  const path = fakePath();
  try {
    const inCi = avaOnElfTest({ PATH: path, CI: 'true', HOME: tmpdir() });
    const inCiOutput = inCi.stdout + inCi.stderr;
    t.not(inCi.status, 0, inCiOutput);
    t.regex(inCiOutput, /arm-none-eabi-gcc \(Debian's gcc-arm-none-eabi\) is not installed or does not run/);
    t.regex(inCiOutput, /not an ELF/, 'the tests that need no tool still run');

    const outside = avaOnElfTest({ PATH: path, HOME: tmpdir() });
    const outsideOutput = outside.stdout + outside.stderr;
    t.is(outside.status, 0, outsideOutput);
    t.regex(outsideOutput, /skipping the tests that need it: arm-none-eabi-gcc/);
    t.regex(outsideOutput, /skipped/);
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
});
