/** What a server said about itself in the handshake: HELLO's `server` and `version` fields. */
export interface ServerInfo {
  /** The server's name for itself: `redis`, `valkey` (or `redis` from a Valkey in `extended-redis-compatibility`). */
  readonly name: string;
  /** Its version: `7.0.15`, `7.4.1`, `8.0.1`. */
  readonly version: string;
}

/**
 * Reads `server` and `version` from a HELLO reply (a RESP3 map, with string or Buffer bulks); undefined when
 * either is missing.
 */
export function serverInfoFromHello(reply: unknown): ServerInfo | undefined {
  if (!(reply instanceof Map)) return undefined;
  const fields = new Map<string, unknown>();
  for (const [key, value] of reply) fields.set(String(key), value);
  const name = fields.get('server');
  const version = fields.get('version');
  const isText = (value: unknown) => typeof value === 'string' || Buffer.isBuffer(value);
  if (!isText(name) || !isText(version)) return undefined;
  return { name: String(name), version: String(version) };
}

/**
 * Whether the server knows CLIENT SETINFO: Redis from 7.2, every Valkey (its first release answers as 7.2).
 * An unknown server gets asked, and a refusal is ignored.
 */
export function knowsClientSetInfo(server: ServerInfo | undefined): boolean {
  if (server === undefined || server.name !== 'redis') return true;
  const [major = 0, minor = 0] = server.version.split('.').map(Number);
  return major > 7 || (major === 7 && minor >= 2);
}
