import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkBoundaries, mermaid } from '../../../../tools/check-boundaries.mjs';

/**
 * The module boundary check of `npm run lint` (tools/check-boundaries.mjs) must fail on a cycle and on an import the
 * allow-list forbids, and pass the real API. Not an integration suite, but tools/ has no Jest project of its own.
 */
describe('the module boundary check (tools/check-boundaries.mjs)', () => {
  /** A throwaway src tree: path → source. */
  const tree = (files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), 'boundaries-'));
    for (const [file, source] of Object.entries(files)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), source);
    }
    return root;
  };
  const allowed = { app: '*' as const, common: [], scopes: ['common', 'auth'], auth: ['common'] };

  it('passes a tree whose imports follow the allow-list', () => {
    const root = tree({
      'main.ts': "import { a } from './auth/a';\n",
      'auth/a.ts': "import { c } from '../common/c';\nexport const a = c;\n",
      'scopes/s.ts': "import { a } from '../auth/a';\nexport const s = a;\n",
      'common/c.ts': 'export const c = 1;\n',
    });
    expect(checkBoundaries(root, allowed, [])).toEqual([]);
  });

  it('fails on a cycle between two modules, naming the imports that close it', () => {
    const root = tree({
      'auth/guard.ts': "import { KEY } from '../scopes/keys';\nexport const g = KEY;\n",
      'auth/verifier.ts': 'export const v = 1;\n',
      'scopes/keys.ts': "export const KEY = 'k';\n",
      'scopes/decorator.ts': "import { v } from '../auth/verifier';\nexport const d = v;\n",
    });
    const both = { auth: ['scopes'], scopes: ['auth'] };
    expect(checkBoundaries(root, both, [])).toEqual([
      'import cycle between modules: auth → scopes → auth (auth/guard.ts imports scopes/keys.ts; scopes/decorator.ts imports auth/verifier.ts)',
    ]);
    // A known cycle edge is left out of the cycle check (a debt), so only a new cycle fails.
    expect(checkBoundaries(root, both, ['scopes>auth'])).toEqual([]);
  });

  it('fails on a cycle between files of one module (the decorator/guard cycle it was written for)', () => {
    const root = tree({
      'scopes/decorators/interaction.decorator.ts':
        "import { Guard } from '../guards/scope.guard';\nexport const KEY = 'k';\n",
      'scopes/guards/scope.guard.ts':
        "import { KEY } from '../decorators/interaction.decorator';\nexport class Guard {}\n",
    });
    expect(checkBoundaries(root, { scopes: [] }, [])).toEqual([
      'import cycle between files: scopes/decorators/interaction.decorator.ts → scopes/guards/scope.guard.ts → scopes/decorators/interaction.decorator.ts',
    ]);
  });

  it('fails on an import the allow-list forbids, and on a module missing from it', () => {
    const root = tree({
      'common/c.ts': "import { a } from '../auth/a';\nexport const c = a;\n",
      'auth/a.ts': 'export const a = 1;\n',
      'federation/f.ts': "import { a } from '../auth/a';\nexport const f = a;\n",
    });
    expect(checkBoundaries(root, { common: [], auth: [] }, [])).toEqual([
      'common may not import auth: common/c.ts imports auth/a.ts',
      'module federation is not in the allow-list of tools/check-boundaries.mjs',
    ]);
  });

  it('passes the API as it is, and draws its module graph', () => {
    const src = join(__dirname, '../../src');
    expect(checkBoundaries(src)).toEqual([]);
    expect(mermaid(src)).toContain('fhir --> scopes');
  });
});
