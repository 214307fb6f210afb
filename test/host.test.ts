/**
 * runtime/host.ts: the portable stand-ins for Node's Buffer 'latin1' and process.hrtime that the
 * system emulator's core uses (so that the web page can bundle it), against Node's own.
 */
import test from 'ava';
import { latin1Bytes, latin1String, monotonicNs } from '../runtime/host.js';

test('latin1String is Buffer.toString("latin1"), for every byte and for long inputs', (t) => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  t.is(latin1String(all), Buffer.from(all).toString('latin1'));
  const long = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 37) & 0xff);
  t.is(latin1String(long), Buffer.from(long).toString('latin1'));
  t.is(latin1String(new Uint8Array(0)), '');
});

test('latin1Bytes is Buffer.from(s, "latin1"), characters above 0xff included', (t) => {
  for (const s of ['console=ttyAMA0 root=/dev/ram\0', 'caf\u00e9 \u00ff\u0080', 'snow \u2603 \u{1f600}', '']) {
    t.deepEqual(Array.from(latin1Bytes(s)), Array.from(Buffer.from(s, 'latin1')), JSON.stringify(s));
  }
});

test('monotonicNs follows process.hrtime under Node', (t) => {
  const a = process.hrtime.bigint(), b = monotonicNs(), c = process.hrtime.bigint();
  t.true(a <= b && b <= c);
});
