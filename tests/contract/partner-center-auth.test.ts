/**
 * §7.1 Two hosts, two audiences: Referrals tokens need aud https://api.partner.microsoft.com and a
 * signed-in user with a Referrals role; Webhooks tokens need aud https://api.partnercenter.microsoft.com,
 * app-only or App+User. Plus the Referrals Admin / Referrals User scopes of §1.
 */
import { createTestIdentity } from "@cosell/emulators/identity/src";
import type { PartnerCenterEmulator } from "@cosell/emulators/partner-center/src";
import { Client, emulator, outgoingReferral, type Referral } from "./partner-center-harness";

let pc: PartnerCenterEmulator;

beforeAll(async () => {
  pc = await emulator({
    partner: { locations: [{ id: "loc-redmond", name: "Redmond" }, { id: "loc-berlin", name: "Berlin" }] },
    users: [
      { upn: "admin@contoso.example", role: "Referrals Admin" },
      { upn: "berlin.admin@contoso.example", role: "Referrals Admin", locations: ["loc-berlin"] },
      { upn: "seller@contoso.example", role: "Referrals User" },
    ],
  });
});
afterAll(() => pc.stop());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("Referrals API tokens", () => {
  it("accepts an App+User token for the Referrals audience from a user with a Referrals role", async () => {
    const response = await fetch(pc.referralsUrl, { headers: bearer(await pc.issueToken({ api: "referrals" })) });
    expect(response.status).toBe(200);
  });

  it("answers 401 with a WWW-Authenticate challenge when there is no token", async () => {
    const response = await fetch(pc.referralsUrl);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await response.json()).toMatchObject({ error: { code: "unauthenticated" } });
  });

  it("answers 401 to a token for the Webhooks (Partner Center API) audience", async () => {
    const token = await pc.identity.issueToken({ audience: pc.audiences.webhooks, user: { upn: "admin@contoso.example" } });
    const response = await fetch(pc.referralsUrl, { headers: bearer(token) });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("https://api.partner.microsoft.com");
  });

  it("answers 401 to an expired token and to one signed by another issuer", async () => {
    const expired = await pc.identity.issueToken({ audience: pc.audiences.referrals, user: { upn: "admin@contoso.example" }, expiresIn: -120 });
    expect((await fetch(pc.referralsUrl, { headers: bearer(expired) })).status).toBe(401);
    const stranger = await createTestIdentity({ tenantId: pc.identity.tenantId, baseUrl: pc.identity.baseUrl });
    const forged = await stranger.issueToken({ audience: pc.audiences.referrals, user: { upn: "admin@contoso.example" } });
    expect((await fetch(pc.referralsUrl, { headers: bearer(forged) })).status).toBe(401);
  });

  it("answers 403 to an app-only token: the Referrals API is App+User only", async () => {
    const response = await fetch(pc.referralsUrl, { headers: bearer(await pc.issueToken({ api: "referrals", appOnly: true })) });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: "accessDenied" } });
  });

  it("answers 403 to a signed-in user without a Referrals Admin or Referrals User role", async () => {
    const response = await fetch(pc.referralsUrl, { headers: bearer(await pc.issueToken({ api: "referrals", upn: "nobody@contoso.example" })) });
    expect(response.status).toBe(403);
  });

  it("takes users seeded at run time", async () => {
    pc.users.add({ upn: "late@contoso.example", role: "Referrals Admin" });
    const response = await fetch(pc.referralsUrl, { headers: bearer(await pc.issueToken({ upn: "late@contoso.example" })) });
    expect(response.status).toBe(200);
  });
});

describe("Webhooks API tokens", () => {
  it("accepts app-only and App+User tokens for the Partner Center API audience", async () => {
    const appOnly = await fetch(`${pc.webhooksUrl}/registration/events`, { headers: bearer(await pc.issueToken({ api: "webhooks" })) });
    const appUser = await fetch(`${pc.webhooksUrl}/registration/events`, { headers: bearer(await pc.issueToken({ api: "webhooks", upn: "admin@contoso.example" })) });
    expect([appOnly.status, appUser.status]).toEqual([200, 200]);
  });

  it("answers 401 to a token for the Referrals audience", async () => {
    const response = await fetch(`${pc.webhooksUrl}/registration/events`, { headers: bearer(await pc.issueToken({ api: "referrals" })) });
    expect(response.status).toBe(401);
  });
});

describe("Referrals Admin and Referrals User scopes", () => {
  it("shows a Referrals User only the deals whose team they are on; an admin sees all in their locations", async () => {
    const admin = await Client.forUser(pc, "admin@contoso.example");
    const seller = await Client.forUser(pc, "seller@contoso.example");
    const berlinAdmin = await Client.forUser(pc, "berlin.admin@contoso.example");
    const theirs = await admin.create(outgoingReferral({ name: "Seller's deal", team: [{ firstName: "S", lastName: "Eller", email: "SELLER@contoso.example", phoneNumber: "1" }] }));
    const notTheirs = await admin.create(outgoingReferral({ name: "Someone else's deal" }));
    const incomingBerlin = pc.microsoft.createIncomingReferral({ locationId: "loc-berlin" });

    const sellerIds = ((await seller.get<{ value: Referral[] }>(pc.referralsUrl)).body.value).map((r) => r.id);
    expect(sellerIds).toContain(theirs.body.id);
    expect(sellerIds).not.toContain(notTheirs.body.id);
    expect((await seller.get(`${pc.referralsUrl}/${notTheirs.body.id}`)).status).toBe(404);
    expect((await seller.patch(notTheirs.body.id, [{ op: "replace", path: "/details/notes", value: "x" }])).status).toBe(404);

    const berlinIds = ((await berlinAdmin.get<{ value: Referral[] }>(pc.referralsUrl)).body.value).map((r) => r.id);
    expect(berlinIds).toEqual([String(incomingBerlin.id)]);

    const adminIds = ((await admin.get<{ value: Referral[] }>(`${pc.referralsUrl}?$top=100`)).body.value).map((r) => r.id);
    expect(adminIds).toEqual(expect.arrayContaining([theirs.body.id, notTheirs.body.id, String(incomingBerlin.id)]));
  });
});
