import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The API's V8 flags (docs/architecture.md, "Young objects stay young") are given on the command line of every
 * command that starts it: `npm start` names them, and the others must start the API the same way. Not an
 * integration suite, but the start commands live outside apps/api/src.
 */
describe('the commands that start the API', () => {
  const repoRoot = path.resolve(__dirname, '../../../..');
  const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
  const start: string = JSON.parse(read('package.json')).scripts.start;
  const flags = /\bnode((?: --[\w-]+)+) apps\/api\/dist\/main\.js$/.exec(start)?.[1].trim().split(' ') ?? [];

  it('npm start turns allocation-site pretenuring off', () => {
    expect(flags).toContain('--no-allocation-site-pretenuring');
  });

  it('sets only flags this Node knows (an unknown one stops node with "bad option")', () => {
    for (const flag of flags) expect(execFileSync(process.execPath, [flag, '-e', '0'], { encoding: 'utf8' })).toBe('');
  });

  it('nx serve and the Docker image start the API with the same flags', () => {
    const serve = JSON.parse(read('apps/api/project.json')).targets.serve.options.command;
    expect(serve).toBe(`node ${flags.join(' ')} dist/main.js`);
    const cmd = /^CMD (\[.*\])$/m.exec(read('docker/Dockerfile'))?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(['node', ...flags, 'apps/api/dist/main.js']);
  });

  it.each([
    'tools/smoke.mjs',
    'tools/bench/run.mjs',
    'apps/api-e2e/src/support/built-api.ts',
    'apps/api-e2e/src/durability.e2e-spec.ts',
    'README.md',
  ])('%s starts the built API with them', (file) => {
    const source = read(file);
    for (const flag of flags) expect(source).toContain(flag);
  });
});
