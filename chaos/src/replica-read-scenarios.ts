// Reads from replicas (`readFrom: 'replica'`) while the shard they read from loses its primary: killed, or handed
// over gracefully. Reads must never fail: the replica keeps serving them, and is itself the new primary afterwards.
import type { ScenarioDefinition } from './run-scenario.js';
import { failoverPrimary, killPrimary, spreadKeys } from './scenario-steps.js';

export const replicaReadsKill: ScenarioDefinition = {
  id: 'replica-reads-kill',
  number: '10a',
  title: "primary SIGKILLed while readFrom: 'replica'",
  readFrom: 'replica',
  keys: spreadKeys('rkill'),
  durable: true,
  // The reads never stop (the replica serves them): the shard is back when its writes are acknowledged again.
  recoverOn: 'writes',
  recoveryMark: { mark: 'promotedAt', label: 'promotion' },
  fault: killPrimary,
};

export const replicaReadsFailover: ScenarioDefinition = {
  id: 'replica-reads-failover',
  number: '10b',
  title: "graceful CLUSTER FAILOVER while readFrom: 'replica'",
  readFrom: 'replica',
  keys: spreadKeys('rfailover'),
  fault: failoverPrimary,
};
