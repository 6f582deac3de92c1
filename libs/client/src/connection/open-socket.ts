import { connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { ConnectionError, TimeoutError } from '../errors.js';
import { addressOf, type NodeConnectionSettings } from './connection-options.js';
import type { SocketReads } from './socket-reads.js';

/**
 * Opens a TCP or TLS socket, failing with a clear error within `connectTimeoutMs`. Either reads through `reads`
 * (Node's `onread`: `tls.connect` hands it to its socket too, in Node 20, though its types do not declare it).
 */
export function openSocket(settings: NodeConnectionSettings, reads: SocketReads): Promise<Socket> {
  const address = addressOf(settings);
  return new Promise((resolve, reject) => {
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
      socket.destroy();
      reject(
        new TimeoutError(
          `connecting to ${address} timed out after ${settings.connectTimeoutMs} ms`,
          undefined,
          address,
        ),
      );
    }, settings.connectTimeoutMs);
    const onError = (err: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new ConnectionError(`could not connect to ${address}: ${err.message}`, address, { cause: err }));
    };
    socket.once('error', onError);
    socket.once(readyEvent, () => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
      resolve(socket);
    });
  });
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
