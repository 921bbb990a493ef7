import { FakeMsal } from "../../test/fakes/FakeMsal";
import { AUTH_REDIRECT_URI } from "../../test/fixtures/coSellOrg";
import { msalTokenSource } from "./msalToken";

const UPN = "alex.seller@contoso.example";

function source(msal: FakeMsal) {
  let loads = 0;
  const tokens = msalTokenSource({
    clientId: "00000000-0000-0000-0000-0000000000c1",
    authority: "https://login.microsoftonline.com/contoso.example",
    scopes: ["api://cosell-relay/user_impersonation"],
    redirectUri: AUTH_REDIRECT_URI,
    signInName: async () => UPN,
    load: async () => {
      loads++;
      return msal.module();
    },
  });
  return { tokens, loads: () => loads };
}

test("uses the account MSAL already has for the Dynamics user, silently", async () => {
  const msal = new FakeMsal();
  msal.accounts = [msal.account("someone.else@contoso.example"), msal.account("Alex.Seller@contoso.example")];
  msal.silent = [{ token: "t1" }, { token: "t2" }];
  const { tokens, loads } = source(msal);

  expect(await tokens(false)).toBe("t1");
  expect(await tokens(true)).toBe("t2");
  expect(msal.calls).toEqual(["initialize", "silent Alex.Seller@contoso.example force=false", "silent Alex.Seller@contoso.example force=true"]);
  expect(loads()).toBe(1);
  expect(msal.configurations).toEqual([
    {
      auth: {
        clientId: "00000000-0000-0000-0000-0000000000c1",
        authority: "https://login.microsoftonline.com/contoso.example",
        redirectUri: AUTH_REDIRECT_URI,
      },
      cache: { cacheLocation: "sessionStorage" },
    },
  ]);
});

test("without a cached account, signs in silently with the user's sign-in name as hint", async () => {
  const msal = new FakeMsal();
  msal.sso = [{ token: "sso-token" }];
  expect(await source(msal).tokens(false)).toBe("sso-token");
  expect(msal.calls).toEqual(["initialize", `sso ${UPN}`]);
});

test("falls back to a popup only when Entra ID requires interaction", async () => {
  const msal = new FakeMsal();
  msal.sso = [{ error: "login_required" }];
  msal.popup = [{ token: "popup-token" }];
  expect(await source(msal).tokens(false)).toBe("popup-token");
  expect(msal.calls).toEqual(["initialize", `sso ${UPN}`, `popup ${UPN}`]);
});

test("any other failure is reported, without a popup", async () => {
  const msal = new FakeMsal();
  msal.sso = [{ error: "network_error" }];
  await expect(source(msal).tokens(false)).rejects.toMatchObject({ errorCode: "network_error" });
  expect(msal.calls).not.toContain(`popup ${UPN}`);
});

test("a failed start is retried on the next request", async () => {
  const msal = new FakeMsal();
  msal.sso = [{ token: "t" }];
  let attempts = 0;
  const tokens = msalTokenSource({
    clientId: "c",
    authority: "https://login.microsoftonline.com/common",
    scopes: ["api://relay/.default"],
    redirectUri: AUTH_REDIRECT_URI,
    signInName: async () => UPN,
    load: async () => {
      if (attempts++ === 0) throw new TypeError("Failed to fetch dynamically imported module");
      return msal.module();
    },
  });
  await expect(tokens(false)).rejects.toThrow("Failed to fetch");
  expect(await tokens(false)).toBe("t");
});
