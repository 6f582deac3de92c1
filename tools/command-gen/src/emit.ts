// Small helpers for writing TypeScript source text.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A string as a single-quoted TypeScript literal. */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** A property name: bare when it is an identifier, quoted otherwise. */
export function propertyName(name: string): string {
  return IDENTIFIER.test(name) ? name : quote(name);
}

/** A JSON-like value as a TypeScript literal (single quotes, bare keys). */
export function literal(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${propertyName(k)}: ${literal(v)}`).join(', ')} }`;
  }
  throw new Error(`cannot write ${typeof value} as a literal`);
}

/** `lower-case words` → `lowerCaseWords`. */
export function camel(text: string): string {
  const words = text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.map((word, i) => (i === 0 ? word : word[0]!.toUpperCase() + word.slice(1))).join('');
}

/** `lowerCase` → `LowerCase`. */
export function pascal(text: string): string {
  const c = camel(text);
  return c[0]!.toUpperCase() + c.slice(1);
}

/** A TSDoc comment, wrapped to fit the line width at the given indent. */
export function docComment(text: string, indent: string, width = 110): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const room = width - indent.length - 3;
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length === 1 && lines[0]!.length + 7 <= width - indent.length)
    return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`];
}
