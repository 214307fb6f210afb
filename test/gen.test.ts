/** The generator: deterministic output, and clear errors for what a micro-op may not do. */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = process.cwd();

function gen(args: string[]) {
  return spawnSync(process.execPath, ['dist/gen/main.js', '--quiet', ...args], { cwd: ROOT, encoding: 'utf8' });
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]).sort();
}

test('npm run gen is byte-for-byte deterministic', (t) => {
  const base = mkdtempSync(join(tmpdir(), 'dynwasm-gen-'));
  try {
    const a = join(base, 'a'), b = join(base, 'b');
    for (const out of [a, b]) {
      const r = gen(['--out', out]);
      t.is(r.status, 0, r.stderr);
    }
    const files = listFiles(a);
    t.deepEqual(listFiles(b), files);
    t.true(files.length > 0);
    for (const f of files) t.true(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} differs between two runs`);
    // And the run the tests use (runtime/generated) came out the same.
    const committed = resolve(ROOT, 'runtime/generated');
    for (const f of files) {
      const ours = readFileSync(join(committed, f), 'utf8');
      const theirs = readFileSync(join(a, f), 'utf8').replaceAll(/'(\.\.\/)+/g, "'");
      t.is(ours.replaceAll(/'(\.\.\/)+/g, "'"), theirs, `${f}: runtime/generated is stale`);
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

/** A scratch ops/ tree with one target holding `body` as an op, and its error. */
function genError(t: { is: (a: unknown, b: unknown, m?: string) => void }, body: string, extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'dynwasm-ops-'));
  try {
    mkdirSync(join(dir, 'ops', 'tgt'), { recursive: true });
    const core = resolve(ROOT, 'ops/core.js');
    writeFileSync(join(dir, 'ops', 'tgt', 'bad.ts'),
      `import { OpState } from '${core}';\n${extra}\nexport function op_bad(s: OpState): void {\n${body}\n}\n`);
    const r = gen(['--ops', join(dir, 'ops'), '--out', join(dir, 'out')]);
    t.is(r.status, 1, `generator should fail: ${r.stdout}${r.stderr}`);
    return r.stderr.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rejected: [string, string, RegExp][] = [
  ['a loop', '  for (let i = 0; i < 3; i = (i + 1) | 0) { s.T0 = s.T1; }', /bad\.ts:4:3: ForStatement `for \(let i = 0; .*` is not supported in a micro-op$/],
  ['multiplication', '  s.T0 = (s.T0 * s.T1) | 0;', /bad\.ts:4:11: the \* operator \(use Math\.imul\) is not supported in a micro-op$/],
  ['division', '  s.T0 = (s.T0 / s.T1) | 0;', /bad\.ts:4:11: the operator `SlashToken` is not supported in a micro-op$/],
  ['a string', "  s.T0 = 'x'.length;", /bad\.ts:4:10: PropertyAccessExpression `'x'\.length` is not supported in a micro-op$/],
  ['a call of an unknown function', '  s.T0 = parseInt(s.T1);', /bad\.ts:4:10: the call `parseInt\(…\)` .* is not supported in a micro-op$/],
  ['increment', '  s.T0++;', /bad\.ts:4:3: increment\/decrement .* is not supported in a micro-op$/],
  ['a float', '  s.T0 = 1.5;', /bad\.ts:4:10: 1\.5 is not an integer$/],
  ['an unwrapped sum stored in a temp', '  s.T0 = s.T0 + s.T1;', /bad\.ts:4:10: temps hold signed 32-bit values; `s\.T0 \+ s\.T1` is an unwrapped sum/],
  ['a signed/unsigned comparison', '  if (s.T0 < (s.T1 >>> 0)) s.T0 = 1;', /bad\.ts:4:7: cannot compare a signed 32-bit value with an unsigned 32-bit value/],
  ['a write to a parameter', '  s.P1 = 3;', /bad\.ts:4:3: parameters are constants: P1 cannot be assigned$/],
  ['a number used as a condition', '  if (s.T0) s.T1 = 0;', /bad\.ts:4:7: a condition must be a comparison or boolean/],
];

for (const [what, body, expected] of rejected) {
  test(`the generator rejects ${what} with path:line:col`, (t) => {
    t.regex(genError(t, body), expected);
  });
}

test('the generator rejects an unknown option and a missing ops folder with exit status 2', (t) => {
  const r = gen(['--frobnicate']);
  t.is(r.status, 2);
  t.regex(r.stderr, /gen: unknown option --frobnicate/);
  const m = gen(['--ops', '/nonexistent/ops']);
  t.is(m.status, 2);
  t.regex(m.stderr, /no such directory/);
});
