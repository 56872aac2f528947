// `npx tsx tools/soak/heap-snapshot-diff.ts <before.heapsnapshot> <after.heapsnapshot> [name]`:
// which kinds of object a process gained between two snapshots (count and self size by
// constructor), and with a name, the retainer paths of a few of that kind's newest objects.
import { readFileSync } from 'node:fs';

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface HeapGraph {
  count: number;
  typeOf: (node: number) => string;
  nameOf: (node: number) => string;
  idOf: (node: number) => number;
  sizeOf: (node: number) => number;
  /** [from node, edge name] for every edge pointing at `node`. */
  retainers: (node: number) => Array<[number, string]>;
}

export function loadHeapGraph(file: string): HeapGraph {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawSnapshot;
  const { node_fields: nodeFields, node_types: nodeTypes, edge_fields: edgeFields, edge_types: edgeTypes } = raw.snapshot.meta;
  const width = nodeFields.length;
  const edgeWidth = edgeFields.length;
  const at = (field: string) => nodeFields.indexOf(field);
  const [typeAt, nameAt, idAt, sizeAt, edgeCountAt] = ['type', 'name', 'id', 'self_size', 'edge_count'].map(at) as [number, number, number, number, number];
  const count = raw.nodes.length / width;
  const reverse = new Map<number, Array<[number, string]>>();
  let edge = 0;
  for (let node = 0; node < count; node++) {
    const edges = raw.nodes[node * width + edgeCountAt]!;
    for (let index = 0; index < edges; index++, edge += edgeWidth) {
      const kind = edgeTypes[0][raw.edges[edge]!]!;
      if (kind === 'weak') continue;
      const nameOrIndex = raw.edges[edge + 1]!;
      const to = raw.edges[edge + 2]! / width;
      const label = kind === 'element' || kind === 'hidden' ? `[${nameOrIndex}]` : raw.strings[nameOrIndex]!;
      const list = reverse.get(to) ?? [];
      list.push([node, label]);
      reverse.set(to, list);
    }
  }
  return {
    count,
    typeOf: (node) => nodeTypes[0][raw.nodes[node * width + typeAt]!]!,
    nameOf: (node) => raw.strings[raw.nodes[node * width + nameAt]!]!,
    idOf: (node) => raw.nodes[node * width + idAt]!,
    sizeOf: (node) => raw.nodes[node * width + sizeAt]!,
    retainers: (node) => reverse.get(node) ?? [],
  };
}

export function countByKind(graph: HeapGraph): Map<string, { count: number; bytes: number }> {
  const kinds = new Map<string, { count: number; bytes: number }>();
  for (let node = 0; node < graph.count; node++) {
    const key = `${graph.typeOf(node)} ${graph.nameOf(node).slice(0, 60)}`;
    const entry = kinds.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += graph.sizeOf(node);
    kinds.set(key, entry);
  }
  return kinds;
}

/** One retainer chain from `node` towards a GC root, skipping nodes already seen. */
export function retainerPath(graph: HeapGraph, node: number, depth = 12): string[] {
  const path: string[] = [];
  const seen = new Set<number>([node]);
  let current = node;
  for (let step = 0; step < depth; step++) {
    const next = graph.retainers(current).find(([from]) => !seen.has(from));
    if (!next) break;
    const [from, label] = next;
    path.push(`${label} ← ${graph.typeOf(from)} ${graph.nameOf(from).slice(0, 50)}`);
    if (graph.typeOf(from) === 'synthetic') break;
    seen.add(from);
    current = from;
  }
  return path;
}

function main(): void {
  const [beforeFile, afterFile, name] = process.argv.slice(2);
  if (!beforeFile || !afterFile) throw new Error('usage: heap-snapshot-diff <before> <after> [constructor name]');
  const before = countByKind(loadHeapGraph(beforeFile));
  const afterGraph = loadHeapGraph(afterFile);
  const after = countByKind(afterGraph);
  const growth = [...after.entries()]
    .map(([key, value]) => ({ key, count: value.count - (before.get(key)?.count ?? 0), bytes: value.bytes - (before.get(key)?.bytes ?? 0) }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 25);
  for (const row of growth) console.log(`${String(row.bytes).padStart(10)} B  ${String(row.count).padStart(7)} ×  ${row.key}`);
  if (!name) return;
  const newest: number[] = [];
  for (let node = afterGraph.count - 1; node >= 0 && newest.length < 3; node--) if (afterGraph.nameOf(node) === name) newest.push(node);
  for (const node of newest) console.log(`\n${name} @${afterGraph.idOf(node)}:\n  ${retainerPath(afterGraph, node).join('\n  ')}`);
}

if (require.main === module) main();
