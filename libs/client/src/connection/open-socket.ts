import { connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { ClosedError, ConnectionError, TimeoutError } from '../errors.js';
import { addressOf, type NodeConnectionSettings } from './connection-options.js';
import type { SocketReads } from './socket-reads.js';

/**
 * Opens a TCP or TLS socket, failing with a clear error within `connectTimeoutMs`. Either reads through `reads`
 * (Node's `onread`: `tls.connect` hands it to its socket too, in Node 20, though its types do not declare it).
 */
export function openSocket(
  settings: NodeConnectionSettings,
  reads: SocketReads,
  signal?: AbortSignal,
): Promise<Socket> {
  const address = addressOf(settings);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abandonedError(address));
      return;
    }
    const tls = settings.tls;
    const socket: Socket = tls
      ? tlsConnect({
          host: settings.host,
          port: settings.port,
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          servername: tls.servername ?? (isIp(settings.host) ? undefined : settings.host),
          rejectUnauthorized: tls.rejectUnauthorized !== false,
          onread: reads.onread,
        } as ConnectionOptions)
      : netConnect({ host: settings.host, port: settings.port, onread: reads.onread });
    const readyEvent = tls ? 'secureConnect' : 'connect';
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(
        new TimeoutError(
          `connecting to ${address} timed out after ${settings.connectTimeoutMs} ms`,
          undefined,
          address,
        ),
      );
    }, settings.connectTimeoutMs);
    const onAbort = (): void => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.destroy();
      reject(abandonedError(address));
    };
    const onError = (err: Error): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(new ConnectionError(`could not connect to ${address}: ${err.message}`, address, { cause: err }));
    };
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once(readyEvent, () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
      resolve(socket);
    });
  });
}

/** The attempt's owner was closed while it connected. */
function abandonedError(address: string): ClosedError {
  return new ClosedError(
    `connecting to ${address} was abandoned: the connection was closed by the application`,
  );
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
