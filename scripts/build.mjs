// npm run build: asc compiles assembly/ to build/stepsize.wasm (SIMD, -O3, no debug
// runtime, zero imports) and bench/assembly/ to build/problems.wasm; esbuild bundles src/ into three ESM entries and the test bundle;
// tsc writes the .d.ts files.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { gzip as zopfliGzip } from '@gfx/zopfli';
import { readFileSync, writeFileSync, statSync, mkdirSync, rmSync, copyFileSync, existsSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { generate } from './rules.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const bin = (name) => `${root}node_modules/.bin/${name}`;

// `--reuse-wasm` (npm run test:node): the wasm files, the tables and the zopfli payload come
// from the cache when nothing they are built from changed (they take most of the build time).
const reuse = process.argv.includes('--reuse-wasm');
const cacheDir = `${root}node_modules/.cache/stepsize-build/`;
// The module's ids and dispatch come from the rule descriptions (scripts/rules.mjs writes
// assembly/generated/), so they are part of what the wasm is built from.
await generate();
const inputsHash = hashInputs(['assembly', 'bench/assembly', 'asconfig.json', 'package-lock.json', 'scripts/build.mjs', 'scripts/rules.mjs']);
const cached = reuse && existsSync(`${cacheDir}stamp`) && readFileSync(`${cacheDir}stamp`, 'utf8') === inputsHash;

rmSync(`${root}build`, { recursive: true, force: true });
mkdirSync(`${root}build`, { recursive: true });
const wasmPath = `${root}build/stepsize.wasm`;
// Two builds of the same sources: stepsize.wasm (the speed build, shipped as a file) and the
// size build that the inline entries embed (asc --shrinkLevel 2: the elementwise update loops
// are not unrolled, assembly/simd.ts ROLLED; the same results bit for bit, tests/bundles.test.ts).
const smallPath = `${root}build/stepsize.small.wasm`;
let tables, fingerprint, smallGzipped;
if (cached) {
  for (const f of ['stepsize.wasm', 'stepsize.small.wasm', 'problems.wasm']) copyFileSync(`${cacheDir}${f}`, `${root}build/${f}`);
  ({ tables, fingerprint } = JSON.parse(readFileSync(`${cacheDir}tables.json`, 'utf8')));
  smallGzipped = readFileSync(`${cacheDir}small.wasm.gz`);
  console.log('wasm: reused from the cache (nothing it is built from changed)');
} else {
  run(bin('asc'), ['assembly/index.ts', '--target', 'release']);
  run(bin('asc'), ['assembly/index.ts', '--target', 'small']);
  // binaryen's -Oz once more over asc's output: the same semantics (no fast-math; the kernels
  // measured the same speed), ~6% smaller gzipped, which the inline bundle's budget needs
  // The size build first has its control flow rebuilt (--flatten --rereloop): measured ~120 B
  // smaller gzipped there; the same semantics. The speed build is optimized once more with
  // traps-never-happen (-tnh): the kernels never trap (every address is inside the layout the
  // module grew memory for), and it lets binaryen merge a vector's loads that an operation's
  // sums and its update both make (443 → 385 v128.loads), which the engines do not do.
  for (const path of [wasmPath, smallPath]) {
    run(bin('wasm-opt'), [path, '--enable-simd', '--enable-bulk-memory', '--enable-sign-ext',
      '--enable-mutable-globals', '--enable-nontrapping-float-to-int', ...(path === smallPath ? ['--flatten', '--rereloop'] : ['-tnh', '-O3']), '-Oz', '--converge', '-o', path]);
  }
  // The ids and layout constants: compiled from assembly/tables.ts, read here, and baked into
  // the JS entries (define STEPSIZE_TABLES). stepsize.wasm gets their fingerprint as a custom
  // section, which the loader checks, so a loader never drives a wasm built with other ids.
  run(bin('asc'), ['assembly/tables.ts', '--target', 'tables']);
  const tableGlobals = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(`${root}build/tables.wasm`))).exports;
  rmSync(`${root}build/tables.wasm`);
  const entries = Object.entries(tableGlobals).filter(([, v]) => v instanceof WebAssembly.Global).map(([k, v]) => [k, Number(v.value)]);
  // The fingerprint covers every id; the loader is given all but the base and rule ids and the
  // rules' own hyperparameter, state and stats slots, which it numbers from the same
  // descriptions as scripts/rules.mjs does (src/options.ts baseId, scalarSlots)
  fingerprint = fnv1a(JSON.stringify(packTables(entries)));
  tables = JSON.stringify(packTables(entries.filter(([k]) => !/^((HP|S|T|TS)_[a-z][a-z0-9]*_|BASE_|RULE_)/.test(k))));
  appendCustomSection(wasmPath, 'stepsize', fingerprint);
  appendCustomSection(smallPath, 'stepsize', fingerprint);
  // what the inline entries embed: the size build, gzipped by zopfli, then written as text in
  // base 64 (src/inline.ts decodes and inflates it); see embedPayload
  smallGzipped = await zopfli(readFileSync(smallPath));
  // the reproduction problems (bench/, not part of the package)
  run(bin('asc'), ['bench/assembly/problems.ts', '--target', 'problems']);
  mkdirSync(cacheDir, { recursive: true });
  for (const f of ['stepsize.wasm', 'stepsize.small.wasm', 'problems.wasm']) copyFileSync(`${root}build/${f}`, `${cacheDir}${f}`);
  writeFileSync(`${cacheDir}tables.json`, JSON.stringify({ tables, fingerprint }));
  writeFileSync(`${cacheDir}small.wasm.gz`, smallGzipped);
  writeFileSync(`${cacheDir}stamp`, inputsHash);
}

