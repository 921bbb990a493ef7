import { relayTokenSource } from "../auth/tokenSource";
import { RelayClient } from "./relayClient";

const clients = new Map<string, RelayClient>();

/** One client (and so one token cache) per relay URL for the life of the page. */
export function relayClientFor(relayUrl: string): RelayClient {
  let client = clients.get(relayUrl);
  if (client === undefined) {
    client = new RelayClient({ relayUrl, token: relayTokenSource(relayUrl) });
    clients.set(relayUrl, client);
  }
  return client;
}
