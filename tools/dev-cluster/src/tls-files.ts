// Self-signed certificates for TLS tests, made with the openssl CLI (Node cannot issue certificates).
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Paths of the PEM files a TLS-enabled server is configured with. */
export interface TlsFiles {
  /** CA certificate that signed `certFile`; clients trust it. */
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** The TLS files and their PEM contents, ready for `tls.connect({ ca, cert, key })`. */
export interface TlsMaterial extends TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

/**
 * Creates a throwaway CA and one certificate for 127.0.0.1/localhost signed by it, in `dir`. The same
 * certificate serves as server and client certificate (cluster bus and replication links use it both ways).
 */
export async function createTlsFiles(dir: string): Promise<TlsMaterial> {
  mkdirSync(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const openssl = (args: string[]) => execFileAsync('openssl', args, { cwd: dir });
  try {
    await openssl([
      'req',
      '-x509',
      ...curve,
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.crt'),
      '-days',
      '7',
      '-subj',
      '/CN=keyslot dev-cluster CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await openssl([
      'req',
      '-new',
      ...curve,
      '-keyout',
      file('redis.key'),
      '-out',
      file('redis.csr'),
      '-subj',
      '/CN=127.0.0.1',
    ]);
    writeFileSync(
      file('redis.ext'),
      'basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
    );
    await openssl([
      'x509',
      '-req',
      '-in',
      file('redis.csr'),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('redis.crt'),
      '-days',
      '7',
      '-extfile',
      file('redis.ext'),
    ]);
  } catch (error) {
    throw new Error(`Creating TLS certificates with openssl failed: ${(error as Error).message}`);
  }
  return loadTlsMaterial({ caFile: file('ca.crt'), certFile: file('redis.crt'), keyFile: file('redis.key') });
}

/** Reads the PEM contents of the given files. */
export function loadTlsMaterial(files: TlsFiles): TlsMaterial {
  return {
    ...files,
    ca: readFileSync(files.caFile, 'utf8'),
    cert: readFileSync(files.certFile, 'utf8'),
    key: readFileSync(files.keyFile, 'utf8'),
  };
}

/**
 * The TLS material a server of a run uses: `true` for a CA and certificate made in the run's folder, given files
 * read as they are, or none.
 */
export async function tlsMaterialFor(
  tls: boolean | TlsFiles | undefined,
  runDir: string,
): Promise<TlsMaterial | undefined> {
  if (tls === true) return createTlsFiles(path.join(runDir, 'tls'));
  return tls ? loadTlsMaterial(tls) : undefined;
}
