/** Written by {@link flattenString}, so that the conversion is never optimised away. */
const sink = { value: 0 };

/**
 * Makes V8 store `text` as one flat run of characters. A string built with `+` (an encoded command) is a tree of
 * its pieces, several times its size, until something reads it whole; a command that waits for a node keeps that
 * tree alive. Converting the string to a number reads it whole, which flattens it in place.
 */
export function flattenString(text: string): void {
  sink.value = Number(text);
}
