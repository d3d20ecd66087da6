/**
 * D1 reports a violated constraint only in its error text (on the error or its cause); these name
 * the two the control API turns into a 409.
 */
type Constraint = 'UNIQUE' | 'FOREIGN KEY';

export function violates(err: unknown, constraint: Constraint): boolean {
  if (!(err instanceof Error)) return false;
  const text = `${err.message} ${err.cause instanceof Error ? err.cause.message : ''}`;
  return text.includes(`${constraint} constraint failed`);
}
