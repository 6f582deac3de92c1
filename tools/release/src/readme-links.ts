import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { workspaceRoot } from './libraries.js';

/** A relative link in a Markdown file that does not resolve inside the repository. */
export interface BrokenLink {
  file: string;
  link: string;
  reason: string;
}

/** Every Markdown file under version control, the API reports aside (they link nothing). */
export function markdownFiles(): string[] {
  return execFileSync('git', ['ls-files', '*.md'], { cwd: workspaceRoot, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file !== '' && !/\/api\/[^/]+\.api\.md$/.test(file));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  const withoutCode = markdown.replace(/^```[\s\S]*?^```$/gm, '');
  for (const match of withoutCode.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = headingAnchor(match[1] ?? '');
    const seen = counts.get(base) ?? 0;
    counts.set(base, seen + 1);
    anchors.add(seen === 0 ? base : `${base}-${seen}`);
  }
  return anchors;
}

/**
 * Checks every relative link and anchor of `files`: the target must be inside the repository and exist (files
 * that a build generates, such as docs/api, once that build has run); an anchor must name a heading there.
 */
export function brokenLinks(files: string[], root = workspaceRoot): BrokenLink[] {
  const broken: BrokenLink[] = [];
  for (const file of files) {
    const markdown = readFileSync(join(root, file), 'utf8');
    const prose = markdown
      .replace(/^```[\s\S]*?^```$/gm, '')
      .replace(/`[^`\n]*`/g, (code) => (code.includes('](') ? code : ''));
    for (const match of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const link = match[1] ?? '';
      if (/^[a-z]+:/i.test(link)) continue; // https:, mailto: ...
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? join(root, file) : join(root, dirname(file), decodeURI(path));
      const inside = relative(root, target);
      if (inside.startsWith('..')) {
        broken.push({ file, link, reason: 'outside the repository' });
        continue;
      }
      if (!existsSync(target)) {
        broken.push({ file, link, reason: 'no such file' });
        continue;
      }
      if (anchor && statSync(target).isFile() && target.endsWith('.md')) {
        if (!anchorsOf(readFileSync(target, 'utf8')).has(anchor))
          broken.push({ file, link, reason: 'no such heading' });
      }
    }
  }
  return broken;
}
