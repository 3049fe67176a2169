/** Large and oddly named graphs: bounded reports, no recursion on depth, no prototype keys. */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from './analyze';
import { describeIssue, GraphInvalidError } from './errors';
import { activationChain, activationRing } from './test-graphs';

const reportOf = (issues: ReturnType<typeof analyzeGraph>['issues']) =>
  issues.map((issue) => describeIssue(issue)).join('\n');

describe('a 5,000-node cycle', () => {
  const analysis = analyzeGraph(activationRing(5000));
  const cycleIssues = analysis.issues.filter((issue) => issue.code === 'cycle');

  it('is reported once, naming every node on it as data', () => {
    expect(cycleIssues).toHaveLength(1);
    expect(cycleIssues[0].nodeId).toBe('a0');
    expect(cycleIssues[0].nodeIds).toHaveLength(5000);
  });

  it('shortens the path in the message and says how long the cycle is', () => {
    expect(cycleIssues[0].message).toBe(
      'is part of a cycle (a0 → a1 → a2 → … → a4998 → a4999 → a0; 5,000 nodes in the cycle); data must flow one way from input to output',
    );
    expect(reportOf(analysis.issues).length).toBeLessThan(4096);
    expect(new GraphInvalidError(analysis.issues).message.length).toBeLessThan(4096);
  });
});

describe('bounded reports', () => {
  it('lists at most a few names when a graph ends in thousands of places', () => {
    const doc = activationChain(2);
    for (let i = 0; i < 3000; i++)
      doc.edges.push({ id: `x${i}`, source: 'a1', sourcePort: 'out', target: `s${i}`, targetPort: 'in' });
    doc.nodes.push(
      ...Array.from({ length: 3000 }, (_, i) => ({
        id: `s${i}`,
        type: 'activation',
        params: {},
        position: { x: 0, y: 0 },
      })),
    );
    const analysis = analyzeGraph(doc);
    expect(analysis.issues.filter((issue) => issue.code === 'several-outputs').length).toBe(3000);
    // Each issue names a handful of the ends, not all 3,001 of them (9 million characters before).
    expect(reportOf(analysis.issues).length).toBeLessThan(3001 * 200);
    expect(new GraphInvalidError(analysis.issues).message.length).toBeLessThan(8192);
  });
});

describe('a 5,000-layer chain', () => {
  it('is analyzed without recursion', () => {
    const analysis = analyzeGraph(activationChain(5000));
    expect(analysis.valid).toBe(true);
    expect(analysis.order).toHaveLength(5003);
  });
});

describe('ids that are Object.prototype names', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', '_x'])(
    'analyzes a graph whose input is "%s" as any other',
    (id) => {
      const analysis = analyzeGraph(activationChain(2, id));
      expect(analysis.valid).toBe(true);
      expect(Object.keys(analysis.nodes)).toContain(id);
      expect(analysis.nodes[id].outputShape).toEqual([2, 2, 1]);
    },
  );
});
