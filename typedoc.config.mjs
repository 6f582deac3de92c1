// The API reference, generated from the doc comments into docs/api (not committed: `npm run docs` builds it, and
// so does `npm test`). One module per public entry point, named as users import it.
import { readdirSync, readFileSync } from 'node:fs';

const entryPoints = readdirSync('libs')
  .sort()
  .flatMap((folder) => {
    const manifest = JSON.parse(readFileSync(`libs/${folder}/package.json`, 'utf8'));
    return Object.values(manifest.exports)
      .filter((conditions) => typeof conditions === 'object')
      .map((conditions) => `libs/${folder}/${conditions['@keyslot/source']}`);
  });

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'keyslot',
  entryPoints,
  tsconfig: 'tsconfig.docs.json',
  out: 'docs/api',
  readme: 'none',
  excludeInternal: true,
  excludePrivate: true,
  excludeProtected: true,
  excludeExternals: true,
  sort: ['kind', 'alphabetical'],
  validation: { notExported: false, invalidLink: true, notDocumented: false },
  logLevel: 'Warn',
};
