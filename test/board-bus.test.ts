/** boards/bus.ts: device offsets, access-size truncation, and both policies for unassigned addresses. */
import test from 'ava';
import { BoardBus } from '../boards/bus.js';
import type { MmioDevice } from '../boards/device.js';

/** A device that records its accesses and reads back a fixed, wider-than-needed value. */
function recorder(name: string): MmioDevice & { writes: [number, number, number][]; reads: [number, number][] } {
  const writes: [number, number, number][] = [];
  const reads: [number, number][] = [];
  return {
    name, writes, reads,
    read(offset, bytes) { reads.push([offset, bytes]); return 0x1_8765_4321; },
    write(offset, bytes, value) { writes.push([offset, bytes, value]); },
  };
}

test('a device sees offsets inside its region and values truncated to the access size', (t) => {
  const bus = new BoardBus({ unassigned: 'fault' });
  const dev = recorder('dev');
  bus.map(0x10002000, 0x2000, dev);
  t.is(bus.deviceAt(0x10003ffc), dev);
  t.is(bus.read(0x10002004, 4), 0x87654321 | 0);
  t.is(bus.read(0x10003001, 1), 0x21);
  t.is(bus.read(0x10003002, 2), 0x4321);
  t.true(bus.write(0x10002008, 2, 0xabcdef));
  t.true(bus.write(0x1000200c, 4, -1));
  t.deepEqual(dev.reads, [[4, 4], [0x1001, 1], [0x1002, 2]]);
  t.deepEqual(dev.writes, [[8, 2, 0xcdef], [0xc, 4, 0xffffffff]]);
});

test('a device above 2 GiB gets the right offset for a signed address', (t) => {
  const bus = new BoardBus({ unassigned: 'fault' });
  const dev = recorder('high');
  bus.map(0xfff00000, 0x1000, dev);
  bus.read(0xfff00010 | 0, 4);
  t.deepEqual(dev.reads, [[0x10, 4]]);
});

test("unassigned addresses: 'fault' lets the CPU take its bus fault, 'read-as-zero' reads 0 and drops writes", (t) => {
  const faulting = new BoardBus({ unassigned: 'fault' });
  t.is(faulting.read(0x20000000, 4), undefined);
  t.false(faulting.write(0x20000000, 4, 1));
  t.is(faulting.deviceAt(0x20000000), undefined);
  const raz = new BoardBus({ unassigned: 'read-as-zero' });
  t.is(raz.read(0x20000000, 4), 0);
  t.true(raz.write(0x20000000, 4, 1));
});

test('a region that is not whole pages is refused, naming the device', (t) => {
  const bus = new BoardBus({ unassigned: 'fault' });
  t.throws(() => bus.map(0x10000800, 0x1000, recorder('uart')), { message: /^uart: region 0x10000800\+0x1000 is not whole pages/ });
  t.throws(() => bus.map(0x10000000, 0x800, recorder('vic')), { message: /^vic: / });
});
