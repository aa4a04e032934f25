// npm test: runs every suite in every runtime and sums the results.
//   as-pect   the AssemblyScript primitives (assembly/__tests__)
//   node      build/tests/main.js
//   deno      the same bundle (Deno from its npm package)
//   bun       the same bundle (Bun from its npm package)
//   chromium  the same bundle in headless Chromium, driven by playwright-core: the browser is
//             CHROME_PATH when set, else the Chromium that the pinned @sparticuz/chromium npm
//             package carries (Linux x64/arm64); with neither, the browser runners are reported
//             as skipped (named in the summary), never as passed
//   firefox   the same bundle in headless Firefox (Debian's firefox-esr, which .ci/run installs, or
//             FIREFOX_PATH), driven by puppeteer-core over WebDriver BiDi; without one it is
//             reported as skipped, by name, never as passed
//   webkit    the same bundle in WebKitGTK's MiniBrowser (JavaScriptCore, Safari's engine), driven
//             by WebKitWebDriver (Debian's webkit2gtk-driver, which .ci/run installs) on a
//             virtual display (Xvfb) when there is no DISPLAY; skipped, by name, without them
//   exports   package.json's export conditions resolve 'stepsize' to the right entry
//   check     npm run check: tsc over src, tests and bench against the built declarations, Biome's linter
//   docs      docs/options.md is what scripts/docs.mjs generates from src/options.ts
//   size      npm run size: the inline ESM bundle within its 26 KiB gzipped budget
//   tfjs      the TensorFlow.js adapter with tfjs-layers and the cpu backend (Node)
//   demo      the live demo page in Chromium: trains 200 steps, checks the loss and the plots,
//             saves tests/artifacts/demo.png
//   workerd   Cloudflare's runtime (its npm package): a module worker that imports the .wasm
//             as a module binding, trains the trajectory of tests/trajectory.ts in a request
//             and answers with its hash (tests/workerd/)
// then checks that every runtime printed the same trajectory hash, and ends with one line
// "N passed, N failed". Exit code 1 on any failure or on a runtime that did not report.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'node_modules', '.bin');
const only = process.argv.slice(2);
const results = [];  // { name, passed, failed, skipped, note }
const hashes = {};   // runtime -> hash

function exec(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env } });
    let out = '';
    const take = (d) => { const s = d.toString(); out += s; process.stdout.write(s); };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => resolve({ code: -1, out: out + String(e) }));
    child.on('close', (code) => resolve({ code, out }));
  });
}

function fromBundle(name, { code, out }) {
  const m = /RESULT (\w+) passed=(\d+) failed=(\d+)/.exec(out);
  const h = /HASH \w+ ([0-9a-f]+)/.exec(out);
  if (h) hashes[name] = h[1];
  if (!m) return results.push({ name, passed: 0, failed: 1, note: `did not finish (exit ${code})` });
  if (+m[2] + +m[3] === 0) return results.push({ name, passed: 0, failed: 1, note: 'ran no test (were the suites dropped from the bundle?)' });
  results.push({ name, passed: +m[2], failed: +m[3] + (code !== 0 && +m[3] === 0 ? 1 : 0) });
}

