/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time by package or file and the top
 * functions, for BENCHMARKS.md's "why" of a missed target.
 *   node dist/bench/profile-summary.js <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

/** Which part of the program a frame belongs to: a package, our own folder, or a V8 pseudo-frame. */
function partOf(url: string, name: string): string {
  if (!url) return `(${name || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/(src\/[^/]+|bench|lab\/[^/]+)/.exec(url);
  if (own) return own[1];
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary <file.cpuprofile> [top]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parts = new Map<string, number>();
const functions = new Map<string, number>();
for (const id of profile.samples) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const part = partOf(url, functionName);
  parts.set(part, (parts.get(part) ?? 0) + 1);
  const fn = `${functionName || '(anonymous)'} ${part}${url ? `:${lineNumber + 1}` : ''}`;
  functions.set(fn, (functions.get(fn) ?? 0) + 1);
}
const total = profile.samples.length;
const show = (map: Map<string, number>, n: number) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, count]) => `${((count / total) * 100).toFixed(1).padStart(5)} %  ${key}`)
    .join('\n');
console.log(
  `${total} samples\n\nself time by part:\n${show(parts, 15)}\n\ntop functions (self):\n${show(functions, Number(topArg ?? 15))}`,
);
