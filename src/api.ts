// The object load() returns, and the loader shared by every entry point. Each entry
// (index, edge, inline) only differs in where it finds stepsize.wasm by default.
import { fail, describe, isPlainObject, StepsizeError } from './errors.js';
import { readTables, type Tables } from './wasm.js';
import { createOptimizer, Optimizer } from './optimizer.js';
import { restoreOptimizer } from './checkpoint.js';
import { BASES, RULE_LIST, type CreateOptionsOf, type RuleName } from './options.js';
import type { RuleInfo } from './rules/define.js';
import type { DEFAULT_RULE } from './rules/index.js';

export interface LoadOptions {
  /** A precompiled module (edge runtimes that forbid compiling bytes at run time). */
  module?: WebAssembly.Module;
  /** The raw bytes of stepsize.wasm. */
  bytes?: BufferSource;
  /** A Response for stepsize.wasm (compiled with compileStreaming when served as application/wasm). */
  response?: Response | PromiseLike<Response>;
  /** Where to fetch stepsize.wasm (file: URLs are read from disk in Node, Deno and Bun). */
  url?: string | URL;
}

export class Stepsize {
  /** The compiled module; pass it to load({ module }) elsewhere (e.g. a worker) to skip compiling. */
  readonly module: WebAssembly.Module;
  /** The base optimizers' names. */
  readonly bases: readonly (typeof BASES)[number][] = BASES;
  /**
   * Every rule: { id, bases, step: 'plain' | 'loss' | 'closure', options, stats }, so user code
   * and adapters ask how to drive a rule rather than hard-coding it. Frozen.
   */
  readonly rules: readonly RuleInfo[] = RULE_LIST;
  #tables: Tables;

  /** @internal use load() */
  constructor(module: WebAssembly.Module) {
    this.module = module;
    this.#tables = readTables(module);
  }

  /**
   * A new optimizer with its own WASM instance. The options are typed by rule and base: an
   * option the rule does not take is a type error (and an E_OPTION at run time).
   */
  create<R extends RuleName = typeof DEFAULT_RULE>(options: { rule?: R } & CreateOptionsOf<R>): Optimizer<R> {
    return createOptimizer(this.module, this.#tables, options) as Optimizer<R>;
  }

  /** An optimizer continuing bit for bit from save() bytes. */
  restore(bytes: Uint8Array | ArrayBuffer): Optimizer {
    return restoreOptimizer(this.module, this.#tables, bytes);
  }
}

const cache = new WeakMap<object, Promise<Stepsize>>();

/** Compiles (or takes) the module and returns the factory. */
const SOURCES = ['module', 'bytes', 'response', 'url'] as const;

/** The options of load(), checked: a plain object whose keys are the sources it knows, at most one given. */
function loadOptions(options: unknown): LoadOptions {
  if (options === undefined) return {};
  if (!isPlainObject(options)) {
    fail('E_LOAD', `load() takes nothing or an options object { module | bytes | response | url }; got ${describe(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(SOURCES as readonly string[]).includes(key)) fail('E_LOAD', `unknown load() option '${key}'; options are ${SOURCES.join(', ')}`);
  }
  const given = SOURCES.filter((k) => o[k] !== undefined);
  if (given.length > 1) fail('E_LOAD', `load() takes one of module, bytes, response or url; got ${given.join(' and ')}`);
  if (o.bytes !== undefined && !(o.bytes instanceof ArrayBuffer || ArrayBuffer.isView(o.bytes))) {
    fail('E_LOAD', `load({ bytes }) needs an ArrayBuffer or a typed array holding stepsize.wasm; got ${describe(o.bytes)}`);
  }
  if (o.url !== undefined && typeof o.url !== 'string' && !(o.url instanceof URL)) {
    fail('E_LOAD', `load({ url }) needs a string or a URL; got ${describe(o.url)}`);
  }
  const r = o.response as { then?: unknown; arrayBuffer?: unknown } | undefined;
  if (r !== undefined && (r === null || typeof r !== 'object' || (typeof r.then !== 'function' && typeof r.arrayBuffer !== 'function'))) {
    fail('E_LOAD', `load({ response }) needs a Response (or a promise of one); got ${describe(o.response)}`);
  }
  return o as LoadOptions;
}

export async function loadWith(options: LoadOptions | undefined, fallback: () => Promise<WebAssembly.Module>): Promise<Stepsize> {
  const o = loadOptions(options);
  try {
    if (o.module !== undefined) {
      if (!(o.module instanceof WebAssembly.Module)) fail('E_LOAD', "load({ module }) needs a WebAssembly.Module");
      return new Stepsize(o.module);
    }
    if (o.bytes !== undefined) return new Stepsize(await WebAssembly.compile(o.bytes));
    if (o.response !== undefined) return new Stepsize(await compileResponse(o.response));
    if (o.url !== undefined) return new Stepsize(await compileUrl(new URL(o.url, import.meta.url)));
    let p = cache.get(fallback);
    if (!p) {
      p = fallback().then((m) => new Stepsize(m));
      cache.set(fallback, p);
      p.catch(() => cache.delete(fallback));
    }
    return await p;
  } catch (e) {
    if (e instanceof StepsizeError) throw e;
    throw new StepsizeError('E_LOAD', `could not load stepsize.wasm: ${(e as Error)?.message ?? e}`);
  }
}

export async function compileResponse(response: Response | PromiseLike<Response>): Promise<WebAssembly.Module> {
  const r = await response;
  if (!r.ok) throw new Error(`HTTP ${r.status} for ${r.url}`);
  const type = r.headers.get('content-type') ?? '';
  if (typeof WebAssembly.compileStreaming === 'function' && type.startsWith('application/wasm')) {
    try {
      return await WebAssembly.compileStreaming(r.clone());
    } catch {
      // fall through to compiling the bytes
    }
  }
  return WebAssembly.compile(await r.arrayBuffer());
}

export async function compileUrl(url: URL): Promise<WebAssembly.Module> {
  if (url.protocol === 'file:') {
    // Node's fetch cannot read file: URLs. Node (>= 20.16), Deno and Bun hand out node:fs
    // through process.getBuiltinModule, which browser bundlers never see: an import of
    // 'node:fs/promises' here broke esbuild's and webpack's browser builds of this package.
    const fs = (globalThis as { process?: { getBuiltinModule?: (id: string) => typeof import('node:fs/promises') | undefined } })
      .process?.getBuiltinModule?.('node:fs/promises');
    if (!fs) throw new Error(`no process.getBuiltinModule to read ${url}: pass load({ bytes })`);
    return WebAssembly.compile(await fs.readFile(url));
  }
  return compileResponse(fetch(url));
}

export { Optimizer, StepsizeError };