async function aspect() {
  const r = await exec(join(BIN, 'asp'), ['--config', 'as-pect.config.js', '--summary'], { FORCE_COLOR: '0' });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ANSI colour codes as-pect prints
  const plain = r.out.replace(/\u001b\[[0-9;]*m/g, '');
  const m = /\[Tests\]:\s*(\d+)\s*\/\s*(\d+)/.exec(plain);
  if (!m) return results.push({ name: 'as-pect', passed: 0, failed: 1, note: `no summary (exit ${r.code})` });
  results.push({ name: 'as-pect', passed: +m[1], failed: +m[2] - +m[1] + (r.code !== 0 && m[1] === m[2] ? 1 : 0) });
}

async function node() {
  fromBundle('node', await exec(process.execPath, ['build/tests/main.js'], { NO_COLOR: '1' }));
}

async function size() {
  const r = await exec(process.execPath, ['scripts/size.mjs']);
  results.push({ name: 'size', passed: r.code === 0 ? 1 : 0, failed: r.code === 0 ? 0 : 1, note: r.code === 0 ? undefined : 'inline.js is over its 26 KiB gzipped budget (npm run size)' });
}

async function check() {
  const r = await exec(process.execPath, ['scripts/check.mjs']);
  results.push({ name: 'check', passed: r.code === 0 ? 1 : 0, failed: r.code === 0 ? 0 : 1, note: r.code === 0 ? undefined : 'types or lint (npm run check)' });
}

async function docs() {
  const r = await exec(process.execPath, ['scripts/docs.mjs', '--check']);
  results.push({ name: 'docs', passed: r.code === 0 ? 1 : 0, failed: r.code === 0 ? 0 : 1, note: r.code === 0 ? undefined : 'docs/options.md is out of date (npm run docs)' });
}

/** package.json's conditional exports: each condition resolves 'stepsize' to the right entry. */
async function exportsMap() {
  const expect = { workerd: 'edge.js', worker: 'edge.js', 'edge-light': 'edge.js', browser: 'index.js', deno: 'index.js', bun: 'index.js', node: 'index.js' };
  let passed = 0, failed = 0, note;
  for (const [cond, file] of Object.entries(expect)) {
    const r = await exec(process.execPath, [`--conditions=${cond}`, '--input-type=module', '-e', "console.log('RESOLVED', import.meta.resolve('stepsize'))"]);
    const got = /RESOLVED (\S+)/.exec(r.out)?.[1] ?? '';
    if (got.endsWith(`/build/${file}`)) passed++; else { failed++; note = `condition ${cond} resolved to ${got}`; }
  }
  results.push({ name: 'exports', passed, failed, note });
}

async function tfjs() {
  fromBundle('tfjs', await exec(process.execPath, ['build/tests/tfjs.js'], { NO_COLOR: '1' }));
}

async function deno() {
  const bin = join(BIN, 'deno');
  fromBundle('deno', await exec(bin, ['run', '--allow-read', '--allow-env=NODE_DISABLE_COLORS,NO_COLOR,FORCE_COLOR,TERM',
    'build/tests/main.js'], { NO_COLOR: '1' }));
}

async function bun() {
  fromBundle('bun', await exec(join(BIN, 'bun'), ['build/tests/main.js'], { NO_COLOR: '1' }));
}

/**
 * The Chromium the browser runners drive, the same on every machine: CHROME_PATH when set,
 * else the headless Chromium of the pinned @sparticuz/chromium package (Linux only; it unpacks
 * itself into the temp folder on first use). Null when neither is there: the runners are skipped.
 */
let browserChoice;
async function chooseBrowser() {
  if (browserChoice !== undefined) return browserChoice;
  browserChoice = null;
  if (process.env.CHROME_PATH) {
    browserChoice = existsSync(process.env.CHROME_PATH)
      ? { executablePath: process.env.CHROME_PATH, args: ['--no-sandbox', '--disable-gpu'], from: 'CHROME_PATH' }
      : { error: `CHROME_PATH=${process.env.CHROME_PATH} does not exist` };
  } else if (process.platform === 'linux') {
    try {
      const { default: pkg } = await import('@sparticuz/chromium');
      browserChoice = { executablePath: await pkg.executablePath(), args: pkg.args, from: '@sparticuz/chromium' };
    } catch (e) {
      browserChoice = { skip: `@sparticuz/chromium could not provide a browser (${String(e).slice(0, 120)})` };
    }
  } else browserChoice = { skip: `no CHROME_PATH and @sparticuz/chromium carries Linux builds only (this is ${process.platform})` };
  if (browserChoice.executablePath) console.log(`browser: ${browserChoice.executablePath} (${browserChoice.from})`);
  return browserChoice;
}

/** The browser for a runner, or a recorded skip/failure when there is none. */
async function browserFor(name) {
  const b = await chooseBrowser();
  if (b.executablePath) return b;
  if (b.error) results.push({ name, passed: 0, failed: 1, note: b.error });
  else results.push({ name, passed: 0, failed: 0, skipped: 1, note: `skipped: ${b.skip}` });
  return null;
}

/**
 * The test page in a browser page (playwright's or puppeteer's: the same calls): what it prints
 * goes to the console and into the runner's summary, once `finished()` resolves.
 */
async function suiteInPage(name, page, server, finished) {
  let out = '';
  page.on('console', (msg) => { const t = msg.text(); out += `${t}\n`; if (!/^[•\s]*$/.test(t)) console.log(t); });
  page.on('pageerror', (e) => { out += `pageerror ${e}\n`; console.log(`pageerror: ${e}`); });
  try {
    await page.goto(`http://127.0.0.1:${server.address().port}/tests/index.html`);
    await finished();
    fromBundle(name, { code: 0, out });
  } catch (e) {
    fromBundle(name, { code: 1, out: `${out}\n${e}` });
    console.log(String(e));
  }
}

async function chromium() {
  const browser = await browserFor('chromium');
  if (!browser) return;
  const { chromium: pw } = await import('playwright-core');
  const server = await serve(0);
  const profile = mkdtempSync(join(tmpdir(), 'stepsize-chromium-'));
  let context;
  try {
    context = await pw.launchPersistentContext(profile, {
      executablePath: browser.executablePath, headless: true,
      args: [...browser.args, '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    const page = await context.newPage();
    await suiteInPage('chromium', page, server, () => page.waitForFunction(() => globalThis.__stepsizeResult?.done === true, null, { timeout: 300_000 }));
  } catch (e) {
    fromBundle('chromium', { code: 1, out: String(e) });
    console.log(String(e));
  } finally {
    await context?.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The same bundle in Firefox (SpiderMonkey), over WebDriver BiDi. */
async function firefox() {
  const path = process.env.FIREFOX_PATH ?? ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));
  if (!path || !existsSync(path)) {
    results.push({ name: 'firefox', passed: 0, failed: 0, skipped: 1, note: `skipped: no Firefox (${process.env.FIREFOX_PATH ? `FIREFOX_PATH=${process.env.FIREFOX_PATH} does not exist` : 'install firefox-esr or set FIREFOX_PATH'})` });
    return;
  }
  const { default: puppeteer } = await import('puppeteer-core');
  const server = await serve(0);
  let browser;
  try {
    browser = await puppeteer.launch({ browser: 'firefox', executablePath: path, headless: true, protocolTimeout: 600_000 });
    console.log(await browser.version());
    const page = await browser.newPage();
    await suiteInPage('firefox', page, server, () => page.waitForFunction(() => globalThis.__stepsizeResult?.done === true, { timeout: 600_000, polling: 500 }));
  } catch (e) {
    fromBundle('firefox', { code: 1, out: String(e) });
    console.log(String(e));
  } finally {
    await browser?.close();
    server.close();
  }
}

/** The same bundle in WebKitGTK's MiniBrowser, through WebKitWebDriver (WebDriver classic). */
async function webkit() {
  const driver = ['/usr/bin/WebKitWebDriver'].find((p) => existsSync(p));
  const mini = ['/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
    '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser', '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.0/MiniBrowser'].find((p) => existsSync(p));
  const xvfb = existsSync('/usr/bin/Xvfb');
  if (!driver || !mini || (!process.env.DISPLAY && !xvfb)) {
    const why = !driver ? 'no WebKitWebDriver (Debian: webkit2gtk-driver)' : !mini ? 'no MiniBrowser' : 'no DISPLAY and no Xvfb';
    results.push({ name: 'webkit', passed: 0, failed: 0, skipped: 1, note: `skipped: ${why}` });
    return;
  }
  const children = [];
  const start = (cmd, args, env) => { const c = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: 'ignore' }); children.push(c); return c; };
  let display = process.env.DISPLAY;
  if (!display) {
    let k = 99;
    while (existsSync(`/tmp/.X11-unix/X${k}`) || existsSync(`/tmp/.X${k}-lock`)) k++;
    display = `:${k}`;
    start('/usr/bin/Xvfb', [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp']);
  }
  const port = await freePort(), server = await serve(0);
  start(driver, [`--port=${port}`], { DISPLAY: display });
  const wd = async (method, path, body) => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    const j = await r.json();
    if (j.value?.error) throw new Error(`WebDriver ${path}: ${j.value.error}: ${j.value.message}`);
    return j.value;
  };
  let session, out = '';
  try {
    for (let i = 0; i < 100 && !session; i++) { // until the driver listens (≤ 10 s)
      try { session = (await wd('POST', '/session', { capabilities: { alwaysMatch: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: mini, args: ['--automation'] } } } })).sessionId; } catch (e) {
        if (!/fetch failed|ECONNREFUSED/.test(String(e.cause ?? e))) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (!session) throw new Error('WebKitWebDriver did not answer');
    await wd('POST', `/session/${session}/url`, { url: `http://127.0.0.1:${server.address().port}/tests/index.html` });
    console.log(await wd('POST', `/session/${session}/execute/sync`, { script: 'return navigator.userAgent', args: [] }));
    for (let t = Date.now(); Date.now() - t < 600_000;) {
      if (await wd('POST', `/session/${session}/execute/sync`, { script: 'return !!(globalThis.__stepsizeResult && globalThis.__stepsizeResult.done)', args: [] })) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    out = (await wd('POST', `/session/${session}/execute/sync`, { script: 'return (globalThis.__log || []).join("\\n")', args: [] })) ?? '';
    for (const line of out.split('\n')) if (!/^[•\s]*$/.test(line)) console.log(line);
    fromBundle('webkit', { code: 0, out });
  } catch (e) {
    fromBundle('webkit', { code: 1, out: `${out}\n${e}` });
    console.log(String(e));
  } finally {
    if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
    for (const c of children.reverse()) c.kill();
    server.close();
  }
}

/** The live demo in Chromium: 200 steps of gala/adam on MNIST; the loss must fall and the plots draw. */
async function demo() {
  const choice = await browserFor('demo');
  if (!choice) return;
  const { chromium: pw } = await import('playwright-core');
  const server = await serve(0);
  const browser = await pw.launch({ executablePath: choice.executablePath, args: choice.args, headless: true });
  let passed = 0, failed = 0, note;
  const check = (ok, what) => { if (ok) passed++; else { failed++; note = what; console.log(`demo: FAILED ${what}`); } };
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 560 } });
    page.on('pageerror', (e) => console.log(`pageerror: ${e}`));
    await page.goto(`http://127.0.0.1:${server.address().port}/demo/`);
    await page.waitForFunction(() => window.__demo?.state === 'ready', null, { timeout: 60_000 });
    const result = await page.evaluate(() => window.__demo.start({ model: 'softmax', rule: 'gala', base: 'adam', lr: 1e-3, steps: 200, batch: 64 }));
    const d = await page.evaluate(() => ({ losses: window.__demo.losses, lrs: window.__demo.lrs, signals: Object.keys(window.__demo.signals),
      paths: [...document.querySelectorAll('svg')].map((s) => [...s.querySelectorAll('path')].map((p) => p.getAttribute('d').length)) }));
    console.log(`demo: 200 steps, loss ${d.losses[0].toFixed(3)} → ${d.losses.at(-1).toFixed(3)}, lr ${d.lrs[0].toExponential(1)} → ${d.lrs.at(-1).toExponential(1)}, held-out accuracy ${(100 * result.testAcc).toFixed(1)}%, signals ${d.signals.join(', ')}`);
    check(result.steps === 200 && !result.error, `trained ${result.steps} steps (${result.error})`);
    check(d.losses.at(-1) < 0.5 * d.losses[0], 'the loss fell by half');
    check(d.paths.length === 3 && d.paths.every((p) => p.length > 0 && p.every((len) => len > 200)), 'all three plots drew their lines');
    mkdirSync(join(ROOT, 'tests', 'artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'tests', 'artifacts', 'demo.png') });
    console.log('demo: screenshot tests/artifacts/demo.png');
  } catch (e) {
    check(false, String(e).slice(0, 300));
  } finally {
    await browser.close();
    server.close();
  }
  results.push({ name: 'demo', passed, failed, note });
}

async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
}

async function workerd() {
  const port = await freePort();
  const child = spawn(join(BIN, 'workerd'), ['serve', 'workerd.capnp', '--socket-addr', `http=127.0.0.1:${port}`],
    { cwd: join(ROOT, 'build', 'tests'), stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => child.on('close', resolve));
  let passed = 0, failed = 0, note;
  try {
    let text;
    for (let i = 0; i < 100 && text === undefined; i++) { // until it listens (≤ 10 s)
      try { text = await (await fetch(`http://127.0.0.1:${port}/`)).text(); } catch { await new Promise((r) => setTimeout(r, 100)); }
    }
    if (text === undefined) throw new Error(`workerd did not answer: ${log}`);
    if (/^[0-9a-f]{320}$/.test(text)) { hashes.workerd = text; passed++; } else { failed++; note = `answered ${text.slice(0, 200)}`; }
    const viaDefault = await (await fetch(`http://127.0.0.1:${port}/default`)).text();
    if (viaDefault === text) passed++; else { failed++; note = 'the edge entry\'s default load() gave another hash'; }
    console.log(`workerd: load({ module }) and load() answered ${text.slice(0, 32)}…`);
  } catch (e) {
    failed++; note = String(e).slice(0, 300);
    console.log(note);
  } finally {
    child.kill();
    await exited;
  }
  results.push({ name: 'workerd', passed, failed, note });
}

const runners = { 'as-pect': aspect, check, docs, size, exports: exportsMap, node, tfjs, deno, bun, chromium, firefox, webkit, workerd, demo };
for (const [name, fn] of Object.entries(runners)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  await fn();
  console.log(`=== ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s ===`);
}

// The same .wasm, the same inputs: the same trajectory in every runtime.
const names = Object.keys(hashes);
if (names.length > 1) {
  const same = names.every((n) => hashes[n] === hashes[names[0]]);
  results.push({ name: 'cross-runtime hash', passed: same ? 1 : 0, failed: same ? 0 : 1 });
}

console.log('\nruntime              passed  failed');
for (const r of results) console.log(`${r.name.padEnd(20)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}${r.note ? `  ${r.note}` : ''}`);
const skipped = results.filter((r) => r.skipped);
for (const n of names) console.log(`hash ${n.padEnd(9)} ${hashes[n]}`);
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
if (skipped.length) console.log(`skipped runners: ${skipped.map((r) => r.name).join(', ')}`);
console.log(`${passed} passed, ${failed} failed${skipped.length ? `, ${skipped.length} skipped` : ''}`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
