/** Bad input: the HTTP layer answers 400 with the field that was wrong. */
export class ValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

const CODE = /^[A-Za-z0-9_-]{3,32}$/;

/** A link code: 3 to 32 letters, digits, `_` or `-`. */
export function parseCode(value: unknown, field = 'code'): string {
  if (typeof value !== 'string' || !CODE.test(value)) {
    throw new ValidationError(field, `${field} must be 3 to 32 letters, digits, '_' or '-'`);
  }
  return value;
}

/** The body of POST /links: `{ url, code? }`. */
export function parseCreateLink(body: unknown): { url: string; code?: string } {
  if (typeof body !== 'object' || body === null)
    throw new ValidationError('body', 'the body must be a JSON object');
  const { url, code } = body as Record<string, unknown>;
  if (typeof url !== 'string' || url.length > 2048)
    throw new ValidationError('url', 'url must be a string of at most 2048 characters');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError('url', 'url must be an absolute http(s) URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new ValidationError('url', 'url must be an absolute http(s) URL');
  return code === undefined ? { url } : { url, code: parseCode(code) };
}

/** The body of POST /links/lookup: `{ codes: string[] }` with 1 to 100 codes. */
export function parseCodes(body: unknown): string[] {
  const codes = (body as { codes?: unknown } | null)?.codes;
  if (!Array.isArray(codes) || codes.length === 0 || codes.length > 100) {
    throw new ValidationError('codes', 'codes must be an array of 1 to 100 link codes');
  }
  return codes.map((code, index) => parseCode(code, `codes[${index}]`));
}

/** `?limit=` of the leaderboard: 1 to 100, default 10. */
export function parseLimit(value: unknown): number {
  if (value === undefined) return 10;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new ValidationError('limit', 'limit must be an integer from 1 to 100');
  return limit;
}

/** The client id a rate limit applies to (header `x-client-id`, else the remote address). */
export function parseClientId(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) {
    throw new ValidationError('x-client-id', 'x-client-id must be 1 to 64 characters');
  }
  return value;
}
