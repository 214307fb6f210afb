/**
 * The host tools the tests build with or compare against (Debian's cross compilers and qemu).
 * A test that needs a missing one is skipped, saying why — except in CI (`CI` set, as CI
 * services do), where a missing tool means a broken install step, which must fail rather than
 * pass as green.
 */
import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const INSTALL_HINT = 'run scripts/install-debian-packages.sh (as root) to install it';

export interface Tool {
  command: string;
  /** The Debian package that brings it, for the message. */
  debianPackage: string;
  /** The arguments that make it print its version and succeed (default `--version`). */
  versionArgs?: readonly string[];
}

export const TOOLS = {
  armNoneEabiGcc: { command: 'arm-none-eabi-gcc', debianPackage: 'gcc-arm-none-eabi' },
  qemuSystemArm: { command: 'qemu-system-arm', debianPackage: 'qemu-system-arm' },
  qemuArm: { command: 'qemu-arm', debianPackage: 'qemu-user' },
  dtc: { command: 'dtc', debianPackage: 'device-tree-compiler' },
  gdbMultiarch: { command: 'gdb-multiarch', debianPackage: 'gdb-multiarch' },
  armLinuxGcc: { command: 'arm-linux-gnueabi-gcc', debianPackage: 'gcc-arm-linux-gnueabi' },
  i686Gcc: { command: 'i686-linux-gnu-gcc', debianPackage: 'gcc-i686-linux-gnu' },
  qemuI386: { command: 'qemu-i386', debianPackage: 'qemu-user' },
  // Reads and writes files inside ext2 images without mounting them (e2fsprogs, in /usr/sbin).
  debugfs: { command: 'debugfs', debianPackage: 'e2fsprogs', versionArgs: ['-V'] },
  // The browser test/web.test.ts drives headless (through playwright-core).
  chromium: { command: 'chromium', debianPackage: 'chromium' },
} as const satisfies Record<string, Tool>;

/** A command's absolute path on `env`'s PATH (the guests' PATH may be empty of host tools). */
export function which(cmd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '/usr/bin:/bin').split(':')) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

/** Our own environment's answers, so that many tests asking about one tool start it once. */
const worksHere = new Map<string, boolean>();

/** Whether `tool` is on `env`'s PATH and runs: an installed but broken tool counts as missing. */
export function toolWorks(tool: Tool, env: NodeJS.ProcessEnv = process.env): boolean {
  const known = env === process.env ? worksHere.get(tool.command) : undefined;
  if (known !== undefined) return known;
  const path = which(tool.command, env);
  const works = path !== undefined && spawnSync(path, [...(tool.versionArgs ?? ['--version'])], { stdio: 'ignore' }).status === 0;
  if (env === process.env) worksHere.set(tool.command, works);
  return works;
}

export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI !== undefined && !['', '0', 'false'].includes(env.CI.toLowerCase());
}

export function missingToolMessage(tool: Tool): string {
  return `${tool.command} (Debian's ${tool.debianPackage}) is not installed or does not run: ${INSTALL_HINT}`;
}

/** What a test that needs some tools does on this host. */
export type ToolVerdict =
  | { action: 'run' }
  | { action: 'skip' | 'fail'; reason: string };

export function toolVerdict(tools: readonly Tool[], env: NodeJS.ProcessEnv = process.env): ToolVerdict {
  const missing = tools.filter((tool) => !toolWorks(tool, env));
  if (missing.length === 0) return { action: 'run' };
  const reason = missing.map(missingToolMessage).join('; ');
  return isCi(env)
    ? { action: 'fail', reason: `${reason} (CI is set: a missing tool fails instead of skipping)` }
    : { action: 'skip', reason };
}

/** Inside a test: throw (failing it) unless `tool` works, in CI or not. */
export function requireTool(tool: Tool): void {
  if (!toolWorks(tool)) throw new Error(missingToolMessage(tool));
}

type TestImplementation = (t: ExecutionContext) => void | Promise<void>;
export type ToolTest = (title: string, implementation: TestImplementation) => void;

/** Missing-tool messages already printed: each once per test file, however many tests skip. */
const printed = new Set<string>();

/**
 * ava's `test` for tests that need `tools`: they run when every tool works; otherwise they are
 * skipped with the reason printed, or in CI each fails with it. The tools are looked at when the
 * first such test is declared, so that a file importing several of these checks only its own.
 */
export function testNeeding(...tools: Tool[]): ToolTest {
  let verdict: ToolVerdict | undefined;
  return (title, implementation) => {
    verdict ??= toolVerdict(tools);
    switch (verdict.action) {
      case 'run':
        return test(title, implementation);
      case 'skip':
        if (!printed.has(verdict.reason)) console.log(`  skipping the tests that need it: ${verdict.reason}`);
        printed.add(verdict.reason);
        return test.skip(title, implementation);
      case 'fail': {
        const { reason } = verdict;
        return test(title, (t) => { t.fail(reason); });
      }
    }
  };
}
