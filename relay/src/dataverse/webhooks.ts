/**
 * Registers the relay as a Dataverse webhook: a service endpoint (contract Webhook, a shared secret in
 * an HTTP header) and one asynchronous post-operation step per message and table. Registration goes
 * through the Web API after the solution is imported (dataverse-pcf.md §2.11) and is idempotent:
 * running it again updates the endpoint and steps it created before, found by name.
 */
import { EntityReference } from "dataverse-ify";
import type { DataverseConnection } from "./connection";
import {
  serviceendpoint_serviceendpoint_authtype as AuthType,
  serviceendpoint_serviceendpoint_contract as Contract,
  serviceendpoint_serviceendpoint_messageformat as MessageFormat,
  serviceendpoint_serviceendpoint_userclaim as UserClaim,
  sdkmessageprocessingstep_sdkmessageprocessingstep_mode as StepMode,
  sdkmessageprocessingstep_sdkmessageprocessingstep_stage as StepStage,
  sdkmessageprocessingstep_sdkmessageprocessingstep_supporteddeployment as StepDeployment,
  type SdkMessage,
  type SdkMessageFilter,
  type SdkMessageProcessingStep,
  type ServiceEndpoint,
} from "./entities";
import { equalsText, filter, query } from "./query";

export interface WebhookStep {
  /** The SDK message; Win and Lose are the opportunity close messages (WinOpportunity, LoseOpportunity). */
  message: "Create" | "Update" | "Delete" | "Win" | "Lose";
  /** Logical name of the table, e.g. `opportunity`. */
  table: string;
  /** For Update: only changes to these columns notify. */
  filteringAttributes?: string[];
  /** Left out, and reported in `skipped`, when the environment offers no such step on the table. */
  optional?: boolean;
}

export interface WebhookRegistration {
  /** Service endpoint name; also prefixes the step names. */
  name: string;
  url: string;
  /** Shared secret the platform sends on every notification, in this header. */
  secret: { header: string; value: string };
  steps: WebhookStep[];
}

export interface WebhookRegistrationResult {
  serviceEndpointId: string;
  stepIds: string[];
  /** The URL the endpoint pointed at before, when registration moved it somewhere else. */
  previousUrl?: string;
  /** Optional steps the environment cannot run, with the reason. */
  skipped?: { step: WebhookStep; reason: string }[];
}

/** A webhook service endpoint as it is registered, with the steps that post to it. */
export interface RegisteredWebhook {
  serviceEndpointId: string;
  name: string;
  url: string;
  /** True when the shared secret travels in an HTTP header (the relay's scheme). */
  headerAuthentication: boolean;
  steps: RegisteredStep[];
}

export interface RegisteredStep {
  name: string;
  message: string;
  /** Undefined for a step on every table. */
  table?: string;
  /** Undefined: every change notifies. */
  filteringAttributes?: string[];
  enabled: boolean;
}

/** Dataverse offers no step for this message on this table (no SDK message or message filter). */
export class UnsupportedStepError extends Error {
  constructor(readonly step: WebhookStep, reason: string) {
    super(reason);
    this.name = "UnsupportedStepError";
  }
}

/** The registration asked for cannot work (not https, a bad header name, no secret); nothing was written. */
export class InvalidWebhookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidWebhookError";
  }
}

export async function registerWebhook(connection: DataverseConnection, registration: WebhookRegistration): Promise<WebhookRegistrationResult> {
  const url = new URL(registration.url);
  if (url.protocol !== "https:" && !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    throw new InvalidWebhookError(`Webhook URL ${registration.url} must use https (Dataverse posts the shared secret to it).`);
  }
  if (!/^[A-Za-z0-9-]+$/.test(registration.secret.header)) throw new InvalidWebhookError(`"${registration.secret.header}" is not a valid HTTP header name.`);
  if (!registration.secret.value) throw new InvalidWebhookError("The webhook shared secret is empty.");

  const client = connection.client;
  const existing = await findByName<ServiceEndpoint>(connection, "serviceendpoint", "serviceendpointid,name,url", registration.name);
  const endpoint: ServiceEndpoint = {
    logicalName: "serviceendpoint",
    name: registration.name,
    url: registration.url,
    contract: Contract.Webhook,
    authtype: AuthType.HttpHeader,
    authvalue: headerSettings(registration.secret.header, registration.secret.value),
    messageformat: MessageFormat.Json,
    userclaim: UserClaim.None,
  };
  let serviceEndpointId: string;
  if (existing?.serviceendpointid) {
    serviceEndpointId = existing.serviceendpointid;
    await client.update({ ...endpoint, serviceendpointid: serviceEndpointId });
  } else {
    serviceEndpointId = await client.create(endpoint);
  }

  const stepIds: string[] = [];
  const skipped: { step: WebhookStep; reason: string }[] = [];
  for (const step of registration.steps) {
    try {
      stepIds.push(await registerStep(connection, registration.name, serviceEndpointId, step));
    } catch (error) {
      if (!(step.optional && error instanceof UnsupportedStepError)) throw error;
      skipped.push({ step, reason: error.message });
    }
  }
  const previousUrl = existing?.url && existing.url !== registration.url ? existing.url : undefined;
  return { serviceEndpointId, stepIds, ...(previousUrl ? { previousUrl } : {}), ...(skipped.length ? { skipped } : {}) };
}

