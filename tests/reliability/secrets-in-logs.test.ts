/**
 * No token, secret or signature in any log line. The relay runs as an operator runs it, its own
 * process at the most talkative level (trace), and every line it writes to standard output is
 * read while it does everything that handles a credential: client-credentials sign-in to
 * Dataverse, Partner Center calls with a bearer token, signed webhooks in, the shared-secret
 * webhook in, the form's user token, and refused forgeries of each. (Every other file of this suite
 * checks its own relay's lines the same way.)
 */
import { OpportunityColumns } from "@cosell/core";
import { microsoftSendsReferral, prepareSeller, referralsOfOpportunity, shareCoSellOpportunity } from "./support/deals";
import { startEnvironment, until, WEBHOOK_HEADER, type Environment } from "./support/environment";
import { secretsInLogs } from "./support/secrets";

describe("secrets in the relay's logs", () => {
  let env: Environment;

  beforeAll(async () => {
    env = await startEnvironment({ relay: "process", database: "postgres", logLevel: "trace" });
  });
  afterAll(async () => {
    await env?.stop();
  });

  it("none appears at trace level while the relay handles every kind of credential", async () => {
    const setup = await prepareSeller(env);
    const opportunityId = await shareCoSellOpportunity(env, setup, 1);
    const referralId = microsoftSendsReferral(env, 2);
    const [shared] = await until(async () => referralsOfOpportunity(env, opportunityId).length > 0 && referralsOfOpportunity(env, opportunityId), "the shared referral");
    env.partnerCenter.microsoft.accept(String(shared.id));
    await env.seller.update("opportunities", opportunityId, { estimatedvalue: 12_345 });

    // The form's "Sync now", with the seller's token, and with a forged one.
    const token = await env.sellerToken();
    const sync = (authorization: string) =>
      fetch(`${env.relayUrl}/api/v1/opportunities/${opportunityId}/sync`, { method: "POST", headers: { "content-type": "application/json", authorization }, body: "{}" });
    expect((await sync(`Bearer ${token}`)).status).toBe(200);
    expect((await sync(`Bearer ${token.slice(0, -8)}AAAAAAAA`)).status).toBe(401);
    // Webhooks with a wrong secret and a forged signature.
    const wrongSecret = `${String(env.env.COSELL_DATAVERSE_WEBHOOK_SECRET)}-but-not-quite`;
    env.secrets.add(wrongSecret);
    const refusedNotification = await fetch(`${env.relayUrl}/hooks/dataverse`, {
      method: "POST",
      headers: { "content-type": "application/json", [WEBHOOK_HEADER]: wrongSecret },
      body: JSON.stringify({ MessageName: "Update", PrimaryEntityName: "opportunity", PrimaryEntityId: opportunityId }),
    });
    expect(refusedNotification.status).toBe(401);
    const forged = Buffer.from(JSON.stringify({ EventName: "referral-updated", ResourceUri: `https://api.partnercenter.microsoft.com/engagements/v1/referrals/${referralId}`, ResourceName: "referral", AuditUri: null, ResourceChangeUtcDate: new Date().toISOString() }));
    const signature = env.partnerCenter.signing.sign(Buffer.from("something else"));
    env.gateway.signatures.add(signature);
    const refusedEvent = await fetch(`${env.relayUrl}/hooks/partner-center`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Signature ${signature}`, "x-ms-signature-algorithm": "rsa-sha256", "x-ms-certificate-url": env.partnerCenter.certificateUrl },
      body: forged,
    });
    expect(refusedEvent.status).toBe(401);
    // The admin's commands read the same secrets.
    await env.cli(["doctor"]);
    await env.settled();
    expect((await env.seller.get("opportunities", opportunityId, [OpportunityColumns.microsoftCrmId]))[OpportunityColumns.microsoftCrmId]).toBeTruthy();

    // The check itself finds each kind of secret when one is there.
    const planted = [JSON.stringify({ msg: "oops", header: `Bearer ${token}` }), `webhook secret ${String(env.env.COSELL_DATAVERSE_WEBHOOK_SECRET)}`, `{"sig":"${signature}"}`];
    expect(secretsInLogs(planted, env.secrets, env.gateway.signatures)).toHaveLength(planted.length);

    const leaks = env.leakedSecrets();
    console.log(`secrets: ${env.logs.length} log lines at trace level, ${env.gateway.signatures.size} signatures and ${env.secrets.size} fixed secrets looked for, ${leaks.length} lines with a secret`);
    expect(env.logs.length).toBeGreaterThan(100);
    expect(env.logs.some((line) => line.includes('"level":10') || line.includes('"level":20'))).toBe(true);
    expect(leaks).toEqual([]);
  });
});
