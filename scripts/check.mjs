// npm run check (and npm test's 'check' runner): the TypeScript of src, tests and bench
// type-checked against the built declarations (run after `npm run build`), then Biome's linter
// over the repository. Prints one line per check and exits 1 on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
process.exitCode = failed ? 1 : 0;
