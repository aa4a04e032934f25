// npm run bench: compiles the yardsticks (floor.ts), bundles kernels.ts and runs it.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(`${root}node_modules/.bin/asc`, ['bench/floor.ts', '--outFile', 'build/bench/floor.wasm', '-O3', '--noAssert',
  '--runtime', 'stub', '--use', 'abort=', '--enable', 'simd'], { cwd: root, stdio: 'inherit' });
await build({
  entryPoints: [`${root}bench/kernels.ts`], outfile: `${root}build/bench/kernels.js`, bundle: true, format: 'esm',
  platform: 'node', target: 'node20', logLevel: 'warning', external: ['@tensorflow/*'], ignoreAnnotations: true, // (sideEffects speaks for the published files)
  plugins: [{ name: 'package-under-test', setup(b) {
    b.onResolve({ filter: /^\.\.\/build\/(index|inline)\.js$/ }, (a) => ({ path: a.path.replace('/build', ''), external: true }));
  } }],
});
await import(`${root}build/bench/kernels.js`);
// a full run rewrote bench/results/kernels.json: the README's speed tables follow it
if (!process.env.BENCH_QUICK && !process.env.BENCH_ONLY) {
  const { readmeSpeed } = await import('./readme-speed.mjs');
  readmeSpeed();
}
