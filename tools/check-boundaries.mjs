#!/usr/bin/env node
// Module boundaries of the API (`npm run lint`, and a step of `npm test`).
//
// A module is a top-level folder of apps/api/src (auth, fhir, scopes …; the files directly in src, which assemble
// the app, form the module `app`). The checker reads every TypeScript file of the tree (unit specs included), takes
// each relative import (type-only imports, re-exports and dynamic imports too) and fails when
//   1. two files import each other, directly or round a longer loop (a cycle between files);
//   2. two modules import each other, directly or round a longer loop (a cycle between modules);
//   3. a module imports a module that ALLOWED below does not list for it.
//
//   node tools/check-boundaries.mjs [src-dir] [--mermaid]
//
// `--mermaid` prints the module graph as a mermaid flowchart (docs/architecture.md embeds it) instead of checking.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Module → the modules it may import. Derived from the code; a new edge is a design decision, made here. */
export const ALLOWED = {
  'admin-users': ['auth', 'common', 'config', 'sessions'],
  app: '*',
  audit: ['admin-users', 'common', 'database', 'metrics'],
  auth: [
    'admin-users',
    'clients',
    'cluster',
    'common',
    'config',
    'database',
    'federation',
    'metrics',
    'scopes',
    'sessions',
    'users',
  ],
  bulk: ['admin-users', 'audit', 'common', 'config', 'fhir', 'scopes'],
  clients: ['admin-users', 'common', 'config', 'demo'],
  cluster: [],
  common: [],
  config: [],
  database: ['app', 'common', 'config'],
  demo: ['clients', 'cluster', 'config', 'fhir', 'users'],
  developers: ['admin-users', 'auth', 'clients', 'common', 'config', 'registration', 'scopes', 'sessions'],
  federation: ['admin-users', 'auth', 'common', 'config', 'developers', 'sessions', 'users'],
  fhir: ['audit', 'auth', 'common', 'config', 'database', 'scopes'],
  health: ['common'],
  metrics: ['common'],
  registration: ['admin-users', 'auth', 'clients', 'common', 'config', 'scopes'],
  scopes: ['admin-users', 'auth', 'common', 'config', 'metrics'],
  sessions: ['auth', 'config'],
  types: [],
  users: ['admin-users', 'auth', 'common', 'federation', 'fhir', 'scopes', 'sessions'],
};

/**
 * The module cycles the code had when this check was written, each closed by one of these edges (the minimum set:
 * without them the module graph has no cycle). They are debts, not permissions: the cycle check leaves them out, so
 * a new cycle still fails; remove an entry when its edge goes. Most come from `auth` being two layers at once: key
 * and token infrastructure below sessions and administrators, and the authorization endpoints above users and FHIR.
 */
export const KNOWN_CYCLE_EDGES = [
  'admin-users>auth', // admin-users.service signs sessions with auth/keys
  'sessions>auth', // session.service signs with auth/keys and stores in auth/tokens
  'auth>scopes', // auth.module and authorize read the scope catalog; scopes' FHIR guards use auth's verifier
  'auth>users', // authorize and the grants act for end users; users.service signs with auth/keys
  'database>app', // migration-generate.ts builds the whole app to diff its schema
  'auth>federation', // the sign-in page shows a button per provider; the federated sign-in resumes its interaction
  'users>federation', // administrators list and remove a person's external identities on /api/users
  'clients>demo', // outside demo mode the clients service refuses the demo clients, known by their ids
];

const EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.json', '/index.ts'];

/** Every .ts file under `dir`, as absolute paths. */
function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.tsx?$/.test(entry)) out.push(full);
  }
  return out;
}

function resolve(from, specifier) {
  const base = path.resolve(path.dirname(from), specifier);
  if (existsSync(base) && statSync(base).isFile()) return base;
  for (const ext of EXTENSIONS) if (existsSync(base + ext)) return base + ext;
  return null;
}

/** Folders whose subfolders are modules of their own (auth/keys, auth/authorize …; auth's own files are `auth`). */
const SPLIT = new Set([]);

/** The module a file belongs to: its top-level folder under `root`, or `app` for the files directly in it. */
export function moduleOf(root, file) {
  const rel = path.relative(root, file).split(path.sep);
  if (rel.length === 1) return 'app';
  return SPLIT.has(rel[0]) && rel.length > 2 ? `${rel[0]}/${rel[1]}` : rel[0];
}