/** Every webhook service endpoint of the environment, with its steps. */
export async function listWebhooks(connection: DataverseConnection): Promise<RegisteredWebhook[]> {
  const webApi = connection.webApi;
  const endpoints = (await webApi.retrieveMultipleRecords("serviceendpoint", query("$select=serviceendpointid,name,url,authtype", filter(`contract eq ${Contract.Webhook}`)))).entities;
  // A handful of messages and filters serve every step: read each once.
  const names = new Map<string, Promise<Record<string, unknown>>>();
  const read = (table: string, id: string, select: string) => {
    if (!names.has(id)) names.set(id, webApi.retrieveRecord(table, id, `?$select=${select}`));
    return names.get(id)!;
  };
  const webhooks: RegisteredWebhook[] = [];
  for (const endpoint of endpoints) {
    const id = String(endpoint.serviceendpointid);
    const rows = (
      await webApi.retrieveMultipleRecords(
        "sdkmessageprocessingstep",
        query("$select=name,filteringattributes,statecode,_sdkmessageid_value,_sdkmessagefilterid_value", filter(`_eventhandler_value eq ${id}`)),
      )
    ).entities;
    const steps: RegisteredStep[] = [];
    for (const row of rows) {
      const messageId = row._sdkmessageid_value;
      const filterId = row._sdkmessagefilterid_value;
      const message = typeof messageId === "string" ? await read("sdkmessage", messageId, "name") : undefined;
      const messageFilter = typeof filterId === "string" ? await read("sdkmessagefilter", filterId, "primaryobjecttypecode") : undefined;
      const attributes = typeof row.filteringattributes === "string" ? row.filteringattributes.split(",").map((a) => a.trim().toLowerCase()).filter(Boolean) : [];
      steps.push({
        name: String(row.name ?? ""),
        message: String(message?.name ?? ""),
        ...(typeof messageFilter?.primaryobjecttypecode === "string" && messageFilter.primaryobjecttypecode !== "none" ? { table: messageFilter.primaryobjecttypecode } : {}),
        ...(attributes.length ? { filteringAttributes: attributes } : {}),
        enabled: row.statecode === 0,
      });
    }
    webhooks.push({ serviceEndpointId: id, name: String(endpoint.name ?? ""), url: String(endpoint.url ?? ""), headerAuthentication: endpoint.authtype === AuthType.HttpHeader, steps });
  }
  return webhooks;
}

/** Whether the environment can run the step: it has the message, and a message filter for the table. */
export async function supportsStep(connection: DataverseConnection, step: WebhookStep): Promise<boolean> {
  try {
    await messageAndFilter(connection, step);
    return true;
  } catch (error) {
    if (error instanceof UnsupportedStepError) return false;
    throw error;
  }
}

async function messageAndFilter(connection: DataverseConnection, step: WebhookStep): Promise<{ messageId: string; filterId: string }> {
  const message = await findByName<SdkMessage>(connection, "sdkmessage", "sdkmessageid,name", step.message);
  if (!message?.sdkmessageid) throw new UnsupportedStepError(step, `Dataverse has no message named ${step.message}.`);
  const filters = await connection.client.retrieveMultiple<SdkMessageFilter>(
    query("$select=sdkmessagefilterid,primaryobjecttypecode", filter(`${equalsText("primaryobjecttypecode", step.table)} and _sdkmessageid_value eq ${message.sdkmessageid}`), "$top=1"),
    { logicalName: "sdkmessagefilter" },
  );
  const messageFilter = filters.entities[0];
  if (!messageFilter?.sdkmessagefilterid) throw new UnsupportedStepError(step, `Dataverse cannot run ${step.message} steps on table ${step.table}.`);
  return { messageId: message.sdkmessageid, filterId: messageFilter.sdkmessagefilterid };
}

async function registerStep(connection: DataverseConnection, prefix: string, serviceEndpointId: string, step: WebhookStep): Promise<string> {
  const { messageId, filterId } = await messageAndFilter(connection, step);
  const name = `${prefix}: ${step.message} of ${step.table}`;
  const row: SdkMessageProcessingStep = {
    logicalName: "sdkmessageprocessingstep",
    name,
    stage: StepStage.PostOperation,
    mode: StepMode.Asynchronous,
    rank: 1,
    supporteddeployment: StepDeployment.ServerOnly,
    asyncautodelete: false,
    filteringattributes: step.message === "Update" && step.filteringAttributes?.length ? step.filteringAttributes.join(",") : null,
    sdkmessageid: new EntityReference("sdkmessage", messageId),
    sdkmessagefilterid: new EntityReference("sdkmessagefilter", filterId),
    eventhandler: new EntityReference("serviceendpoint", serviceEndpointId),
  };
  const existing = await findByName<SdkMessageProcessingStep>(connection, "sdkmessageprocessingstep", "sdkmessageprocessingstepid,name", name);
  if (existing?.sdkmessageprocessingstepid) {
    await connection.client.update({ ...row, sdkmessageprocessingstepid: existing.sdkmessageprocessingstepid });
    return existing.sdkmessageprocessingstepid;
  }
  return connection.client.create(row);
}

async function findByName<T extends { logicalName: string }>(connection: DataverseConnection, logicalName: string, columns: string, name: string): Promise<T | undefined> {
  const result = await connection.client.retrieveMultiple<T & { [key: string]: unknown }>(query(`$select=${columns}`, filter(equalsText("name", name)), "$top=1"), { logicalName });
  return result.entities[0];
}

/** The HttpHeader auth value: `<settings><setting name="…" value="…" /></settings>`. */
function headerSettings(header: string, value: string): string {
  const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<settings><setting name="${escape(header)}" value="${escape(value)}" /></settings>`;
}
