import { parseClientAuthConfig, type ClientAuthConfig } from "../relay/contract";
import { errorText } from "../errorText";
import { RelayUnreachableError } from "../relay/relayClient";

/** `GET {relayUrl}/api/v1/client-config` (no auth): tells the page how to get a token for the relay. */
export async function fetchClientAuthConfig(relayBaseUrl: string): Promise<ClientAuthConfig> {
  let response: Response;
  try {
    response = await fetch(`${relayBaseUrl}/api/v1/client-config`, { headers: { Accept: "application/json" } });
  } catch (e) {
    throw new RelayUnreachableError(errorText(e));
  }
  if (!response.ok) {
    throw new Error(`the relay answered HTTP ${response.status} to /api/v1/client-config`);
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new Error("the relay's /api/v1/client-config did not return JSON");
  }
  return parseClientAuthConfig(json);
}
