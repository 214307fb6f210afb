import { connect, type Socket } from 'node:net';

/** Connect to the Unix socket `path` once something listens there (retrying ENOENT and ECONNREFUSED). */
export async function connectWhenListening(path: string, timeoutMs: number): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        // The listener stays: a reset when the peer goes away later is then no uncaught error.
        const c = connect(path, () => resolve(c));
        c.on('error', reject);
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ECONNREFUSED') || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
