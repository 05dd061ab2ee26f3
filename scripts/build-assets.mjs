// `npm run build` step after tsc: data files the compiled code reads next to itself. PM2 runs dist/,
// so without them the built brain could not train its classifier. Stale copies go first.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
for (const folder of ['brain/receptionist/corpus']) {
  const to = path.join(root, 'dist', folder);
  fs.rmSync(to, { recursive: true, force: true });
  fs.cpSync(path.join(root, folder), to, { recursive: true });
}
