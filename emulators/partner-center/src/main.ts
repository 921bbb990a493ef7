/**
 * `npm run emulator:partner-center`: the emulator on its own, for the sandbox or for poking at with
 * curl. Settings come from the environment:
 *   PC_EMULATOR_PORT (default 4010), PC_EMULATOR_HOST (default 127.0.0.1),
 *   PC_EMULATOR_RETRY_MS (webhook retry interval, default 1000).
 */
import { startPartnerCenterEmulator } from "./emulator";

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a whole number ≥ 0; got '${raw}'.`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const pc = await startPartnerCenterEmulator({
    host: process.env.PC_EMULATOR_HOST || "127.0.0.1",
    port: numberFromEnv("PC_EMULATOR_PORT", 4010),
    webhooks: { retryIntervalMs: numberFromEnv("PC_EMULATOR_RETRY_MS", 1000) },
    logger: process.env.PC_EMULATOR_LOG === "1",
  });
  const lines = [
    `Partner Center emulator for ${pc.partner.organizationName} is listening on ${pc.url}`,
    "",
    `  Page for people      ${pc.url}/`,
    `  Referrals API        ${pc.referralsUrl}   (audience ${pc.audiences.referrals}, App+User)`,
    `  Webhooks API         ${pc.webhooksUrl}                (audience ${pc.audiences.webhooks})`,
    `  Token issuer         ${pc.identity.issuer}`,
    `  Signing certificate  ${pc.certificateUrl}`,
    `  Root to trust        ${pc.url}/cert/root.pem   (a relay: COSELL_PC_CERTIFICATE_ROOTS=<that file>)`,
    "",
    "Seeded Partner Center users:",
    ...pc.users.list().map((u) => `  ${u.upn.padEnd(28)} ${u.role}${u.locations === "all" ? " (all locations)" : ` (${(u.locations ?? []).join(", ")})`}`),
    "",
    // Tokens are handed out on request rather than printed, so none ends up in a terminal log.
    "Get a token (App+User for the Referrals API, as the first Referrals Admin):",
    `  curl -s -X POST -H "Content-Type: application/json" -d '{"api":"referrals"}' ${pc.url}/_emulator/tokens`,
    `  (or {"api":"referrals","upn":"seller@contoso.example"}, or {"api":"webhooks"})`,
    `Then: curl -H "Authorization: Bearer <access_token>" ${pc.referralsUrl}`,
  ];
  console.log(lines.join("\n"));

  const shutdown = () => {
    pc.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error: Error) => {
  console.error(`The Partner Center emulator could not start: ${error.message}`);
  process.exit(1);
});
