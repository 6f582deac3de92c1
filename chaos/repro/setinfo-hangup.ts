// Reproduction: a ConnectionManager hangs the process (a synchronous loop at 100% CPU; no timer, command deadlines
// included, ever fires again) when, while it reconnects, the server hangs up right after answering HELLO, during
// CLIENT SETINFO. The handshake ignores SETINFO failures (old servers do not know it), a lost connection included,
// so the manager adopts a closed connection; flushing its waiting commands into it, each fails, goes back to the
// waiting queue and is taken out again, forever.
//
//   timeout 15 node --conditions=@keyslot/source --import tsx chaos/repro/setinfo-hangup.ts; echo "exit $?"
//
// Expected: "GET -> ..." within about a second. Actual: nothing more after "QUIT-NOW", exit 124 from `timeout`.
import { createServer } from 'node:net';
import { Client } from '@keyslot/client';

let connections = 0;
const server = createServer((socket) => {
  const ordinal = ++connections;
  socket.on('error', () => {});
  socket.on('data', (chunk) => {
    const text = chunk.toString();
    if (text.includes('HELLO')) socket.write("-ERR unknown command 'HELLO'\r\n");
    if (text.includes('SETINFO')) {
      // The first connection is a normal one; every later one hangs up when CLIENT SETINFO arrives.
      if (ordinal === 1) socket.write('+OK\r\n+OK\r\n');
      else socket.destroy();
    }
    if (text.includes('QUIT-NOW')) socket.destroy();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;
const manager = await new Client({ host: '127.0.0.1', port }).getConnectionManager({
  commandTimeoutMs: 1000,
});
console.log('connected; the server now drops the connection');
await manager.call('QUIT-NOW').catch((error: { code?: string }) => console.log('QUIT-NOW ->', error.code));
const watchdog = setTimeout(() => console.log('(a timer fired: the event loop is alive)'), 500);
console.log('GET ->', await manager.get('k').then(String, (error: Error) => error.message));
clearTimeout(watchdog);
manager.destroy();
server.close();
