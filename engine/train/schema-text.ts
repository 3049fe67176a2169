/** The first problem zod found in a file of ours, as a phrase that names the field and quotes the value. */
import type { z } from 'zod';
import { describeValue, formatPath, valueAt } from '../graph/describe';

/** e.g. `epochsDone: expected a number, got "three"` (and how many more problems there are). */
export function describeSchemaIssues(issues: readonly z.core.$ZodIssue[], root: unknown): string {
  const first = issues[0];
  const value = valueAt(root, first.path);
  const where = first.path.length > 0 ? `${formatPath(first.path)}: ` : '';
  const what =
    first.code === 'invalid_type' && value === undefined
      ? `missing (expected ${first.expected})`
      : `${first.message.replace(/^Invalid input: /, '').replace(/, received \w+$/, '')}, got ${describeValue(value)}`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problems)` : '';
  return `${where}${what}${more}`;
}
