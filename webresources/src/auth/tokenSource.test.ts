import { EnvironmentVariables, OpportunityColumns, SolutionNames } from "@cosell/core";
import { FakeMsal } from "../../test/fakes/FakeMsal";
import { FakeRelay } from "../../test/fakes/FakeRelay";
import { provideWebResource } from "../../test/fakes/webResourceImport";
import { AUTH_REDIRECT_URI, SELLER_UPN, coSellOrg, ids } from "../../test/fixtures/coSellOrg";
import { openOpportunity } from "../../test/openForm";
import { shareWithMicrosoft } from "../Ribbon/ShareWithMicrosoft";

let relay: FakeRelay;
beforeEach(async () => {
  relay = await FakeRelay.start();
});
afterEach(async () => {
  await relay.stop();
});

async function sharedForm(languageId?: number, configure?: (org: ReturnType<typeof coSellOrg>) => void) {
  const org = coSellOrg({ environment: { [EnvironmentVariables.relayUrl.schemaName]: relay.url } });
  org.row("opportunity", ids.opportunity)![OpportunityColumns.syncWithPartnerCenter] = true;
  configure?.(org);
  const form = openOpportunity(org, { languageId });
  await form.loaded;
  return form;
}
const relayNotice = (form: Awaited<ReturnType<typeof sharedForm>>) => form.formNotifications().find((n) => n.uniqueId === "cosell.relay");

test("production: the relay's client-config selects MSAL, loaded from its web resource on first use", async () => {
  relay.clientConfig = {
    status: 200,
    body: {
      auth: {
        kind: "msal",
        clientId: "00000000-0000-0000-0000-0000000000c1",
        authority: "https://login.microsoftonline.com/contoso.example",
        scopes: ["api://cosell-relay/user_impersonation"],
      },
    },
  };
  const msal = new FakeMsal();
  msal.sso = [{ token: "entra-token" }];
  relay.acceptToken("entra-token", SELLER_UPN);
  provideWebResource(SolutionNames.msalLibrary, () => msal.module());

  const form = await sharedForm();
  await shareWithMicrosoft(form.formContext);

  expect(relay.apiRequests()[0].authorization).toBe("Bearer entra-token");
  expect(msal.calls).toEqual(["initialize", `sso ${SELLER_UPN}`]);
  // The registered redirect URI: the bridge page's plain URL on the Dynamics origin.
  expect(msal.configurations[0].auth.redirectUri).toBe(AUTH_REDIRECT_URI);
  expect(relayNotice(form)?.message).toMatch(/^Shared with Microsoft/);
});

test("a blocked sign-in popup is explained in the seller's language", async () => {
  relay.clientConfig = {
    status: 200,
    body: { auth: { kind: "msal", clientId: "c1", authority: "https://login.microsoftonline.com/common", scopes: ["api://relay/x"] } },
  };
  const msal = new FakeMsal();
  msal.sso = [{ error: "interaction_required" }];
  msal.popup = [{ error: "popup_window_error" }];
  provideWebResource(SolutionNames.msalLibrary, () => msal.module());

  const form = await sharedForm(1053);
  await shareWithMicrosoft(form.formContext);
  expect(relayNotice(form)?.message).toBe(
    "Inloggningen behöver ett popup-fönster som webbläsaren blockerade. Tillåt popup-fönster för den här webbplatsen och försök igen.",
  );
  expect(relay.apiRequests()).toEqual([]);
});

test("a client-config the form cannot use is reported as a sign-in problem", async () => {
  relay.clientConfig = { status: 200, body: { auth: { kind: "saml" } } };
  const form = await sharedForm();
  await shareWithMicrosoft(form.formContext);
  expect(relayNotice(form)?.message).toBe(
    'You could not be signed in to the co-sell relay (the relay\'s client-config names an unknown auth kind "saml").',
  );
});

test("sandbox: the token is minted for the user's sign-in name from their user record", async () => {
  const form = await sharedForm();
  await shareWithMicrosoft(form.formContext);
  const mint = relay.requests.find((r) => r.path === "/identity/token");
  expect(mint?.body).toEqual({ upn: SELLER_UPN });
});

test("a user record without a sign-in name cannot get a token", async () => {
  const form = await sharedForm(undefined, (org) => {
    org.row("systemuser", ids.seller)!.domainname = null;
  });
  await shareWithMicrosoft(form.formContext);
  expect(relayNotice(form)?.message).toBe("You could not be signed in to the co-sell relay (your user record has no sign-in name (domainname)).");
});
