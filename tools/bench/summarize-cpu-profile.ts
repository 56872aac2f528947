import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
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

const ROOT = join(__dirname, '..', '..');

/**
 * The bundles inline our libs into one dist/apps/<app>/main.js; their source maps (written by
 * build-app.mjs) turn a bundle position back into libs/…/file.ts:line, so the summary names
 * our own files, not "main.js". npm packages stay external and keep their own paths.
 */
class SourceLocator {
  private readonly maps = new Map<string, { map: SourceMap; dir: string } | null>();

  locate(url: string, line: number, column: number): { file: string; line: number } {
    const path = url.startsWith('file://') ? fileURLToPath(url) : url;
    const entry = this.mapFor(path);
    const found = entry?.map.findEntry(line, column) as { originalSource?: string; originalLine?: number } | undefined;
    if (!entry || !found?.originalSource) return { file: path, line };
    const source = found.originalSource.startsWith('file://') ? fileURLToPath(found.originalSource) : resolve(entry.dir, found.originalSource);
    return { file: source, line: found.originalLine ?? line };
  }

  private mapFor(path: string) {
    if (!this.maps.has(path)) {
      const mapFile = `${path}.map`;
      this.maps.set(path, path.endsWith('.js') && existsSync(mapFile) ? { map: new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))), dir: dirname(path) } : null);
    }
    return this.maps.get(path)!;
  }
}

function shortPath(file: string): string {
  const modules = file.lastIndexOf('node_modules/');
  if (modules >= 0) return file.slice(modules + 'node_modules/'.length);
  return file.startsWith('/') ? relative(ROOT, file) : file;
}

/** npm package name, our lib/app (libs/logging), or the node: builtin / V8 pseudo-frame. */
function packageOf(where: string, functionName: string): string {
  if (!where) return functionName;
  if (where.startsWith('node:')) return where;
  if (where.startsWith('libs/') || where.startsWith('apps/') || where.startsWith('tools/')) return where.split('/').slice(0, 2).join('/');
  return where.split('/').slice(0, where.startsWith('@') ? 2 : 1).join('/');
}

interface Frame {
  name: string;
  pkg: string;
}

/**
 * Inclusive time per package: a sample counts for every package on its stack, so
 * "pino-http 20%" includes the socket/file writes and serialisation it triggers.
 */
function inclusiveByPackage(profile: CpuProfile, frames: Map<number, Frame>): Map<string, number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const result = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const pkg = frames.get(id)!.pkg;
      if (pkg && !pkg.startsWith('node:') && !pkg.startsWith('(')) seen.add(pkg);
    }
    for (const name of seen) result.set(name, (result.get(name) ?? 0) + hits);
  }
  return result;
}

function frameOf(node: ProfileNode, locator: SourceLocator): Frame {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  if (!url) return { name: functionName || '(anonymous)', pkg: functionName };
  const located = locator.locate(url, lineNumber, columnNumber);
  const where = shortPath(located.file);
  return { name: `${functionName || '(anonymous)'} ${where}:${located.line + 1}`, pkg: packageOf(where, functionName) };
}

/** Self time by function and by package, and inclusive time by package. */
export function summarizeCpuProfile(file: string, top = 25): { functions: HotSpot[]; packages: HotSpot[]; inclusive: HotSpot[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const locator = new SourceLocator();
  const frames = new Map(profile.nodes.map((node) => [node.id, frameOf(node, locator)]));
  const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0) || 1;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const frame = frames.get(node.id)!;
    byFunction.set(frame.name, (byFunction.get(frame.name) ?? 0) + hits);
    byPackage.set(frame.pkg, (byPackage.get(frame.pkg) ?? 0) + hits);
  }
  const rank = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((x, y) => y[1] - x[1])
      .slice(0, top)
      .map(([name, hits]) => ({ percent: Math.round((hits / total) * 1000) / 10, name }));
  return { functions: rank(byFunction), packages: rank(byPackage), inclusive: rank(inclusiveByPackage(profile, frames)) };
}
