/**
 * Serves one page per PCF control from 127.0.0.1: the platform libraries pcf-start ships (React
 * 16.14 as `Reactv16`/`ReactDOMv16`, Fluent 8.121.1 as `FluentUIReactv81211`), the form host
 * (host.js), and the control's built bundle and resx. `/api/data/v9.2/` is forwarded to the
 * Dataverse emulator as the signed-in seller, as a model-driven app's own origin would answer it.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "../../..");
export const CONTROLS_DIR = path.join(REPO, "pcf", "out", "controls");
const PCF_START_LIB = path.dirname(require.resolve("pcf-start/lib/react_16_14_0.js", { paths: [path.join(REPO, "pcf")] }));

const platformLibraries: Record<string, string> = {
  "/lib/react.js": path.join(PCF_START_LIB, "react_16_14_0.js"),
  "/lib/fluent.js": path.join(PCF_START_LIB, "fluent_8_121_1.js"),
  "/host.js": path.join(__dirname, "host.js"),
};

const contentTypes: Record<string, string> = { ".js": "text/javascript; charset=utf-8", ".resx": "application/xml; charset=utf-8", ".xml": "application/xml; charset=utf-8" };

function page(control: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${control}</title>
<style>
  body { font-family: "Segoe UI", "Segoe UI Web (West European)", -apple-system, sans-serif; margin: 24px; background: #faf9f8; }
  main { width: 640px; background: #fff; border: 1px solid #edebe9; border-radius: 4px; padding: 16px; }
</style>
</head>
<body>
<main><h1 style="font-size:14px;font-weight:600;margin:0 0 12px">Microsoft Partner Center</h1><div id="control"></div></main>
<script src="/lib/react.js"></script>
<script>window.React = window.Reactv16; window.ReactDOM = window.ReactDOMv16;</script>
<script src="/lib/fluent.js"></script>
<script src="/host.js"></script>
<script src="/controls/${control}/bundle.js"></script>
</body>
</html>`;
}

export interface PcfHostServer {
  url: string;
  close(): Promise<void>;
}

export async function startPcfHost(dataverse: { apiUrl: string; token: string }): Promise<PcfHostServer> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const fail = (status: number, message: string) => response.writeHead(status, { "Content-Type": "text/plain" }).end(message);

    if (url.pathname.startsWith("/api/data/v9.2/")) {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const headers = Object.fromEntries(
          Object.entries(request.headers).filter(([name]) => !["host", "connection", "content-length", "cookie"].includes(name)),
        ) as Record<string, string>;
        fetch(dataverse.apiUrl + url.pathname.slice("/api/data/v9.2/".length) + url.search, {
          method: request.method,
          headers: { ...headers, Authorization: `Bearer ${dataverse.token}` },
          body: chunks.length ? Buffer.concat(chunks) : undefined,
        })
          .then(async (answer) => {
            const forwarded: Record<string, string> = {};
            for (const name of ["content-type", "odata-version", "odata-entityid", "preference-applied"]) {
              const value = answer.headers.get(name);
              if (value) forwarded[name] = value;
            }
            response.writeHead(answer.status, forwarded).end(Buffer.from(await answer.arrayBuffer()));
          })
          .catch((error: Error) => fail(502, error.message));
      });
      return;
    }

    if (url.pathname === "/") {
      const control = url.searchParams.get("control") ?? "";
      if (!/^\w+$/.test(control) || !fs.existsSync(path.join(CONTROLS_DIR, control, "bundle.js"))) return fail(404, `No built control ${control}`);
      return response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page(control));
    }

    let file: string | undefined = platformLibraries[url.pathname];
    if (!file && url.pathname.startsWith("/controls/")) {
      const candidate = path.resolve(CONTROLS_DIR, `.${decodeURIComponent(url.pathname.slice("/controls".length))}`);
      if (candidate.startsWith(CONTROLS_DIR + path.sep)) file = candidate;
    }
    if (!file || !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return fail(404, "Not found");
    response.writeHead(200, { "Content-Type": contentTypes[path.extname(file)] ?? "application/octet-stream" }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
