/**
 * The API's reference documentation: TypeDoc (typedoc.json) builds it from the TSDoc of the
 * package's two entry points, with validation on and warnings as errors — so every export, and
 * every member of what they export, has documentation, and every {@link} resolves.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('TypeDoc documents both entry points with no warning (every export has TSDoc)', (t) => {
  const out = join(mkdtempSync(join(tmpdir(), 'dynwasm-apidocs-')), 'api');
  const r = spawnSync('node', [join(process.cwd(), 'node_modules/typedoc/bin/typedoc'), '--out', out], { encoding: 'utf8', timeout: 300_000 });
  t.is(r.status, 0, r.stdout + r.stderr);
  t.notRegex(r.stdout + r.stderr, /warning|error/i);
  for (const page of ['index.html', 'functions/index.createVersatilePb.html', 'classes/index.VersatilePbMachine.html', 'functions/linux-user.runLinuxProgram.html']) {
    t.true(existsSync(join(out, page)), page);
  }
});
