// Packs a fixed subset of the `mnist` package's digits for the demo page: the first 250
// train and 50 test digits of each class (per digit, as bench/problems.mjs splits them),
// pixels as bytes. Output build/demo/mnist.bin: u32 train count, u32 test count, then
// (784 pixel bytes + 1 label byte) per sample, train first. Run by scripts/build.mjs.
import { writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

export function packMnist(outDir, perClassTrain = 250, perClassTest = 50) {
  const require = createRequire(import.meta.url);
  const train = [], test = [];
  for (let d = 0; d < 10; d++) {
    const raw = require(`mnist/src/digits/${d}.json`).data;
    const count = raw.length / 784, cut = Math.floor(0.8 * count);
    for (let i = 0; i < perClassTrain; i++) train.push([raw.slice(i * 784, (i + 1) * 784), d]);
    for (let i = cut; i < cut + perClassTest; i++) test.push([raw.slice(i * 784, (i + 1) * 784), d]);
  }
  // interleave classes so that any prefix is balanced
  const order = (list, per) => Array.from({ length: list.length }, (_, k) => list[(k % 10) * per + Math.floor(k / 10)]);
  const all = [...order(train, perClassTrain), ...order(test, perClassTest)];
  const out = new Uint8Array(8 + all.length * 785);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, train.length, true); dv.setUint32(4, test.length, true);
  all.forEach(([px, label], i) => {
    const o = 8 + i * 785;
    for (let j = 0; j < 784; j++) out[o + j] = Math.round(px[j] * 255);
    out[o + 784] = label;
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(`${outDir}/mnist.bin`, out);
  return out.length;
}
