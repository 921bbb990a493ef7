/**
 * Authentication and impersonation: a bearer token for the environment URL verified against the
 * identity's keys; delegated users provisioned on first sign-in; application users only when
 * registered; CallerObjectId / MSCRMCallerID honoured for a caller holding the privilege.
 */
import { createTestIdentity } from "@cosell/emulators/identity/src";
import type { DataverseEmulator } from "@cosell/emulators/dataverse/src";
import { Client, startDataverse, type Json } from "./dataverse-harness";

describe("Dataverse Web API: authentication", () => {
  let dv: DataverseEmulator;
  beforeAll(async () => {
    const identity = await createTestIdentity({ apps: [{ clientId: "relay-app", clientSecret: "relay-secret" }] });
    dv = await startDataverse({ identity, serveIdentity: true, applicationUsers: [{ clientId: "relay-app", name: "Co-sell relay" }] });
  });
  afterAll(() => dv.stop());

  it("answers a request without a token with an empty 401 and a Bearer challenge naming the environment", async () => {
    const response = await fetch(`${dv.apiUrl}WhoAmI()`);
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("");
    expect(response.headers.get("www-authenticate")).toBe(`Bearer authorization_uri=${dv.identity.baseUrl}/${dv.identity.tenantId}/oauth2/authorize, resource_id=${dv.environmentUrl}`);
  });

  it("refuses tokens for another audience, from another issuer, or expired", async () => {
    const otherAudience = await dv.identity.issueToken({ audience: "https://other.crm.dynamics.com", user: { upn: "ana@contoso.example" } });
    const stranger = await createTestIdentity({ tenantId: dv.identity.tenantId });
    stranger.baseUrl = dv.identity.baseUrl;
    const forged = await stranger.issueToken({ audience: dv.environmentUrl, user: { upn: "ana@contoso.example" } });
    const expired = await dv.identity.issueToken({ audience: dv.environmentUrl, user: { upn: "ana@contoso.example" }, expiresIn: -60 });
    for (const token of [otherAudience, forged, expired]) {
      const response = await fetch(`${dv.apiUrl}WhoAmI()`, { headers: { Authorization: `Bearer ${token}` } });
      expect(response.status).toBe(401);
    }
  });

  it("lets a registered app in through the client-credentials flow served on the same port", async () => {
    const tokenResponse = await fetch(dv.identity.tokenEndpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: "relay-app", client_secret: "relay-secret", scope: `${dv.environmentUrl}/.default` }),
    });
    const { access_token } = (await tokenResponse.json()) as { access_token: string };
    const client = new Client(dv, access_token);
    const me = await client.get("WhoAmI()");
    expect(me.status).toBe(200);
    expect((await client.get(`systemusers(${me.body.UserId})?$select=fullname,applicationid`)).body).toMatchObject({ fullname: "Co-sell relay", applicationid: "relay-app" });
  });

  it("refuses an app that has no application user in the environment", async () => {
    const client = await Client.app(dv, "unregistered-app");
    const answer = await client.get("WhoAmI()");
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ error: { code: "0x80072560", message: "The user is not a member of the organization." } });
  });
});

describe("Dataverse Web API: impersonation", () => {
  let dv: DataverseEmulator;
  let relay: Client;
  let seller: Client;
  let sellerId: string;
  let relayId: string;
  beforeAll(async () => {
    dv = await startDataverse({ applicationUsers: [{ clientId: "relay-app", canImpersonate: true }], users: [{ upn: "erik@contoso.example", name: "Erik Lindqvist" }] });
    relay = await Client.app(dv, "relay-app");
    seller = await Client.user(dv, "ana@contoso.example", "Ana Bowman");
    sellerId = (await seller.get("WhoAmI()")).body.UserId as string;
    relayId = (await relay.get("WhoAmI()")).body.UserId as string;
  });
  afterAll(() => dv.stop());

  it("writes as the user named by CallerObjectId, recording the caller as the delegate", async () => {
    const asSeller = relay.with({ CallerObjectId: dv.identity.objectIdFor("ana@contoso.example") });
    expect((await asSeller.get("WhoAmI()")).body.UserId).toBe(sellerId);
    const id = await asSeller.create("opportunities", { name: "Created for Ana" });
    const row = await seller.get(`opportunities(${id})?$select=_createdby_value,_createdonbehalfby_value,_ownerid_value,_modifiedby_value,_modifiedonbehalfby_value`);
    expect(row.body).toMatchObject({
      _createdby_value: sellerId,
      _createdonbehalfby_value: relayId,
      _ownerid_value: sellerId,
      _modifiedby_value: sellerId,
      _modifiedonbehalfby_value: relayId,
    });
  });

  it("writes as the user named by MSCRMCallerID", async () => {
    const id = await relay.create("accounts", { name: "Plain" });
    expect((await relay.patch(`accounts(${id})`, { name: "Changed for Ana" }, { MSCRMCallerID: sellerId })).status).toBe(204);
    expect((await seller.get(`accounts(${id})?$select=_modifiedby_value,_modifiedonbehalfby_value,_createdby_value`)).body).toMatchObject({
      _modifiedby_value: sellerId,
      _modifiedonbehalfby_value: relayId,
      _createdby_value: relayId,
    });
  });

  it("impersonates a provisioned user who has never signed in", async () => {
    const asErik = relay.with({ CallerObjectId: dv.identity.objectIdFor("erik@contoso.example") });
    const me = await asErik.get("WhoAmI()");
    expect((await relay.get(`systemusers(${me.body.UserId})?$select=fullname`)).body.fullname).toBe("Erik Lindqvist");
    const unknown = await relay.get("WhoAmI()", { CallerObjectId: "0b0b0b0b-0000-4000-8000-000000000000" });
    expect(unknown.status).toBe(404);
  });

  it("refuses impersonation to a caller without prvActOnBehalfOfAnotherUser", async () => {
    const answer = await seller.get("WhoAmI()", { MSCRMCallerID: relayId });
    expect(answer.status).toBe(403);
    expect((answer.body.error as Json).code).toBe("0x80040220");
    expect((answer.body.error as Json).message).toContain("is missing prvActOnBehalfOfAnotherUser privilege");
  });
});
