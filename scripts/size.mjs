// npm run size: raw and gzipped bytes of what users ship, and the inline bundle's budget
// (≤ 20 KiB gzipped with every rule in it). Run after `npm run build`.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const root = new URL('../build/', import.meta.url);
const BUDGET = 20 * 1024; // raised from 16 KiB with the checkpoint format that names its contents
const rows = [
  ['stepsize.wasm', 'the kernels (every base and rule)'],
  ['index.js', 'ESM, loads stepsize.wasm beside it (new URL(…, import.meta.url))'],
  ['edge.js', 'ESM for workerd / edge-light, imports stepsize.wasm as a module'],
  ['inline.js', 'ESM with the wasm inlined (stepsize/inline)'],
  ['stepsize.iife.js', 'IIFE for a plain <script> tag (global `stepsize`, wasm inlined)'],
];
let over = false;
console.log(`${'file'.padEnd(18)}${'raw'.padStart(9)}${'gzip -9'.padStart(9)}  what`);
for (const [file, what] of rows) {
  const url = new URL(file, root);
  if (!existsSync(url)) { console.log(`${file.padEnd(18)}  missing (run npm run build)`); over = true; continue; }
  const bytes = readFileSync(url), gz = gzipSync(bytes, { level: 9 }).length;
  console.log(`${file.padEnd(18)}${String(bytes.length).padStart(9)}${String(gz).padStart(9)}  ${what}`);
  if (file === 'inline.js') {
    const ok = gz <= BUDGET;
    over ||= !ok;
    console.log(`${''.padEnd(18)}budget: inline.js gzipped ${gz} B ${ok ? '≤' : '>'} ${BUDGET} B (20 KiB): ${ok ? 'met' : 'NOT met'}`);
  }
}
process.exitCode = over ? 1 : 0;
