// npm run test:pack: the package as users install it. `npm pack` (its prepack builds), then the
// tarball is installed into fixture projects in a temporary directory, and each runs the fixed
// trajectory of tests/trajectory.ts, whose hash must equal the one this checkout's build gives
// (the hash `npm test` prints for every runtime):
//   node-esm      Node, `import { load } from 'stepsize'` (and `stepsize/inline`)
//   node-require  Node, `require('stepsize')` (require of ES modules: Node >= 20.19)
//   deno          Deno, `import { load } from 'npm:stepsize'` from the installed node_modules
//   esbuild       an esbuild browser bundle, stepsize.wasm copied beside it (README: Bundlers)
//   vite          a Vite production build
//   webpack       a webpack production build
//                 (each in Chromium and in Firefox: Debian's firefox-esr, or FIREFOX_PATH)
//   workerd       a worker bundled with the workerd condition (build/edge.js imports the wasm as a module)
// It also checks what the tarball holds: every file `files` names, every README link into it,
// and the CDN snippet's integrity hash against the packed IIFE. Ends with `N passed, N failed`.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'node_modules', '.bin');
const results = [];
const check = (name, ok, note) => { results.push({ name, ok, note }); console.log(`${ok ? 'ok    ' : 'FAILED'} ${name}${note ? `: ${note}` : ''}`); };
const run = (cmd, args, cwd, env = {}) => execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
const tmp = mkdtempSync(join(tmpdir(), 'stepsize-pack-'));
// the npm that runs this script (under `npm run`, PATH starts with node_modules/.bin, where a dev
// dependency of as-pect installs an npm 6 that knows neither --pack-destination nor this lock)
const npm = (args, cwd) => (process.env.npm_execpath?.endsWith('.js')
  ? run(process.execPath, [process.env.npm_execpath, ...args], cwd) : run('npm', args, cwd));

