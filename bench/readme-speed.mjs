// Rewrites the README's speed tables (between <!-- speed:start --> and <!-- speed:end -->) from
// bench/results/kernels.json, so that every figure there comes from the last full
// `npm run bench`. bench/run.mjs calls it after a full run; `node bench/readme-speed.mjs` redoes it.
import { readFileSync, writeFileSync } from 'node:fs';

export function readmeSpeed() {
  const data = JSON.parse(readFileSync(new URL('./results/kernels.json', import.meta.url), 'utf8'));
  const R = data.results, sizes = [...new Set(R.map((r) => r.n))].sort((a, b) => a - b);
  const ns = (name, n) => R.find((r) => r.name === name && r.n === n)?.nsPerParam ?? NaN;
  const f = (v) => (!Number.isFinite(v) ? '—' : v >= 100 ? v.toFixed(1) : v >= 10 ? v.toFixed(2) : v.toFixed(3));
  const exp = (n) => `1e${Math.round(Math.log10(n))}`;
  const lines = [];
  lines.push(`One run on this project's ${data.machine.cpus}-core ${data.machine.cpu} machine (Node ${data.machine.node}), ${data.when.slice(0, 10)}:`, '');
  lines.push(`| ns/param/step | ${sizes.map((n, i) => (i === 0 ? `N=${exp(n)}` : exp(n))).join(' | ')} |`, `|---|${sizes.map(() => '---').join('|')}|`);
  for (const b of ['sgd', 'momentum', 'adam', 'adamw', 'sign', 'normalized', 'nadam', 'nadamw']) lines.push(`| stepsize ${b} | ${sizes.map((n) => f(ns(`stepsize ${b}`, n))).join(' | ')} |`);
  lines.push(`| plain-ts adam | ${sizes.map((n) => f(ns('plain-ts adam', n))).join(' | ')} |`);
  lines.push(`| straightforward SIMD adam | ${sizes.map((n) => f(ns('simd-floor adam', n))).join(' | ')} |`);
  lines.push(`| memcopy 12 B / 20 B | ${sizes.map((n) => `${f(ns('memcopy 12B', n))} / ${f(ns('memcopy 20B', n))}`).join(' | ')} |`);
  lines.push(`| tfjs-wasm adam | ${sizes.map((n) => f(ns('tfjs-wasm adam', n))).join(' | ')} |`);
  lines.push(`| tfjs-cpu adam | ${sizes.map((n) => f(ns('tfjs-cpu adam', n))).join(' | ')} |`);
  const g = (goal, n) => data.goals.find((x) => x.goal === goal && x.n === n)?.value;
  const two = (goal) => `${g(goal, 1e6)?.toFixed(2)}× / ${g(goal, 1e7)?.toFixed(2)}×`;
  lines.push('', 'Goals in the same run (10^6 / 10^7):');
  lines.push(`- Adam is ${two('adam / straightforward SIMD adam')} the straightforward (unrolled) SIMD Adam.`);
  lines.push(`- Adam is ${two('plain-ts adam / adam')} faster than plain TypeScript and ${two('tfjs-wasm adam / adam')} faster than tfjs-wasm.`);
  lines.push(`- SGD is ${two('sgd / memcopy 12B (minimum bytes)')} a copy of its minimum 12 bytes per parameter (${two('sgd / memcopy 16B (bytes it moves)')} of the`);
  lines.push('  16 bytes it actually moves).');
  lines.push(`- Momentum is ${two('momentum / memcopy 20B (minimum bytes)')} a copy of its minimum 20 bytes.`);
  const small = (name) => sizes.map((n) => g(`inline ${name} / stepsize ${name}`, n)).filter((v) => v !== undefined).map((v) => `${v.toFixed(2)}×`).join(' / ');
  lines.push('', `The size build that \`stepsize/inline\` and the IIFE embed (every sweep in one shared loop; the same results bit for bit)`,
    `takes, per step, ${sizes.map(exp).join(' / ')}: sgd ${small('sgd')}, momentum ${small('momentum')}, adam ${small('adam')} the`,
    `time of the default build (\`stepsize.wasm\`); at 1e6 / 1e7, clara/sgd ${small('clara/sgd')} and clara/adam ${small('clara/adam')}.`);
  lines.push('', '<!-- rules -->', '', '| rule/base | 1e6 | ratio | 1e7 | ratio |', '|---|---|---|---|---|');
  for (const x of data.goals.filter((q) => q.goal.includes(' / constant ') && q.n === 1e6)) {
    const pair = x.goal.split(' / ')[0], name = `stepsize ${pair}`, label = pair.replace('/none', '');
    const y = data.goals.find((q) => q.goal === x.goal && q.n === 1e7);
    const baseline = x.peer ?? x.target === 'none'; // (results written before the goal was retired mark peers by target)
    lines.push(`| ${label}${baseline ? ' (baseline)' : ''} | ${f(ns(name, 1e6))} | ${x.value.toFixed(2)} | ${f(ns(name, 1e7))} | ${y ? y.value.toFixed(2) : '—'} |`);
  }
  const readme = new URL('../README.md', import.meta.url), text = readFileSync(readme, 'utf8');
  const [head, rest] = lines.join('\n').split('<!-- rules -->');
  let out = text.replace(/<!-- speed:start -->[\s\S]*<!-- speed:end -->/, `<!-- speed:start -->\n${head.trim()}\n<!-- speed:end -->`);
  out = out.replace(/<!-- rules:start -->[\s\S]*<!-- rules:end -->/, `<!-- rules:start -->\n${rest.trim()}\n<!-- rules:end -->`);
  writeFileSync(readme, out);
}

if (import.meta.url === `file://${process.argv[1]}`) readmeSpeed();