// Target set explicitly (es2022, node20): the shipped entries must run on Node 20, and esbuild
// would otherwise emit syntax and built-ins newer than that.
const common = {
  bundle: true, format: 'esm', platform: 'neutral', target: ['es2022', 'node20'],
  external: ['node:*'], absWorkingDir: root, logLevel: 'warning', legalComments: 'none',
  define: { STEPSIZE_TABLES: tables, STEPSIZE_FINGERPRINT: JSON.stringify(fingerprint) },
};
const PAYLOAD = '@@stepsize.small.wasm@@';
const wasm = (mode) => ({
  name: `wasm-${mode}`,
  setup(b) {
    b.onResolve({ filter: /\/stepsize\.wasm$/ }, () =>
      mode === 'external' ? { path: './stepsize.wasm', external: true } : { path: smallPath, namespace: 'wasm-text' });
    // a placeholder string, replaced by embedPayload once the bundle's own text is known
    b.onLoad({ filter: /.*/, namespace: 'wasm-text' }, () => ({ contents: `export default ${JSON.stringify(PAYLOAD)}`, loader: 'js' }));
  },
});
// The test and tool bundles import their suites for their side effects: package.json's
// sideEffects speaks for the published files only, so these bundles ignore it.
const dev = { ...common, ignoreAnnotations: true };
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
    ...dev, entryPoints: ['tests/main.ts'], outfile: 'build/tests/main.js',
    external: ['node:*', '../build/index.js'], plugins: [{
      name: 'package-under-test',
      setup(b) { b.onResolve({ filter: /^\.\.\/build\/(index|inline)\.js$/ }, (a) => ({ path: a.path.replace('/build', ''), external: true })); },
    }],
  }),
]);
// npm run golden: writes this version's golden checkpoints (Node), with the built package.
await build({
  ...dev, platform: 'node', entryPoints: ['tests/golden-write.ts'], outfile: 'build/tests/golden-write.js',
  external: ['node:*'], plugins: [{
    name: 'package-under-test',
    setup(b) { b.onResolve({ filter: /^\.\.\/build\/index\.js$/ }, () => ({ path: '../index.js', external: true })); },
  }],
});
// The tfjs adapter's tests (Node): tfjs stays external, the adapter is the built one.
await build({
  ...dev, platform: 'node', entryPoints: ['tests/tfjs-main.ts'], outfile: 'build/tests/tfjs.js',
  external: ['node:*', '@tensorflow/*'], plugins: [{
    name: 'adapter-under-test',
    setup(b) { b.onResolve({ filter: /^\.\.\/build\/tfjs\.js$/ }, () => ({ path: '../tfjs.js', external: true })); },
  }],
});
// The workerd test's worker: the built edge entry bundled as a deploy tool would, with the
// .wasm left as a module import that workerd resolves from its config (tests/workerd/).
await build({
  ...dev, entryPoints: ['tests/workerd/worker.ts'], outfile: 'build/tests/workerd.js',
  plugins: [{ name: 'wasm-module', setup(b) { b.onResolve({ filter: /stepsize\.wasm$/ }, () => ({ path: './stepsize.wasm', external: true })); } }],
});
copyFileSync(`${root}tests/workerd/config.capnp`, `${root}build/tests/workerd.capnp`);
// the demo's digits (demo/, npm run demo)
const { packMnist } = await import('../demo/pack-mnist.mjs');
packMnist(`${root}build/demo`);
for (const f of ['inline.js', 'stepsize.iife.js']) embedPayload(`${root}build/${f}`, smallGzipped);
rmSync(smallPath);
run(bin('tsc'), ['-p', 'tsconfig.json']);
// declarations beside the bundles too, so code that imports build/index.js (the tests, bench,
// a bundler resolving the file itself) is typed against the real API
for (const f of ['index', 'inline', 'edge', 'tfjs']) writeFileSync(`${root}build/${f}.d.ts`, `export * from './types/${f}.js';\n`);
for (const f of ['stepsize.wasm', 'index.js', 'edge.js', 'inline.js', 'stepsize.iife.js']) {
  console.log(`build/${f.padEnd(14)} ${statSync(`${root}build/${f}`).size} bytes`);
}

