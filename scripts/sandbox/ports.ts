/**
 * Port checks before anything starts, so a taken port is reported by name and with the way out,
 * instead of half a sandbox coming up and the rest failing with EADDRINUSE.
 */
import net from "node:net";
import { SERVICE_INFO, SERVICES, type Service } from "./options";

export const HOST = "127.0.0.1";

export class PortInUseError extends Error {
  override readonly name = "PortInUseError";
}

export async function assertPortsFree(ports: Record<Service, number>): Promise<void> {
  const problems: string[] = [];
  for (const service of SERVICES) {
    const port = ports[service];
    if (port === 0) continue;
    const error = await tryListen(port);
    if (error) problems.push(describeTakenPort(service, port, error));
  }
  if (problems.length > 0) throw new PortInUseError(problems.join("\n"));
}

export function describeTakenPort(service: Service, port: number, error: NodeJS.ErrnoException): string {
  const info = SERVICE_INFO[service];
  if (error.code === "EADDRINUSE") {
    return `Port ${port} (${info.title}) is already in use — is another sandbox running? Stop it, or pick another port with --${info.flag} <port> or ${info.env}.`;
  }
  if (error.code === "EACCES") return `Port ${port} (${info.title}) is not allowed for this user; pick another with --${info.flag} <port>.`;
  return `Port ${port} (${info.title}) cannot be opened: ${error.message}`;
}

function tryListen(port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ host: HOST, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** Runs a listen call and turns a taken port into the same message as the up-front check. */
export async function listenAs<T>(service: Service, port: number, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES") throw new PortInUseError(describeTakenPort(service, port, error as NodeJS.ErrnoException));
    throw error;
  }
}
