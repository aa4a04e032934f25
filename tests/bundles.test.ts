// Each shipped bundle loads and steps in this runtime: the ESM entry that finds stepsize.wasm
// beside it (the one every other suite uses), the ESM entry with the wasm inlined, and the
// IIFE a plain <script> tag runs (evaluated here as a classic script: it defines the global
// `stepsize`). The same trajectory comes out of each.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stepsize, runtimeName } from './util.js';

const b = suite('bundles');

async function train(ss: { create: (o: any) => any }): Promise<string> {
  const opt = ss.create({ size: 37, base: 'adam', rule: 'clara', lr: 0.01 });
  for (let t = 0; t < 20; t++) {
    for (let i = 0; i < 37; i++) opt.grads[i] = opt.params[i] - (i % 5) + 0.5;
    opt.step();
  }
  const h = opt.paramsHash();
  opt.dispose();
  return h;
}

/** The IIFE's global: a real <script> tag in the browser; elsewhere its text run as a classic script body. */
async function iifeGlobal(): Promise<any> {
  const url = new URL('../stepsize.iife.js', import.meta.url);
  const g = globalThis as Record<string, any>;
  if (runtimeName() === 'chromium') {
    delete g.stepsize;
    const el = g.document.createElement('script');
    el.src = url.href;
    await new Promise((resolve, reject) => { el.onload = resolve; el.onerror = reject; g.document.head.append(el); });
    return g.stepsize;
  }
  const fs = await import('node:fs/promises'); // Node, Deno and Bun all have it
  return new Function(`${await fs.readFile(url, 'utf8')}\nreturn stepsize;`)();
}

b('index.js, inline.js and the IIFE load, step, and agree', async () => {
  const expected = await train(await stepsize());
  // @ts-ignore: resolved at run time next to the test bundle (build/inline.js)
  const inline = await import('../build/inline.js');
  assert.is(await train(await inline.load()), expected, 'inline ESM');
  const global = await iifeGlobal();
  assert.type(global?.load, 'function', 'the IIFE defines stepsize.load');
  assert.is(await train(await global.load()), expected, 'IIFE');
});

b.run();

export {};
