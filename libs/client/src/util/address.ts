/**
 * Splits a node address, `host:port`, at its last colon (an IPv6 host has colons of its own), dropping the brackets
 * of a bracketed IPv6 host (`[::1]:7000`).
 */
export function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return {
    host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'),
    port: Number(address.slice(colon + 1)),
  };
}
