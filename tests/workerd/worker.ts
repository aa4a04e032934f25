// A Cloudflare-Workers-style module worker, run by workerd (tests/run.mjs): it imports the
// .wasm as a module binding, as deployed workers must (workerd refuses to compile bytes at
// run time), loads stepsize with load({ module }), trains the fixed trajectory of
// tests/trajectory.ts inside the request, and answers with its hash, which must equal the
// other runtimes'.
// @ts-ignore: a module binding, resolved by workerd from the config's module list
import wasm from './stepsize.wasm';
import { load } from '../../build/edge.js';
import { trajectoryHash } from '../trajectory.js';

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    // the edge entry's own default (the imported module) and the explicit form
    const ss = url.pathname === '/default' ? await load() : await load({ module: wasm as WebAssembly.Module });
    const opt = ss.create({ size: 5, base: 'adam', rule: 'gala', lr: 0.01 });
    opt.grads.fill(1);
    await opt.step((_p, g) => { g.fill(1); return 0; });
    return new Response(await trajectoryHash(ss), { headers: { 'x-stepsize-step': String(opt.stats.step) } });
  },
};
