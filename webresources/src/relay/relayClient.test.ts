import { FakeRelay, problem } from "../../test/fakes/FakeRelay";
import { RelayClient, RelayUnreachableError } from "./relayClient";

const OPPORTUNITY = "{66666666-6666-4666-8666-666666666666}";

let relay: FakeRelay;
beforeEach(async () => {
  relay = await FakeRelay.start();
  relay.acceptToken("good", "alex@contoso.example");
});
afterEach(async () => {
  await relay.stop();
});

const client = (token: (force: boolean) => Promise<string> = async () => "good", timeoutMs?: number) =>
  new RelayClient({ relayUrl: relay.url, token, timeoutMs });

test("posts to the opportunity's sync endpoint with the bare id, JSON and the bearer token", async () => {
  const result = await client().syncOpportunity(OPPORTUNITY);
  expect(result).toEqual({ kind: "ok", body: { outcome: "synced", message: "Referral created.", referralId: "REF-1" } });
  expect(relay.apiRequests()).toEqual([
    { method: "POST", path: "/api/v1/opportunities/66666666-6666-4666-8666-666666666666/sync", authorization: "Bearer good", body: {} },
  ]);
});

test("an answer outside the contract is a relay fault, not a guess", async () => {
  relay.answer("sync", { status: 200, body: { outcome: "done" } });
  expect(await client().syncOpportunity(OPPORTUNITY)).toEqual({
    kind: "failed",
    problem: { type: "about:blank", title: "Unexpected answer", status: 200, detail: "the relay's answer does not match its contract" },
  });
});

test("problem details are passed on; a body that is not JSON still gives the status", async () => {
  relay.answer("sync", problem(429, "Too Many Requests", "Partner Center is throttling; retry after 30 seconds."));
  relay.answer("sync", { status: 500, body: "oops", contentType: "text/plain" });
  expect(await client().syncOpportunity(OPPORTUNITY)).toMatchObject({ kind: "failed", problem: { status: 429, title: "Too Many Requests" } });
  expect(await client().syncOpportunity(OPPORTUNITY)).toMatchObject({ kind: "failed", problem: { status: 500, title: "Internal Server Error" } });
});

test("401 gets one retry with a fresh token", async () => {
  const asked: boolean[] = [];
  const result = await client(async (force) => {
    asked.push(force);
    return force ? "good" : "stale";
  }).syncOpportunity(OPPORTUNITY);
  expect(result.kind).toBe("ok");
  expect(asked).toEqual([false, true]);
});

test("no answer within the time limit counts as unreachable", async () => {
  relay.answer("sync", { status: 200, delayMs: 2000, body: { outcome: "noop", message: "" } });
  expect(await client(undefined, 50).syncOpportunity(OPPORTUNITY)).toEqual({ kind: "unreachable", reason: "no answer in time" });
});

test("a token source that cannot reach the relay makes the relay unreachable, any other failure is a sign-in failure", async () => {
  const unreachable = client(async () => {
    throw new RelayUnreachableError("fetch failed");
  });
  expect(await unreachable.syncOpportunity(OPPORTUNITY)).toEqual({ kind: "unreachable", reason: "fetch failed" });
  const refused = client(async () => {
    throw Object.assign(new Error("AADSTS65001: consent required"), { errorCode: "consent_required" });
  });
  expect(await refused.syncOpportunity(OPPORTUNITY)).toEqual({
    kind: "signInFailed",
    detail: "AADSTS65001: consent required",
    code: "consent_required",
  });
});

test("decline sends the reason; accept returns the new opportunity", async () => {
  relay.answer("accept", { status: 200, body: { outcome: "accepted", opportunityId: "abc", message: "ok" } });
  expect(await client().acceptLead("{77777777-7777-4777-8777-777777777777}")).toEqual({
    kind: "ok",
    body: { outcome: "accepted", opportunityId: "abc", message: "ok" },
  });
  expect(await client().declineLead("77777777-7777-4777-8777-777777777777", "No budget")).toEqual({
    kind: "ok",
    body: { message: "Declined." },
  });
  expect(relay.apiRequests().at(-1)?.body).toEqual({ reason: "No budget" });
});
