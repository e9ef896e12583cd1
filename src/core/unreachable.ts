/**
 * Ends every switch over a discriminated union so that adding a member is a
 * compile error wherever it is not handled yet.
 */
export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
