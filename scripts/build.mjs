// npm run build: asc compiles assembly/ to build/stepsize.wasm (SIMD, -O3, no debug
// runtime, zero imports) and bench/assembly/ to build/problems.wasm; esbuild bundles src/ into three ESM entries and the test bundle;
// tsc writes the .d.ts files.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { readFileSync, statSync, mkdirSync, rmSync, copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const bin = (name) => `${root}node_modules/.bin/${name}`;

rmSync(`${root}build`, { recursive: true, force: true });
mkdirSync(`${root}build`, { recursive: true });
run(bin('asc'), ['assembly/index.ts', '--target', 'release']);
// the reproduction problems (bench/, not part of the package)
run(bin('asc'), ['bench/assembly/problems.ts', '--target', 'problems']);
const wasmPath = `${root}build/stepsize.wasm`;

// Target set explicitly: newer esbuild emits Uint8Array.fromBase64 for the binary loader
// when the target allows it, which Node 20 lacks.
const common = {
  bundle: true, format: 'esm', platform: 'neutral', target: ['es2022', 'node20'],
  external: ['node:*'], absWorkingDir: root, logLevel: 'warning', legalComments: 'none',
};
const wasm = (mode) => ({
  name: `wasm-${mode}`,
  setup(b) {
    b.onResolve({ filter: /\/stepsize\.wasm$/ }, () =>
      mode === 'external' ? { path: './stepsize.wasm', external: true } : { path: wasmPath, namespace: 'wasm-bytes' });
    // the inline entries carry the wasm gzipped (src/inline.ts inflates it)
    b.onLoad({ filter: /.*/, namespace: 'wasm-bytes' }, () => ({ contents: gzipSync(readFileSync(wasmPath), { level: 9 }), loader: 'binary' }));
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
