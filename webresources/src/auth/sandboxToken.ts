import { errorText } from "../errorText";
import type { TokenSource } from "../relay/relayClient";

/**
 * The local sandbox has no Entra ID: its identity emulator mints a user token for a sign-in name
 * (`POST tokenUrl {"upn"}` → `{"access_token"}`).
 */
export function sandboxTokenSource(tokenUrl: string, signInName: () => Promise<string>): TokenSource {
  let cached: Promise<string> | undefined;
  return (forceRefresh) => {
    if (forceRefresh || cached === undefined) {
      cached = mint(tokenUrl, signInName).catch((e: unknown) => {
        cached = undefined;
        throw e;
      });
    }
    return cached;
  };
}

async function mint(tokenUrl: string, signInName: () => Promise<string>): Promise<string> {
  const upn = await signInName();
  let response: Response;
  try {
    response = await fetch(tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ upn }),
    });
  } catch (e) {
    throw new Error(`the sandbox identity service at ${tokenUrl} could not be reached (${errorText(e)})`);
  }
  const body = (await response.json().catch(() => undefined)) as { access_token?: unknown } | undefined;
  if (!response.ok || typeof body?.access_token !== "string") {
    throw new Error(`the sandbox identity service answered HTTP ${response.status} without a token`);
  }
  return body.access_token;
}
