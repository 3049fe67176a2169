/** The fix-its offered on an invalid node's face. */
import { useMemo } from 'react';
import { useEditor } from '../store/editor-store';
import { fixesForNode } from '../store/fixits';
import { FixButtons } from '../ui/FixButtons';

export function NodeFixes({ nodeId }: { nodeId: string }) {
  // Mounted only on invalid nodes, so only they follow every document change.
  const doc = useEditor((s) => s.doc);
  const analysis = useEditor((s) => s.analysis);
  const fixes = useMemo(() => fixesForNode(doc, analysis, nodeId), [doc, analysis, nodeId]);
  return <FixButtons fixes={fixes} className="nodrag" />;
}
