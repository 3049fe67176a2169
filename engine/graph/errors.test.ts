import { describe, expect, it } from 'vitest';
import { describeIssue, GraphInvalidError } from './errors';
import type { GraphIssue } from './types';

const issues: GraphIssue[] = [
  {
    severity: 'warning',
    code: 'bad-param',
    nodeId: 'd',
    param: 'unit',
    message: 'Dense has no param "unit"; it is ignored',
  },
  { severity: 'error', code: 'dangling-edge', edgeId: 'e7', message: 'target node "c9" does not exist' },
  {
    severity: 'error',
    code: 'no-input',
    message: 'the graph has no Input node: add one and wire it to the first layer',
  },
];

describe('GraphInvalidError', () => {
  it('lists the errors one per line, naming the node or edge, and keeps every issue', () => {
    const error = new GraphInvalidError(issues);
    expect(error.name).toBe('GraphInvalidError');
    expect(error.message).toBe(
      'the graph is not valid:\n  - edge e7: target node "c9" does not exist\n  - the graph has no Input node: add one and wire it to the first layer',
    );
    expect(error.issues).toEqual(issues);
  });

  it('describeIssue names the node first', () => {
    expect(describeIssue(issues[0])).toBe('node d: Dense has no param "unit"; it is ignored');
  });
});
