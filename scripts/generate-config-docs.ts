// Writes docs/config-directives.md from the directive table. Run after changing
// src/server/config/directives.ts: `npx tsc -p . && node dist/scripts/generate-config-docs.js`
// (a unit test fails while the committed file is stale).
import { writeFileSync } from 'node:fs';
import { directives } from '../src/server/config/directives.js';
import { renderDirectivesDoc } from '../src/server/config/directives-doc.js';

const target = new URL('../../docs/config-directives.md', import.meta.url);
writeFileSync(target, renderDirectivesDoc(directives));
console.log(`wrote ${target.pathname}`);
