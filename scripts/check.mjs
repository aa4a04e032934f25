// npm run check (and npm test's 'check' runner): the TypeScript of src, tests and bench
// type-checked against the built declarations (run after `npm run build`), then Biome's linter
// over the repository. Prints one line per check and exits 1 on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { loadOptions } from './rules.mjs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;
if (!existsSync(`${root}build/index.d.ts`)) {
  console.log('check: build/ has no declarations: run npm run build first');
  process.exit(1);
}
let failed = 0;
for (const [name, cmd, args] of [
  ['types', bin('tsc'), ['-p', 'tsconfig.check.json']],
  ['lint', bin('biome'), ['lint', '.', '--max-diagnostics=50']],
]) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  const ok = r.status === 0;
  if (!ok) { failed++; process.stdout.write(r.stdout + r.stderr); }
  console.log(`check ${name}: ${ok ? 'ok' : 'FAILED'}`);
}

// One place per rule: outside its kernel (assembly/rules/<id>.ts), its description
// (src/rules/<id>.ts) and the list of descriptions (src/rules/index.ts), no file in assembly/
// or src/ names a rule: not as a word (any case), nor inside an identifier (RULE_gala, galaStep).
// The ids that are also words of the trade ('constant', 'secant') count only as code: quoted,
// in an identifier, or as a path.
const WORDS = ['constant', 'secant'];
// 'constant' is also a schedule's decay (the schedule's files, and its DECAY_ id).
const ALSO = { constant: { files: ['src/schedule.ts', 'assembly/schedule.ts'], line: /DECAY_constant|decay[^'\n]*'constant'/ } };
const { RULE_LIST } = await loadOptions();
const files = (dir) => readdirSync(`${root}${dir}`).flatMap((e) => {
  const rel = `${dir}/${e}`;
  return statSync(`${root}${rel}`).isDirectory() ? (e === 'generated' ? [] : files(rel)) : rel.endsWith('.ts') ? [rel] : [];
});
const named = [];
for (const { id } of RULE_LIST) {
  const word = [...id].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join('');
  const pattern = WORDS.includes(id) ? new RegExp(`'${id}'|_${id}\\b|\\b${id}[A-Z]|rules/${id}\\b`) : new RegExp(`(?<![A-Za-z0-9])${word}(?![a-z0-9])`);
  for (const f of [...files('assembly'), ...files('src')]) {
    if (f === `assembly/rules/${id}.ts` || f === `src/rules/${id}.ts` || f === 'src/rules/index.ts' || ALSO[id]?.files.includes(f)) continue;
    readFileSync(`${root}${f}`, 'utf8').split('\n').forEach((line, i) => { if (pattern.test(line) && !ALSO[id]?.line.test(line)) named.push(`${f}:${i + 1}: names rule '${id}': ${line.trim()}`); });
  }
}
if (named.length) { failed++; console.log(named.join('\n')); }
console.log(`check rules: ${named.length ? `FAILED (${named.length} lines name a rule outside its own files)` : 'ok'}`);
process.exitCode = failed ? 1 : 0;
