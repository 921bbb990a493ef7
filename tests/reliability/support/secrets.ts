/**
 * Finds credentials in log lines: any JWT at all (every token in this product is one), any of the
 * fixed secrets (client secret, webhook secret…), and any webhook signature that was delivered.
 * Offending lines come back with the secret masked, so a failing test does not print it either.
 */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
const BASE64_RUN = /[A-Za-z0-9+/]{40,}={0,2}/g;

export function secretsInLogs(lines: readonly string[], fixed: Iterable<string>, signatures: ReadonlySet<string>): string[] {
  const secrets = [...fixed].filter(Boolean);
  const leaks: string[] = [];
  for (const line of lines) {
    let masked = line.replace(JWT, "<token>");
    for (const run of line.match(BASE64_RUN) ?? []) if (signatures.has(run)) masked = masked.replaceAll(run, "<signature>");
    for (const secret of secrets) if (masked.includes(secret)) masked = masked.replaceAll(secret, "<secret>");
    if (masked !== line) leaks.push(masked.slice(0, 400));
  }
  return leaks;
}
