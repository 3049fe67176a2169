/**
 * Graph order helpers: topological order (Kahn's algorithm, ties broken by document order
 * so the result is stable) and the cycles that prevent one.
 */

/** A directed edge between node ids. */
export interface Link {
  source: string;
  target: string;
}

export interface OrderResult {
  /** Node ids, every node after all nodes feeding it. Nodes on or after a cycle are left out. */
  order: string[];
  /** Groups of node ids that form cycles (each group in document order). */
  cycles: string[][];
}

/**
 * Orders `ids` so every node comes after its sources. Edges whose ends are not in `ids`
 * are ignored.
 *
 * @example topologicalOrder(['b', 'a'], [{ source: 'a', target: 'b' }]).order // ['a', 'b']
 */
export function topologicalOrder(ids: readonly string[], links: readonly Link[]): OrderResult {
  const index = new Map(ids.map((id, i) => [id, i]));
  const indegree = new Array<number>(ids.length).fill(0);
  const next: number[][] = ids.map(() => []);
  for (const link of links) {
    const s = index.get(link.source);
    const t = index.get(link.target);
    if (s === undefined || t === undefined) continue;
    next[s].push(t);
    indegree[t] += 1;
  }
  // Ready nodes are taken lowest document index first: a small binary heap keeps that cheap.
  const ready = new MinHeap();
  indegree.forEach((degree, i) => degree === 0 && ready.push(i));
  const order: string[] = [];
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(ids[i]);
    for (const t of next[i]) {
      indegree[t] -= 1;
      if (indegree[t] === 0) ready.push(t);
    }
  }
  const cycles = order.length === ids.length ? [] : findCycles(ids, next);
  return { order, cycles };
}

/** Strongly connected components with a cycle (Tarjan), iteratively so deep graphs don't overflow. */
function findCycles(ids: readonly string[], next: readonly number[][]): string[][] {
  const n = ids.length;
  const indexOf = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const cycles: string[][] = [];
  let counter = 0;

  for (let root = 0; root < n; root++) {
    if (indexOf[root] !== -1) continue;
    const work: Array<[node: number, edge: number]> = [[root, 0]];
    indexOf[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [v, e] = frame;
      if (e < next[v].length) {
        frame[1] += 1;
        const w = next[v][e];
        if (indexOf[w] === -1) {
          indexOf[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          work.push([w, 0]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], indexOf[w]);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === indexOf[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || next[v].includes(v)) {
          cycles.push(component.sort((a, b) => a - b).map((i) => ids[i]));
        }
      }
    }
  }
  return cycles;
}

class MinHeap {
  private items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent] <= items[i]) break;
      [items[parent], items[i]] = [items[i], items[parent]];
      i = parent;
    }
  }

  pop(): number {
    const items = this.items;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && items[left] < items[smallest]) smallest = left;
        if (right < items.length && items[right] < items[smallest]) smallest = right;
        if (smallest === i) break;
        [items[smallest], items[i]] = [items[i], items[smallest]];
        i = smallest;
      }
    }
    return top;
  }
}
