// npm run build: asc compiles assembly/ to build/stepsize.wasm (SIMD, -O3, no debug
// runtime, zero imports) and bench/assembly/ to build/problems.wasm; esbuild bundles src/ into three ESM entries and the test bundle;
// tsc writes the .d.ts files.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { gzip as zopfliGzip } from '@gfx/zopfli';
import { readFileSync, writeFileSync, statSync, mkdirSync, rmSync, copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const bin = (name) => `${root}node_modules/.bin/${name}`;

rmSync(`${root}build`, { recursive: true, force: true });
mkdirSync(`${root}build`, { recursive: true });
const wasmPath = `${root}build/stepsize.wasm`;
run(bin('asc'), ['assembly/index.ts', '--target', 'release']);
// binaryen's -Oz once more over asc's -O3 output: the same semantics (no fast-math; the kernels
// measured the same speed), ~6% smaller gzipped, which the inline bundle's budget needs
run(bin('wasm-opt'), [wasmPath, '--enable-simd', '--enable-bulk-memory', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-nontrapping-float-to-int', '-Oz', '--converge', '-o', wasmPath]);
// The ids and layout constants: compiled from assembly/tables.ts, read here, and baked into
// the JS entries (define STEPSIZE_TABLES). stepsize.wasm gets their fingerprint as a custom
// section, which the loader checks, so a loader never drives a wasm built with other ids.
run(bin('asc'), ['assembly/tables.ts', '--target', 'tables']);
const tableGlobals = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(`${root}build/tables.wasm`))).exports;
rmSync(`${root}build/tables.wasm`);
const tables = JSON.stringify(packTables(Object.entries(tableGlobals)
  .filter(([k, v]) => v instanceof WebAssembly.Global && !/^S_.+_/.test(k)) // (a rule's own state slots stay in WASM)
  .map(([k, v]) => [k, Number(v.value)])));
const fingerprint = fnv1a(tables);
appendCustomSection(wasmPath, 'stepsize', fingerprint);
// what the inline entries embed: the finished module, gzipped by zopfli (src/inline.ts inflates it)
const wasmGzipped = await zopfli(readFileSync(wasmPath));
// the reproduction problems (bench/, not part of the package)
run(bin('asc'), ['bench/assembly/problems.ts', '--target', 'problems']);

// Target set explicitly: newer esbuild emits Uint8Array.fromBase64 for the binary loader
// when the target allows it, which Node 20 lacks.
const common = {
  bundle: true, format: 'esm', platform: 'neutral', target: ['es2022', 'node20'],
  external: ['node:*'], absWorkingDir: root, logLevel: 'warning', legalComments: 'none',
  define: { STEPSIZE_TABLES: tables, STEPSIZE_FINGERPRINT: JSON.stringify(fingerprint) },
};
const wasm = (mode) => ({
  name: `wasm-${mode}`,
  setup(b) {
    b.onResolve({ filter: /\/stepsize\.wasm$/ }, () =>
      mode === 'external' ? { path: './stepsize.wasm', external: true } : { path: wasmPath, namespace: 'wasm-bytes' });
    b.onLoad({ filter: /.*/, namespace: 'wasm-bytes' }, () => ({ contents: wasmGzipped, loader: 'binary' }));
  },
});
// The three shipped ESM entries and the IIFE are minified: they are what ends up in users' bundles.
const shipped = { ...common, minify: true };
await Promise.all([
  build({ ...shipped, entryPoints: ['src/index.ts'], outfile: 'build/index.js' }),
  build({ ...shipped, entryPoints: ['src/edge.ts'], outfile: 'build/edge.js', plugins: [wasm('external')] }),
  build({ ...shipped, entryPoints: ['src/inline.ts'], outfile: 'build/inline.js', plugins: [wasm('inline')] }),
  // stepsize/tfjs: the TensorFlow.js adapter; tfjs-core is the user's (a peer dependency), the
  // core is the package's own entry
  build({ ...shipped, entryPoints: ['src/tfjs.ts'], outfile: 'build/tfjs.js', external: ['node:*', '@tensorflow/tfjs-core', './index.js'] }),
  // a plain <script> tag: the global `stepsize`, with the wasm inlined
  build({ ...shipped, format: 'iife', globalName: 'stepsize', entryPoints: ['src/inline.ts'], outfile: 'build/stepsize.iife.js', plugins: [wasm('inline')] }),
  // The tests, bundled once and run unchanged by Node, Deno and Chromium; they import
  // the built package (build/index.js), never the sources.
  build({
    ...common, entryPoints: ['tests/main.ts'], outfile: 'build/tests/main.js',
    external: ['node:*', '../build/index.js'], plugins: [{
      name: 'package-under-test',
      setup(b) { b.onResolve({ filter: /^\.\.\/build\/(index|inline)\.js$/ }, (a) => ({ path: a.path.replace('/build', ''), external: true })); },
    }],
  }),
]);
// The tfjs adapter's tests (Node): tfjs stays external, the adapter is the built one.
await build({
  ...common, platform: 'node', entryPoints: ['tests/tfjs-main.ts'], outfile: 'build/tests/tfjs.js',
  external: ['node:*', '@tensorflow/*'], plugins: [{
    name: 'adapter-under-test',
    setup(b) { b.onResolve({ filter: /^\.\.\/build\/tfjs\.js$/ }, () => ({ path: '../tfjs.js', external: true })); },
  }],
});
// The workerd test's worker: the built edge entry bundled as a deploy tool would, with the
// .wasm left as a module import that workerd resolves from its config (tests/workerd/).
await build({
  ...common, entryPoints: ['tests/workerd/worker.ts'], outfile: 'build/tests/workerd.js',
  plugins: [{ name: 'wasm-module', setup(b) { b.onResolve({ filter: /stepsize\.wasm$/ }, () => ({ path: './stepsize.wasm', external: true })); } }],
});
copyFileSync(`${root}tests/workerd/config.capnp`, `${root}build/tests/workerd.capnp`);
// the demo's digits (demo/, npm run demo)
const { packMnist } = await import('../demo/pack-mnist.mjs');
packMnist(`${root}build/demo`);
run(bin('tsc'), ['-p', 'tsconfig.json']);
for (const f of ['stepsize.wasm', 'index.js', 'edge.js', 'inline.js', 'stepsize.iife.js']) {
  console.log(`build/${f.padEnd(14)} ${statSync(`${root}build/${f}`).size} bytes`);
}

/** FNV-1a (32-bit) of a string's UTF-16 code units, as 8 hex digits. */
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Appends a custom section (name, UTF-8 text payload) to a wasm file. */
function appendCustomSection(path, name, text) {
  const leb = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
  const nameBytes = Buffer.from(name), payload = Buffer.from(text);
  const body = Buffer.concat([Buffer.from(leb(nameBytes.length)), nameBytes, payload]);
  writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from([0, ...leb(body.length)]), body]));
}

