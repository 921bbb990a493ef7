/**
 * PRODUCT.md §5: "Second start reuses the data; `npm start -- --reset` starts fresh." The sandbox
 * (`startSandbox`, the code behind `npm start`) on free ports with a throw-away data folder: what a
 * seller and Microsoft did before a stop is there after the next start, with the relay's own
 * records of it, and a reset start has only the sample data. No browser needed.
 */
import fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LeadColumns } from "@cosell/core";
import { managedZipPath } from "../../scripts/sandbox/build";
import { startSandbox, type Sandbox } from "../../scripts/sandbox/index";
import type { SandboxOptions } from "../../scripts/sandbox/options";
import { ENVIRONMENT_FILE, environmentDir, PARTNER_CENTER_FILE } from "../../scripts/sandbox/state";
import { SELLER } from "../../scripts/sandbox/users";

jest.setTimeout(600_000);

let dataDir: string;
let sandbox: Sandbox | undefined;
let log: string[] = [];

const start = async (reset = false): Promise<Sandbox> => {
  log = [];
  const options: SandboxOptions = {
    ports: { harness: 0, partnerCenter: 0, dataverse: 0, relay: 0, identity: 0 },
    dataDir,
    reset,
    // The packed solution is only the setting here: build it when it is missing, never rebuild.
    build: !fs.existsSync(managedZipPath()),
    relayLogLevel: "error",
    environment: "sandbox",
  };
  sandbox = await startSandbox(options, (line) => log.push(line));
  return sandbox;
};

const stop = async () => {
  await sandbox?.stop();
  sandbox = undefined;
};

async function eventually<T>(what: string, probe: () => T | undefined): Promise<T> {
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (!sandbox) throw new Error(`The sandbox stopped while waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function webApi(s: Sandbox, method: string, resource: string, body?: unknown): Promise<Response> {
  return fetch(`${s.dataverse.apiUrl}${resource}`, {
    method,
    headers: {
      Authorization: `Bearer ${await s.dataverse.tokenFor(SELLER)}`,
      Accept: "application/json",
      "OData-MaxVersion": "4.0",
      "OData-Version": "4.0",
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const leadFor = (s: Sandbox, referralId: string) =>
  [...s.dataverse.emulator.environment.store.rows("lead").values()].find((row) => row[LeadColumns.referralId] === referralId);

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "cosell-sandbox-data-"));
});

afterAll(async () => {
  await stop();
  await rm(dataDir, { recursive: true, force: true });
});

test("a second start continues from the first; --reset starts again from the sample data", async () => {
  // First start: the sample data, then a seller's new deal and a referral Microsoft sends.
  let s = await start();
  expect(s.startedFrom).toBe("sample data");
  expect(log).toContain("Fresh sandbox environment and Partner Center with sample data.");
  const sample = s.dataverse.sample;
  const created = await webApi(s, "POST", "opportunities", { name: "Tailspin data estate", estimatedvalue: 90000 });
  expect(created.status).toBe(204);
  const opportunityId = /\(([0-9a-f-]{36})\)$/.exec(created.headers.get("OData-EntityId") ?? "")![1];
  const referralId = String(s.partnerCenter.microsoft.createIncomingReferral({ referral: { name: "Tailspin: Azure landing zone" } }).id);
  const lead = await eventually("the relay to turn the referral into a lead", () => leadFor(s, referralId));
  const opportunityBefore = (await (await webApi(s, "GET", `opportunities(${opportunityId})?$select=name,estimatedvalue`)).json()) as Record<string, unknown>;
  const referralBefore = s.partnerCenter.referrals.get(referralId)!;
  const sellerId = s.dataverse.userIds.get(SELLER.upn);
  await stop();
  expect(fs.existsSync(path.join(dataDir, PARTNER_CENTER_FILE))).toBe(true);
  expect(fs.existsSync(path.join(environmentDir(dataDir, "sandbox"), ENVIRONMENT_FILE))).toBe(true);

  // Second start: the same rows, row versions, referral and eTag, and the relay still knows the link.
  s = await start();
  expect(s.startedFrom).toBe("saved data");
  expect(log.some((line) => /^Restored the sandbox environment \(6 opportunities\) and Partner Center \(1 referral\) from .+\.$/.test(line))).toBe(true);
  expect(s.dataverse.sample).toEqual(sample);
  expect(s.dataverse.userIds.get(SELLER.upn)).toBe(sellerId);
  const opportunityAfter = await webApi(s, "GET", `opportunities(${opportunityId})?$select=name,estimatedvalue`);
  expect(opportunityAfter.status).toBe(200);
  expect(await opportunityAfter.json()).toEqual({ ...opportunityBefore, "@odata.context": expect.any(String) });
  expect(s.partnerCenter.referrals.get(referralId)).toMatchObject({ id: referralId, eTag: referralBefore.eTag, name: "Tailspin: Azure landing zone" });
  expect(leadFor(s, referralId)).toMatchObject({ leadid: lead.leadid });
  expect(await s.relay.relay.state.linkByReferral(referralId)).toMatchObject({ crmId: lead.leadid });
  // Both restored emulators send their webhooks to this run's relay (on another port than the last).
  const endpoints = [...s.dataverse.emulator.environment.store.rows("serviceendpoint").values()].map((row) => String(row.url));
  expect(endpoints).toEqual([expect.stringMatching(new RegExp(`^${s.urls.relay}/`))]);
  expect(s.partnerCenter.registration()?.webhookUrl).toMatch(new RegExp(`^${s.urls.relay}/`));
  await stop();

  // --reset: only the sample data again.
  s = await start(true);
  expect(s.startedFrom).toBe("sample data");
  expect(log).toContain("Fresh sandbox environment and Partner Center with sample data.");
  expect((await webApi(s, "GET", `opportunities(${opportunityId})?$select=name`)).status).toBe(404);
  expect(s.partnerCenter.referrals.list()).toEqual([]);
  expect(s.dataverse.emulator.environment.store.count("opportunity")).toBe(5);
  expect(await s.relay.relay.state.linkByReferral(referralId)).toBeUndefined();
});
