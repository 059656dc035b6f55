#!/usr/bin/env node
// The npm registry this project's machines reach lacks some other-platform builds of native packages (for example
// @swc/core-darwin-arm64 at the version we use), so `npm install` leaves them out of package-lock.json and
// `npm ci` then refuses the lockfile as out of sync. This adds, for every optional platform package a locked
// package declares but the lockfile lacks, the entry the public registry would give: its version, `optional`, and
// the os/cpu/libc read from its name, so npm skips it on other platforms. Run after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = ['arm64', 'x64', 'arm', 'ia32', 'ppc64', 'ppc64le', 's390x', 'riscv64', 'loong64', 'wasm32', 'mips64el'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  if (!os || !cpu) return null;
  const entry = { os: [os], cpu: [cpu] };
  const tail = parts.slice(parts.indexOf(cpu) + 1).join('-');
  if (os === 'linux' && /musl/.test(tail)) entry.libc = ['musl'];
  else if (os === 'linux' && /gnu/.test(tail)) entry.libc = ['glibc'];
  return entry;
}

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
let added = 0;
for (const [location, pkg] of Object.entries(lock.packages)) {
  for (const [dep, range] of Object.entries(pkg.optionalDependencies ?? {})) {
    const base = location === '' ? 'node_modules' : `${location}/node_modules`;
    const candidates = [`${base}/${dep}`, `node_modules/${dep}`];
    if (candidates.some((c) => lock.packages[c])) continue;
    const platform = platformOf(dep);
    const version = /^\d+\.\d+\.\d+(-[\w.]+)?$/.test(range) ? range : null;
    if (!platform || !version) continue;
    lock.packages[`node_modules/${dep}`] = { version, ...platform, optional: true };
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
process.stdout.write(`package-lock.json: ${added} optional platform entries added\n`);
