import net from 'node:net';

/** True when nothing listens on 127.0.0.1:port (we bind there and nowhere else). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The first port from `base` upward that is neither reserved nor in use. */
export async function allocatePort(base: number, reserved: ReadonlySet<number>): Promise<number> {
  for (let port = base; port <= 65535; port++) {
    if (!reserved.has(port) && (await isPortFree(port))) return port;
  }
  throw new Error(`no free port from ${base} to 65535`);
}
