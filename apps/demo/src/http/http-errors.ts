import { KeyslotError, ReplyError } from '@keyslot/client';
import { ValidationError } from '../links/validation.js';

/** What the API answers for an error: 400 naming the field, 503 when the cluster cannot serve, 500 otherwise. */
export function httpError(error: unknown): { status: number; body: Record<string, unknown> } {
  if (error instanceof ValidationError) {
    return { status: 400, body: { error: 'bad_request', field: error.field, message: error.message } };
  }
  if (error instanceof KeyslotError && !(error instanceof ReplyError)) {
    return {
      status: 503,
      body: { error: 'cluster_unavailable', code: error.code, message: `the Redis cluster cannot serve this request now: ${error.message}` },
    };
  }
  return { status: 500, body: { error: 'internal', message: error instanceof Error ? error.message : String(error) } };
}
