// npm run layouts [-- --check] [-- --symbols <dir>]
// Generates mocks/layouts/<name>.ts (one per build of mocks/layouts/spec.ts) and mocks/layouts/registry.ts
// from the real symbol tables in ../shared/symbols (Volatility 3 ISF, Volatility 2 vtypes, pdbex headers).
// --check: compare with the committed files instead of writing (exit 1 on a difference).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAll } from '../mocks/layouts/generate';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const args = process.argv.slice(2);
const symbolsAt = args.includes('--symbols') ? resolve(args[args.indexOf('--symbols') + 1]) : resolve(root, '../shared/symbols');
if (!existsSync(symbolsAt)) {
  console.error(`layouts: no symbol tables at ${symbolsAt} (pass --symbols <dir>)`);
  process.exit(2);
}
const files = generateAll(symbolsAt);
let differing = 0;
for (const [relative, text] of Object.entries(files)) {
  const path = join(root, 'mocks/layouts', relative);
  if (args.includes('--check')) {
    const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (current !== text) { differing++; console.log(`differs: mocks/layouts/${relative}`); }
  } else {
    writeFileSync(path, text);
  }
}
if (args.includes('--check')) {
  console.log(differing ? `${differing} layout files differ from a fresh generation` : `${Object.keys(files).length} layout files equal a fresh generation`);
  process.exit(differing ? 1 : 0);
}
console.log(`wrote ${Object.keys(files).length} files into mocks/layouts/`);
