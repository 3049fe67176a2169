import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../engine/graph/analyze';
import { activationRing } from '../../../engine/graph/test-graphs';
import { errorsByNode } from './flow-model';

describe('errorsByNode', () => {
  it('marks every node of a cycle, which is reported once', () => {
    const errors = errorsByNode(analyzeGraph(activationRing(12)));
    for (let i = 0; i < 12; i++) expect(errors.get(`a${i}`)?.message).toMatch(/is part of a cycle/);
  });
});