/** SHA-256 over every file below these paths (names and contents), in a fixed order. */
function hashInputs(paths) {
  const h = createHash('sha256');
  const walk = (rel) => {
    const full = `${root}${rel}`;
    if (statSync(full).isDirectory()) for (const e of readdirSync(full).sort()) walk(`${rel}/${e}`);
    else h.update(`${rel}\0`).update(readFileSync(full));
  };
  for (const p of paths) if (existsSync(`${root}${p}`)) walk(p);
  return h.digest('hex');
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
    const cut = /^(BASE|RULE|BATCH|HP|S|T|C|INIT)_/.test(name) ? name.lastIndexOf('_') + 1 : 0;
    const prefix = name.slice(0, cut), last = runs.at(-1);
    if (last && last.prefix === prefix && last.start + last.names.length === id) last.names.push(name.slice(cut));
    else runs.push({ prefix, start: id, names: [name.slice(cut)] });
  }
  const packed = runs.map((r) => `${r.prefix} ${r.start} ${r.names.join(',')}`).join(';');
  if (/[ ;,]/.test(entries.map(([n]) => n).join(''))) throw new Error('a table name contains a separator');
  return packed;
}

/**
 * Writes the gzipped wasm into a built bundle in place of the PAYLOAD placeholder, as base 64
 * whose 64 digits are the bundle's own 64 most frequent characters (that can stand unescaped
 * in any string literal), alphabet first. gzip codes the JS and the payload with one Huffman
 * table per block: digits the JS already uses often cost fewer bits there than A–Z, a–z, 0–9,
 * + and / would (measured: 373 B less than standard base64 for inline.js gzipped).
 * src/inline.ts reads the alphabet from the string's first 64 characters.
 */
function embedPayload(path, bytes) {
  const js = readFileSync(path, 'utf8');
  const at = js.indexOf(PAYLOAD);
  if (at < 0 || js.indexOf(PAYLOAD, at + 1) >= 0) throw new Error(`${path}: expected one payload placeholder`);
  const counts = new Map();
  for (const ch of js) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const alphabet = [...counts].filter(([ch]) => /^[\x20-\x7e]$/.test(ch) && !'"\'`\\$'.includes(ch))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 64).map(([ch]) => ch);
  if (alphabet.length < 64) throw new Error(`${path}: fewer than 64 usable characters for the payload alphabet`);
  let digits = '', acc = 0, bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte; bits += 8;
    while (bits >= 6) { bits -= 6; digits += alphabet[(acc >> bits) & 63]; }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) digits += alphabet[(acc << (6 - bits)) & 63];
  writeFileSync(path, js.slice(0, at) + alphabet.join('') + digits + js.slice(at + PAYLOAD.length));
}

/** gzip bytes with zopfli (smaller than zlib -9; any gzip reader inflates them). */
function zopfli(bytes) {
  return new Promise((resolve, reject) =>
    zopfliGzip(bytes, { numiterations: 15 }, (err, out) => (err ? reject(err) : resolve(Buffer.from(out)))));
}
