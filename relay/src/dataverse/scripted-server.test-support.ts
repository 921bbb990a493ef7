/**
 * A loopback HTTP server for the access layer's unit tests: it records every request and answers
 * from a script, so a test can stage throttling, outages and odd responses the emulator never gives.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Drop the connection instead of answering. */
  hangUp?: boolean;
}

export interface ScriptedServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Answers each request with the next scripted response (the last one repeats). */
export async function startScriptedServer(script: ScriptedResponse[] | ((request: RecordedRequest) => ScriptedResponse)): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(recorded);
      const next = typeof script === "function" ? script(recorded) : script[Math.min(requests.length - 1, script.length - 1)];
      if (next.hangUp) {
        req.socket.destroy();
        return;
      }
      res.writeHead(next.status, { "content-type": "application/json; odata.metadata=minimal", ...next.headers });
      res.end(next.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