try {
  // 1. the tarball (prepack: npm run build, from this checkout's installed dev dependencies)
  console.log('npm pack …');
  const packOut = npm(['pack', '--json', '--pack-destination', tmp], ROOT);
  const packed = JSON.parse(packOut.slice(packOut.lastIndexOf('\n[') + 1))[0]; // (after prepack's build output)
  const tgz = join(tmp, packed.filename), files = packed.files.map((f) => f.path);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  console.log(`${packed.filename}: ${files.length} files, ${(packed.size / 1024).toFixed(1)} KiB`);

  // 2. what it holds
  const missing = pkg.files.filter((f) => !files.some((p) => p === f || p.startsWith(`${f}/`)));
  check('tarball holds every file package.json names', missing.length === 0, missing.length ? `missing ${missing.join(', ')}` : undefined);
  const entries = Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e))).map((p) => p.replace(/^\.\//, ''));
  const absent = [...new Set(entries)].filter((p) => !p.startsWith('build/types') && !files.includes(p));
  check('every export target is in the tarball', absent.length === 0, absent.join(', ') || undefined);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !l.startsWith('#'));
  const cdn = `https://unpkg.com/${pkg.name}@${pkg.version}/`;
  const bad = links.filter((l) => (l.startsWith(cdn) ? !files.includes(l.slice(cdn.length).split('#')[0]) : !/^https?:\/\//.test(l)));
  check(`README links resolve on the registry page (${links.length} links; package files under ${cdn})`, bad.length === 0, bad.join(', ') || undefined);
  const tag = /<script src="([^"]+)" integrity="([^"]+)" crossorigin="anonymous"><\/script>/.exec(readme);
  run('tar', ['-xzf', tgz, '-C', tmp], ROOT);
  const iife = readFileSync(join(tmp, 'package', 'build', 'stepsize.iife.js'));
  const sri = `sha384-${createHash('sha384').update(iife).digest('base64')}`;
  check('the CDN snippet pins this version and the packed IIFE\'s integrity hash', tag?.[1] === `${cdn}build/stepsize.iife.js` && tag?.[2] === sri,
    tag ? `${tag[1]} ${tag[2]} vs ${sri}` : 'no <script integrity> tag in README');

  // 3. the fixtures: one project that installs the tarball (offline: it has no dependencies)
  const app = join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fixture', private: true, type: 'module' }));
  npm(['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tgz], app);
  // the trajectory, as plain ESM and CommonJS (it imports nothing of stepsize: ss is passed in)
  for (const format of ['esm', 'cjs']) {
    await build({ entryPoints: [join(ROOT, 'tests/trajectory.ts')], outfile: join(app, `trajectory.${format === 'esm' ? 'mjs' : 'cjs'}`), bundle: true, format, platform: 'neutral', logLevel: 'warning' });
  }
  const { load } = await import(join(ROOT, 'build', 'index.js'));
  const { trajectoryHash } = await import(join(app, 'trajectory.mjs'));
  const want = await trajectoryHash(await load());
  console.log(`expected hash (this checkout's build): ${want.slice(0, 32)}…`);
  const same = (name, got) => check(name, got === want, got === want ? undefined : `hash ${String(got).slice(0, 80)}`);
  const last = (out) => out.trim().split('\n').pop();

  writeFileSync(join(app, 'esm.mjs'), `import { load } from 'stepsize';
import { load as inline } from 'stepsize/inline';
import { trajectoryHash } from './trajectory.mjs';
console.log(await trajectoryHash(await inline()));
console.log(await trajectoryHash(await load()));
`);
  try {
    const out = run(process.execPath, ['esm.mjs'], app).trim().split('\n');
    same('node-esm: import from \'stepsize\'', out[1]);
    same('node-esm: import from \'stepsize/inline\'', out[0]);
  } catch (e) { check('node-esm', false, String(e.stderr || e).slice(0, 300)); }

  writeFileSync(join(app, 'require.cjs'), `const { load } = require('stepsize');
const { trajectoryHash } = require('./trajectory.cjs');
load().then(trajectoryHash).then((h) => console.log(h));
`);
  try { same(`node-require: require('stepsize') (Node ${process.versions.node})`, last(run(process.execPath, ['require.cjs'], app))); } catch (e) { check('node-require', false, String(e.stderr || e).slice(0, 300)); }

  writeFileSync(join(app, 'deno.mjs'), `import { load } from 'npm:stepsize';
import { trajectoryHash } from './trajectory.mjs';
console.log(await trajectoryHash(await load()));
`);
  try {
    same('deno: import from \'npm:stepsize\'', last(run(join(BIN, 'deno'), ['run', '--quiet', '--no-config', '--node-modules-dir=manual', '--allow-read', 'deno.mjs'], app, { DENO_NO_UPDATE_CHECK: '1' })));
  } catch (e) { check('deno', false, String(e.stderr || e).slice(0, 300)); }

  // the browser fixtures: one entry, three bundlers
  const web = join(app, 'web');
  mkdirSync(web);
  writeFileSync(join(web, 'main.js'), `import { load } from 'stepsize';
import { trajectoryHash } from '../trajectory.mjs';
load().then(trajectoryHash).then((h) => { globalThis.__hash = h; }, (e) => { globalThis.__hash = 'error: ' + (e && e.stack || e); });
`);
  const page = (src) => `<!doctype html><meta charset="utf-8"><title>fixture</title><script type="module" src="${src}"></script>\n`;
  const sites = {};
  try {
    const out = join(app, 'dist-esbuild');
    await build({ entryPoints: [join(web, 'main.js')], outfile: join(out, 'app.js'), bundle: true, format: 'esm', platform: 'browser', logLevel: 'warning', absWorkingDir: app });
    copyFileSync(join(app, 'node_modules/stepsize/build/stepsize.wasm'), join(out, 'stepsize.wasm'));
    writeFileSync(join(out, 'index.html'), page('./app.js'));
    sites.esbuild = out;
  } catch (e) { check('esbuild: bundle', false, String(e).slice(0, 300)); }
  try {
    writeFileSync(join(web, 'index.html'), page('./main.js'));
    run(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn', '--outDir', join(app, 'dist-vite'), '--emptyOutDir', web], app);
    sites.vite = join(app, 'dist-vite');
  } catch (e) { check('vite: build', false, String(e.stderr || e).slice(0, 300)); }
  try {
    const out = join(app, 'dist-webpack');
    writeFileSync(join(app, 'webpack.config.cjs'), `module.exports = { mode: 'production', target: 'web', entry: './web/main.js',
  output: { path: ${JSON.stringify(out)}, filename: 'app.js', publicPath: 'auto' }, performance: { hints: false } };
`);
    run(process.execPath, [join(ROOT, 'node_modules/webpack-cli/bin/cli.js'), '--config', 'webpack.config.cjs'], app);
    writeFileSync(join(out, 'index.html'), `<!doctype html><meta charset="utf-8"><title>fixture</title><script src="./app.js"></script>\n`);
    sites.webpack = out;
  } catch (e) { check('webpack: build', false, String(e.stderr || e).slice(0, 300)); }
  await browsers(sites, same);

  // workerd: bundled as Wrangler does, the .wasm a module beside the bundle
  try {
    const out = join(app, 'dist-workerd');
    writeFileSync(join(app, 'worker.mjs'), `import { load } from 'stepsize';
import { trajectoryHash } from './trajectory.mjs';
export default { async fetch() { return new Response(await trajectoryHash(await load())); } };
`);
    await build({ entryPoints: [join(app, 'worker.mjs')], outfile: join(out, 'worker.js'), bundle: true, format: 'esm', platform: 'neutral', conditions: ['workerd', 'worker'], external: ['*.wasm'], logLevel: 'warning', absWorkingDir: app });
    copyFileSync(join(app, 'node_modules/stepsize/build/stepsize.wasm'), join(out, 'stepsize.wasm'));
    writeFileSync(join(out, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = ( services = [ (name = "main", worker = .worker) ], sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ] );
const worker :Workerd.Worker = ( modules = [ (name = "worker.js", esModule = embed "worker.js"), (name = "stepsize.wasm", wasm = embed "stepsize.wasm") ], compatibilityDate = "2026-10-20" );
`);
    same('workerd: a worker bundled with the workerd condition', await workerd(out));
  } catch (e) { check('workerd', false, String(e).slice(0, 300)); }
} catch (e) {
  check('test:pack', false, String(e.stderr || e.stack || e).slice(0, 600));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const passed = results.filter((r) => r.ok && !r.skipped).length, skipped = results.filter((r) => r.skipped);
const failed = results.filter((r) => !r.ok).length;
if (skipped.length) console.log(`skipped: ${skipped.map((r) => r.name).join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed${skipped.length ? `, ${skipped.length} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);

/**
 * Serves each built site and reads the hash its page computes, in Chromium and in Firefox;
 * a browser that is not there is reported as skipped, by name, never as passed.
 */
async function browsers(sites, same) {
  const engines = [];
  try {
    const pkg = process.env.CHROME_PATH ? null : (await import('@sparticuz/chromium')).default;
    const { chromium: pw } = await import('playwright-core');
    const browser = await pw.launch({ executablePath: process.env.CHROME_PATH ?? await pkg.executablePath(), args: pkg?.args ?? ['--no-sandbox'], headless: true });
    // one page for every site (the packaged Chromium runs single-process: closing its last page ends it)
    const page = await browser.newPage();
    engines.push({ name: 'Chromium', browser, page, wait: () => page.waitForFunction(() => globalThis.__hash !== undefined, null, { timeout: 120_000 }) });
  } catch (e) { skip('Chromium', String(e)); }
  const firefox = process.env.FIREFOX_PATH ?? ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));
  if (firefox && existsSync(firefox)) {
    const { default: puppeteer } = await import('puppeteer-core');
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: firefox, headless: true });
    const page = await browser.newPage();
    engines.push({ name: 'Firefox', browser, page, wait: () => page.waitForFunction(() => globalThis.__hash !== undefined, { timeout: 120_000, polling: 200 }) });
  } else skip('Firefox', 'no firefox-esr (or FIREFOX_PATH)');
  function skip(engine, why) {
    for (const name of Object.keys(sites)) results.push({ name: `${name} in ${engine}`, ok: true, skipped: true });
    console.log(`skipped  ${Object.keys(sites).join(', ')} in ${engine}: ${why.slice(0, 120)}`);
  }
  for (const { name: engine, browser, page, wait } of engines) {
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      for (const [name, dir] of Object.entries(sites)) {
        const server = await serveDir(dir);
        errors.length = 0;
        try {
          await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
          await wait();
          same(`${name}: a browser bundle, in ${engine}`, await page.evaluate(() => globalThis.__hash) + (errors.length ? ` (${errors.join('; ')})` : ''));
        } catch (e) { check(`${name} in ${engine}`, false, String(e).slice(0, 300)); } finally { server.close(); }
      }
    } finally { await browser.close(); }
  }
}

function serveDir(dir) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = join(dir, path);
    if (path.includes('..') || !existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Runs workerd on the config in `dir` and returns what GET / answers. */
async function workerd(dir) {
  const port = await new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
  const child = spawn(join(BIN, 'workerd'), ['serve', 'config.capnp', '--socket-addr', `http=127.0.0.1:${port}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => child.on('close', resolve));
  try {
    for (let i = 0; i < 100; i++) {
      try { return await (await fetch(`http://127.0.0.1:${port}/`)).text(); } catch { await new Promise((r) => setTimeout(r, 100)); }
    }
    throw new Error(`workerd did not answer: ${log.slice(0, 300)}`);
  } finally { child.kill(); await exited; }
}
