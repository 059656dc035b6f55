// Types of tools/check-boundaries.mjs for the spec that checks it.
export type AllowList = Record<string, string[] | '*'>;
export const ALLOWED: AllowList;
export const KNOWN_CYCLE_EDGES: string[];
export function moduleOf(root: string, file: string): string;
export function importGraph(root: string): Map<string, Set<string>>;
export function checkBoundaries(root: string, allowed?: AllowList, knownCycleEdges?: string[]): string[];
export function mermaid(root: string): string;
