/**
 * A stored session could not be turned back into a session by the store's serializer (written by something else,
 * or with another serializer). The request fails with it; its message leaves the stored text out, since that text is
 * a user's session, and so does its stack (the parser's own error, which quotes the text, is not kept as `cause`).
 */
export class SessionUnreadableError extends Error {
  /** Stable: match on it, not on the message. */
  readonly code = 'ERR_KEYSLOT_SESSION_UNREADABLE' as const;
  constructor() {
    super("session store: a stored session could not be parsed with the store's serializer");
    this.name = 'SessionUnreadableError';
  }
}