/**
 * The tables as one short string (src/wasm.ts unpacks it): runs of names sharing a prefix
 * and numbered consecutively, as `prefix start name,name,…` joined by ';'
 * ("HP_clara_ 16 c,damping,unitStep,etaMin,etaMax").
 */
function packTables(entries) {
  const runs = [];
  for (const [name, id] of entries) {
    const cut = /^(BASE|RULE|BATCH|HP|S|T)_/.test(name) ? name.lastIndexOf('_') + 1 : 0;
    const prefix = name.slice(0, cut), last = runs.at(-1);
    if (last && last.prefix === prefix && last.start + last.names.length === id) last.names.push(name.slice(cut));
    else runs.push({ prefix, start: id, names: [name.slice(cut)] });
  }
  const packed = runs.map((r) => `${r.prefix} ${r.start} ${r.names.join(',')}`).join(';');
  if (/[ ;,]/.test(entries.map(([n]) => n).join(''))) throw new Error('a table name contains a separator');
  return packed;
}

/** gzip bytes with zopfli (smaller than zlib -9; any gzip reader inflates them). */
function zopfli(bytes) {
  return new Promise((resolve, reject) =>
    zopfliGzip(bytes, { numiterations: 15 }, (err, out) => (err ? reject(err) : resolve(Buffer.from(out)))));
}
