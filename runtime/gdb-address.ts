/** The gdb stub's listening address (gdbstub.ts), apart so that a command line can parse it without loading the stub. */
export type GdbAddress = { port: number; host?: string } | { path: string };

/** Parse a -gdb device (`tcp::1234`, `tcp:localhost:1234`, `1234`, `unix:/tmp/sock,server[,wait=off]`); undefined if it is not one. */
export function parseGdbAddress(spec: string): GdbAddress | undefined {
  const [dev, ...opts] = spec.split(',');
  if (opts.some((o) => !/^(server|nowait|wait=(on|off)|server=(on|off))$/.test(o))) return undefined;
  if (dev.startsWith('unix:')) return dev.length > 5 ? { path: dev.slice(5) } : undefined;
  const tcp = /^(?:tcp:)?(?:([^:]*):)?(\d+)$/.exec(dev);
  if (!tcp || !(dev.startsWith('tcp:') || /^\d+$/.test(dev))) return undefined;
  const port = Number(tcp[2]);
  if (port < 1 || port > 65535) return undefined;
  return { port, host: tcp[1] || undefined };
}
