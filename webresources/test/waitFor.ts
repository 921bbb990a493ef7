/**
 * Waits until `condition` holds, for effects the platform runs without handing back a promise
 * (a save the script re-issues, a post-save relay call). Fails with the last error if it never does.
 */
export async function waitFor(condition: () => void | boolean, timeoutMs = 4000): Promise<void> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      if (condition() !== false) return;
      last = new Error("condition is false");
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > timeoutMs) throw last;
    await new Promise((r) => setTimeout(r, 5));
  }
}
