/**
 * A form after what it submitted has been done. The result often shows elsewhere before the request's answer
 * (a new room reaches the floor as a broadcast), so the user may already be typing the next entry: the form
 * empties only while it still holds exactly what was submitted, never wiping newer typing.
 */
export function draftAfterSubmit<T extends Record<string, string>>(current: T, submitted: T, empty: T): T {
  const unchanged = Object.keys(submitted).every((k) => current[k] === submitted[k]);
  return unchanged ? empty : current;
}
