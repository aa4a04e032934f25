// npm run size: raw and gzipped bytes of what users ship, and the inline bundle's budget
// (≤ 26 KiB gzipped with every rule in it). Run after `npm run build`. With --breakdown (what
// `npm run size` passes), also what each source file costs: the loader's files from esbuild's
// metafile, the size build's functions from a build with a name section, grouped by file.
// With --rules (`npm run size:rules`, ~2 minutes), what each rule costs the size build: the
// gzipped size build with every rule, less the same build without that rule's kernel.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const root = new URL('../build/', import.meta.url);
// raised from 16 KiB with the checkpoint format that names its contents, and from 20 KiB with
// the first per-tensor state (LDoG: 20,461 → 21,117 B, its checkpoint fields, their validation
// and the kernel's per-tensor pass), and from 22 KiB with schedules, parameter groups, the EMA
// and Schedule-Free (21,228 → 25,359 B: the loader +3 KB gzipped, their validation with its
// messages and the checkpoint's fields; the size build +1 KB, the driver's per-segment factors
// and step measurement, the schedule, the EMA pass and the rule's kernel; the cosine and the
// fractional powers are written in assembly/math.ts, as the standard library's cos and pow
// took 3.6 KB of code). 0.6.0's GNB estimator for glyder: 25,854 B (+495 B: its options and
// their checks, the description's requests, the kernel's sampled-curvature branch)
const BUDGET = 26 * 1024;
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
    console.log(`${''.padEnd(18)}budget: inline.js gzipped ${gz} B ${ok ? '≤' : '>'} ${BUDGET} B (${BUDGET / 1024} KiB): ${ok ? 'met' : 'NOT met'}`);
  }
}
if (process.argv.includes('--breakdown')) await breakdown();
if (process.argv.includes('--rules')) await perRule();
process.exitCode = over ? 1 : 0;

async function breakdown() {
  const { build } = await import('esbuild');
  const { execFileSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const top = fileURLToPath(new URL('..', root));
  // the loader: bytes each source file contributes to the minified index.js
  const r = await build({
    entryPoints: [`${top}src/index.ts`], bundle: true, minify: true, format: 'esm', platform: 'neutral', target: ['es2022'],
    external: ['node:*'], write: false, metafile: true, define: { STEPSIZE_TABLES: '""', STEPSIZE_FINGERPRINT: '""' }, logLevel: 'silent',
  });
  const inputs = Object.values(r.metafile.outputs)[0].inputs;
  console.log('\nloader (index.js, minified, before gzip; the id tables come on top):');
  for (const [f, v] of Object.entries(inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) {
    if (v.bytesInOutput) console.log(`  ${f.padEnd(28)}${String(v.bytesInOutput).padStart(7)}`);
  }
  // the size build: each function's body, by the file that defines it (inlined code counts for its caller)
  const out = `${top}build/size-breakdown.wasm`;
  execFileSync(`${top}node_modules/.bin/asc`, ['assembly/index.ts', '--target', 'small', '--debug', '--outFile', out], { cwd: top });
  const bytes = readFileSync(out);
  const names = functionNames(bytes), bodies = bodySizes(bytes);
  const byFile = new Map();
  bodies.forEach((size, i) => {
    const name = names.get(i) ?? '?';
    const file = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '(runtime)';
    byFile.set(file, (byFile.get(file) ?? 0) + size);
  });
  console.log(`\nsize build (${bytes.length} B with names, before wasm-opt -Oz), function bodies by file:`);
  for (const [f, n] of [...byFile].sort((a, b) => b[1] - a[1])) console.log(`  ${f.padEnd(28)}${String(n).padStart(7)}`);
  const { rmSync } = await import('node:fs');
  rmSync(out);
}

function leb(b, at) {
  let v = 0, shift = 0, byte;
  do { byte = b[at++]; v += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return [v, at];
}

/** Each section's [id, start, end]. */
function sections(b) {
  const out = [];
  for (let at = 8; at < b.length;) {
    const id = b[at];
    const [size, body] = leb(b, at + 1);
    out.push([id, body, body + size]);
    at = body + size;
  }
  return out;
}

/** Sizes of the code section's function bodies (the module imports no functions). */
function bodySizes(b) {
  const [, start] = sections(b).find(([id]) => id === 10);
  let [count, at] = leb(b, start);
  const sizes = [];
  while (count--) { const [size, body] = leb(b, at); sizes.push(size); at = body + size; }
  return sizes;
}

/** The name section's function names, by index. */
function functionNames(b) {
  const names = new Map();
  for (const [id, start, end] of sections(b)) {
    if (id !== 0) continue;
    let [len, at] = leb(b, start);
    if (new TextDecoder().decode(b.subarray(at, at + len)) !== 'name') continue;
    at += len;
    while (at < end) {
      const kind = b[at];
      const [size, body] = leb(b, at + 1);
      if (kind === 1) {
        let [count, p] = leb(b, body);
        while (count--) {
          let idx, n;
          [idx, p] = leb(b, p);
          [n, p] = leb(b, p);
          names.set(idx, new TextDecoder().decode(b.subarray(p, p + n)));
          p += n;
        }
      }
      at = body + size;
    }
  }
  return names;
}

/** Each rule's cost in the size build: the build with every rule, less the build without it (gzip -9 of the wasm). */
async function perRule() {
  const { execFileSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const top = fileURLToPath(new URL('..', root));
  const { generate, loadOptions } = await import('./rules.mjs');
  const { RULE_LIST } = await loadOptions();
  const dir = mkdtempSync(`${tmpdir()}/stepsize-size-`);
  // the size build as scripts/build.mjs makes it (asc's small target, then wasm-opt)
  const sizeBuild = (name) => {
    const out = `${dir}/${name}.wasm`;
    execFileSync(`${top}node_modules/.bin/asc`, ['assembly/index.ts', '--target', 'small', '--outFile', out], { cwd: top, stdio: 'pipe' });
    execFileSync(`${top}node_modules/.bin/wasm-opt`, [out, '--enable-simd', '--enable-bulk-memory', '--enable-sign-ext',
      '--enable-mutable-globals', '--enable-nontrapping-float-to-int', '--flatten', '--rereloop', '-Oz', '--converge', '-o', out], { cwd: top, stdio: 'pipe' });
    return gzipSync(readFileSync(out), { level: 9 }).length;
  };
  try {
    await generate();
    const all = sizeBuild('all');
    console.log(`\nthe size build, gzip -9: ${all} B with every rule; each rule's kernel costs (the build without it):`);
    for (const r of RULE_LIST) {
      if (r.id === RULE_LIST[0].id) continue; // (the default rule is the bases' plain step: no kernel of its own to leave out)
      await generate({ exclude: [r.id] });
      console.log(`  ${r.id.padEnd(10)}${String(all - sizeBuild(r.id)).padStart(7)} B`);
    }
  } finally {
    await generate(); // the generated files as the build wants them
  }
}