/** The import graph of the tree under `root`: file → files it imports (relative imports inside the tree only). */
export function importGraph(root) {
  const graph = new Map();
  for (const file of sourceFiles(root)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set();
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolve(file, fileName);
      if (target && target.startsWith(root + path.sep) && /\.tsx?$/.test(target)) targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/**
 * The module graph: module → modules it imports, with one file-level import as the witness of each edge. Unit specs
 * are left out: a spec may use another module to check its own (a FHIR validator on a mapper's output).
 */
export function moduleGraph(root, files) {
  const modules = new Map();
  for (const [file, targets] of files) {
    if (file.endsWith('.spec.ts')) continue;
    const from = moduleOf(root, file);
    if (!modules.has(from)) modules.set(from, new Map());
    for (const target of targets) {
      const to = moduleOf(root, target);
      if (to !== from && !modules.get(from).has(to)) modules.get(from).set(to, [file, target]);
    }
  }
  return modules;
}

/** Strongly connected components with more than one node (Tarjan): each is a cycle or a knot of cycles. */
export function cycles(graph) {
  let index = 0;
  const indices = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (node) => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys?.() ?? graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), indices.get(next)));
    }
    if (low.get(node) === indices.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

/** One loop through a strongly connected component, for the message: a → b → … → a. */
function loopIn(graph, component) {
  const members = new Set(component);
  const start = component[0];
  const seen = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const node = queue.shift();
    for (const next of graph.get(node)?.keys?.() ?? graph.get(node) ?? []) {
      if (next === start) {
        const path = [start];
        for (let at = node; at !== start; at = seen.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (members.has(next) && !seen.has(next)) {
        seen.set(next, node);
        queue.push(next);
      }
    }
  }
  return component;
}

/** Every boundary problem of the tree under `root`, as messages (none: the tree keeps its boundaries). */
export function checkBoundaries(root, allowed = ALLOWED, knownCycleEdges = KNOWN_CYCLE_EDGES) {
  const problems = [];
  const files = importGraph(root);
  const rel = (file) => path.relative(root, file);
  for (const component of cycles(files)) {
    problems.push(`import cycle between files: ${loopIn(files, component).map(rel).join(' → ')}`);
  }
  const modules = moduleGraph(root, files);
  const acyclic = new Map(
    [...modules].map(([from, targets]) => [
      from,
      new Map([...targets].filter(([to]) => !knownCycleEdges.includes(`${from}>${to}`))),
    ]),
  );
  for (const component of cycles(acyclic)) {
    const loop = loopIn(acyclic, component);
    const witnesses = loop.slice(0, -1).map((m, i) =>
      acyclic
        .get(m)
        .get(loop[i + 1])
        .map(rel)
        .join(' imports '),
    );
    problems.push(`import cycle between modules: ${loop.join(' → ')} (${witnesses.join('; ')})`);
  }
  for (const [from, targets] of modules) {
    const may = allowed[from];
    if (may === '*') continue;
    if (!may) {
      problems.push(`module ${from} is not in the allow-list of tools/check-boundaries.mjs`);
      continue;
    }
    for (const [to, [file, target]] of targets) {
      if (!may.includes(to)) problems.push(`${from} may not import ${to}: ${rel(file)} imports ${rel(target)}`);
    }
  }
  return problems;
}

/** The module graph as a mermaid flowchart; the edges of KNOWN_CYCLE_EDGES are dotted, `common` edges left out. */
export function mermaid(root) {
  const modules = moduleGraph(root, importGraph(root));
  const lines = ['flowchart LR'];
  for (const from of [...modules.keys()].sort()) {
    if (from === 'app' || from === 'types') continue; // app imports every module; types holds declarations only
    const targets = [...modules.get(from).keys()].filter((to) => to !== 'common').sort();
    if (targets.length === 0) lines.push(`  ${from}`);
    for (const to of targets)
      lines.push(`  ${from} ${KNOWN_CYCLE_EDGES.includes(`${from}>${to}`) ? '-.->' : '-->'} ${to}`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const args = process.argv.slice(2);
  const root = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(repo, 'apps/api/src'));
  if (args.includes('--mermaid')) {
    console.log(mermaid(root));
  } else {
    const problems = checkBoundaries(root);
    for (const problem of problems) console.error(problem);
    if (problems.length > 0) {
      console.error(`check-boundaries: ${problems.length} problem(s) in ${path.relative(repo, root)}`);
      process.exitCode = 1;
    } else console.log(`check-boundaries: ${path.relative(repo, root) || '.'} keeps its module boundaries`);
  }
}
