// Moves hash slots and their keys between primaries the way redis-cli --cluster reshard does.
import { LOOPBACK_HOST } from './free-port.js';
import type { RespArg, RespReply } from './resp-connection.js';

const MIGRATE_BATCH = 100;
const MIGRATE_TIMEOUT_MS = 10_000;

/** A primary taking part in a move. */
export interface MigrationNode {
  id: string;
  port: number;
}

/** Sends a command to one node; `raw` keeps bulk strings as Buffers. */
export type SendCommand = (
  node: MigrationNode,
  args: readonly RespArg[],
  raw?: boolean,
) => Promise<RespReply>;

/** What to move: the slots of each source, the target, and the primaries that only need to hear about it. */
export interface SlotMove {
  target: MigrationNode;
  bySource: ReadonlyMap<MigrationNode, readonly number[]>;
  bystanders: readonly MigrationNode[];
  /** Password of the target, for MIGRATE ... AUTH. */
  password?: string | undefined;
}

/**
 * SETSLOT IMPORTING on the target and MIGRATING on each source, MIGRATE the keys in batches until each slot
 * is empty, then SETSLOT NODE on the target first (so it never refuses its new slots), then the sources (so
 * they stop redirecting with ASK), then the bystanders. Commands for different slots are pipelined.
 */
export async function moveSlotsBetweenPrimaries(send: SendCommand, move: SlotMove): Promise<void> {
  const { target, bySource, bystanders, password } = move;
  const entries = [...bySource.entries()];
  const moving = entries.flatMap(([, slots]) => slots);
  await Promise.all(
    entries.flatMap(([source, slots]) =>
      slots.map((slot) => send(target, ['CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id])),
    ),
  );
  await Promise.all(
    entries.flatMap(([source, slots]) =>
      slots.map((slot) => send(source, ['CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id])),
    ),
  );
  await Promise.all(
    entries.flatMap(([source, slots]) =>
      slots.map((slot) => migrateKeys(send, source, target, slot, password)),
    ),
  );
  for (const primary of [target, ...entries.map(([source]) => source), ...bystanders]) {
    await Promise.all(moving.map((slot) => send(primary, ['CLUSTER', 'SETSLOT', slot, 'NODE', target.id])));
  }
}

async function migrateKeys(
  send: SendCommand,
  source: MigrationNode,
  target: MigrationNode,
  slot: number,
  password: string | undefined,
): Promise<void> {
  const auth = password === undefined ? [] : ['AUTH', password];
  for (;;) {
    const keys = await send(source, ['CLUSTER', 'GETKEYSINSLOT', slot, MIGRATE_BATCH], true);
    if (!Array.isArray(keys) || keys.length === 0) return;
    const migrate = [
      'MIGRATE',
      LOOPBACK_HOST,
      target.port,
      '',
      0,
      MIGRATE_TIMEOUT_MS,
      'REPLACE',
      ...auth,
      'KEYS',
    ];
    await send(source, [...migrate, ...(keys as Buffer[])]);
  }
}
