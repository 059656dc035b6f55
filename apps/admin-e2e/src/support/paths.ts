import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../../..');
export const adminDist = path.join(repoRoot, 'apps/admin/dist');
export const screenshotDir = path.join(repoRoot, 'test-output/screenshots');

/** This suite tests the built dashboard; it builds nothing itself (the runner builds first). */
export function assertAdminBuilt(): void {
  if (!existsSync(path.join(adminDist, 'index.html'))) {
    throw new Error(
      `${path.relative(repoRoot, adminDist)}/index.html is missing: build the dashboard first ` +
        '(`npx nx run admin:build`, or `npx vite build` in apps/admin).',
    );
  }
}

export function screenshotPath(name: string): string {
  mkdirSync(screenshotDir, { recursive: true });
  return path.join(screenshotDir, `${name}.png`);
}
