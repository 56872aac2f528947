import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  percent: number;
  name: string;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  return url.replace(/^file:\/\/\/work\/main\//, '').replace(/^\/work\/main\//, '');
}

function packageOf(url: string, functionName: string): string {
  const where = shortUrl(url);
  if (!where || where.startsWith('node:')) return where || functionName;
  return where.split('/').slice(0, where.startsWith('@') ? 2 : 1).join('/');
}

/**
 * Inclusive time per package: a sample counts for every package on its stack, so
 * "pino-http 20%" includes the socket/file writes and serialisation it triggers.
 */
function inclusiveByPackage(profile: CpuProfile, total: number): Map<string, number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const result = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      const name = packageOf(frame.url, '');
      if (name && !name.startsWith('node:')) seen.add(name === 'libs' || name === 'apps' ? shortUrl(frame.url).split('/').slice(0, 3).join('/') : name);
    }
    for (const name of seen) result.set(name, (result.get(name) ?? 0) + hits);
  }
  void total;
  return result;
}

/** Self time by function and by package, and inclusive time by package. */
export function summarizeCpuProfile(
  file: string,
  top = 25,
): { functions: HotSpot[]; packages: HotSpot[]; inclusive: HotSpot[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0) || 1;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = shortUrl(url);
    const name = `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
  }
  const rank = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((x, y) => y[1] - x[1])
      .slice(0, top)
      .map(([name, hits]) => ({ percent: Math.round((hits / total) * 1000) / 10, name }));
  return { functions: rank(byFunction), packages: rank(byPackage), inclusive: rank(inclusiveByPackage(profile, total)) };
}
