import net from "node:net";
import type { AddressInfo } from "node:net";
import { assertPortsFree, PortInUseError } from "./ports";

test("a taken port is reported by service, with the flag that moves it", async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const check = assertPortsFree({ harness: 0, partnerCenter: port, dataverse: 0, relay: 0, identity: 0 });
    await expect(check).rejects.toBeInstanceOf(PortInUseError);
    await expect(check).rejects.toThrow(
      `Port ${port} (Partner Center emulator) is already in use — is another sandbox running? Stop it, or pick another port with --partner-center-port <port> or COSELL_SANDBOX_PARTNER_CENTER_PORT.`,
    );
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("a port that was just released counts as free", async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  await expect(assertPortsFree({ harness: port, partnerCenter: 0, dataverse: 0, relay: 0, identity: 0 })).resolves.toBeUndefined();
});
