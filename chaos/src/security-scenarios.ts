// Faults around how connections are secured: a SIGKILLed primary on a TLS cluster, and credentials rotated under
// load (a short-lived token re-authenticated in place, then a password changed and every connection killed).
import type { DevCluster } from '@keyslot/dev-cluster';
import type { ScenarioContext, ScenarioDefinition } from './run-scenario.js';
import { begin, killPrimary, spreadKeys } from './scenario-steps.js';

export const sigkillTls: ScenarioDefinition = {
  id: 'sigkill-tls',
  number: '13',
  title: 'primary SIGKILLed on a TLS cluster, replica promoted',
  cluster: { tls: true },
  client: (cluster) => ({ tlsCa: cluster.tls!.ca }),
  keyslotOnly: true,
  keys: spreadKeys('tlskill'),
  durable: true,
  recoveryMark: { mark: 'promotedAt', label: 'promotion' },
  fault: killPrimary,
};

/** How long each token the provider hands out is valid: keyslot re-authenticates every connection before then. */
export const TOKEN_TTL_MS = 2_000;

const PASSWORDS = ['Token-1-never-print-a1', 'Token-2-never-print-b2', 'Token-3-never-print-c3'] as const;

/** Every connection logged in as one of the scenario's ACL users (keyslot's; the harness logs in as default). */
async function tokenConnections(cluster: DevCluster): Promise<{ id: string; user: string }[]> {
  const found: { id: string; user: string }[] = [];
  for (const node of cluster.nodes) {
    const list = String(await cluster.admin(node, 'CLIENT', 'LIST'));
    for (const line of list.split('\n')) {
      const user = /(?:^| )user=(\S+)/.exec(line)?.[1];
      if (user === 'app' || user === 'app2')
        found.push({ id: `${node.port}/${/^id=(\d+)/.exec(line)?.[1]}`, user });
    }
  }
  return found;
}

function adminAll(context: ScenarioContext, ...args: string[]): Promise<unknown[]> {
  const { cluster } = context;
  return Promise.all(cluster.nodes.map((node) => cluster.admin(node, ...args)));
}

/**
 * The client logs in with tokens valid for 2 s from a provider, so every connection is re-authenticated all along.
 * Then (1) the provider's tokens name another ACL user: every open connection must be logged in as it, in place
 * (the same connection ids), before the token current at the switch expires; (2) that user's password is rotated
 * and every one of its connections killed (CLIENT KILL USER): keyslot reconnects with the new secret. Recovery is
 * measured from the kill.
 */
export function credentialsRotated(): ScenarioDefinition {
  const token = { username: 'app', password: PASSWORDS[0] as string };
  return {
    id: 'credentials',
    number: '11',
    title: 'credentials rotated: re-authenticated in place, then password changed and connections killed',
    cluster: {
      extraConfig: [`user app on >${PASSWORDS[0]} ~* &* +@all`, `user app2 on >${PASSWORDS[1]} ~* &* +@all`],
    },
    client: () => ({
      credentials: async () => ({ ...token, expiresAt: Date.now() + TOKEN_TTL_MS }),
    }),
    keyslotOnly: true,
    keys: spreadKeys('creds'),
    recoveryMark: { mark: 'killedAt', label: 'CLIENT KILL' },
    async fault(context) {
      const { cluster } = context;
      const before = await tokenConnections(cluster);
      const switchedAt = Date.now();
      token.username = 'app2';
      token.password = PASSWORDS[1];
      await cluster.waitFor(
        async () => (await tokenConnections(cluster)).every((connection) => connection.user === 'app2'),
        {
          timeoutMs: TOKEN_TTL_MS,
          intervalMs: 20,
          message:
            'every connection to be re-authenticated as app2 before the token current at the switch expired',
        },
      );
      const reauthenticatedAt = Date.now();
      const after = await tokenConnections(cluster);
      const inPlace = before.filter((old) => after.some((now) => now.id === old.id)).length;
      await adminAll(context, 'ACL', 'SETUSER', 'app2', 'resetpass', `>${PASSWORDS[2]}`);
      token.password = PASSWORDS[2];
      await adminAll(context, 'CLIENT', 'KILL', 'USER', 'app2');
      // Recovery counts from the moment every connection is gone: commands issued earlier may have been served.
      const faultAt = begin(context);
      const killedAt = faultAt;
      return {
        faultAt,
        affected: context.keys.map(() => true),
        marks: { killedAt },
        notes: {
          connections: before.length,
          reauthenticatedInPlace: inPlace,
          reauthenticatedMs: reauthenticatedAt - switchedAt,
        },
      };
    },
  };
}
