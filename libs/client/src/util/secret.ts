import { inspect } from 'node:util';

/**
 * Holds a password so that it never reaches a log: `util.inspect`, `JSON.stringify`, `String()` and template
 * strings all print `[redacted]`. Only the handshake reads `reveal()`.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}
