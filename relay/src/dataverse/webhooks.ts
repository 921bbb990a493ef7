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
  message: "Create" | "Update" | "Delete";
  /** Logical name of the table, e.g. `opportunity`. */
  table: string;
  /** For Update: only changes to these columns notify. */
  filteringAttributes?: string[];
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
}

export async function registerWebhook(connection: DataverseConnection, registration: WebhookRegistration): Promise<WebhookRegistrationResult> {
  const url = new URL(registration.url);
  if (url.protocol !== "https:" && !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    throw new Error(`Webhook URL ${registration.url} must use https (Dataverse posts the shared secret to it).`);
  }
  if (!/^[A-Za-z0-9-]+$/.test(registration.secret.header)) throw new Error(`"${registration.secret.header}" is not a valid HTTP header name.`);
  if (!registration.secret.value) throw new Error("The webhook shared secret is empty.");

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
  for (const step of registration.steps) {
    stepIds.push(await registerStep(connection, registration.name, serviceEndpointId, step));
  }
  const previousUrl = existing?.url && existing.url !== registration.url ? existing.url : undefined;
  return { serviceEndpointId, stepIds, ...(previousUrl ? { previousUrl } : {}) };
}

async function registerStep(connection: DataverseConnection, prefix: string, serviceEndpointId: string, step: WebhookStep): Promise<string> {
  const message = await findByName<SdkMessage>(connection, "sdkmessage", "sdkmessageid,name", step.message);
  if (!message?.sdkmessageid) throw new Error(`Dataverse has no message named ${step.message}.`);
  const filters = await connection.client.retrieveMultiple<SdkMessageFilter>(
    query("$select=sdkmessagefilterid,primaryobjecttypecode", filter(`${equalsText("primaryobjecttypecode", step.table)} and _sdkmessageid_value eq ${message.sdkmessageid}`), "$top=1"),
    { logicalName: "sdkmessagefilter" },
  );
  const messageFilter = filters.entities[0];
  if (!messageFilter?.sdkmessagefilterid) throw new Error(`Dataverse cannot run ${step.message} steps on table ${step.table}.`);

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
    sdkmessageid: new EntityReference("sdkmessage", message.sdkmessageid),
    sdkmessagefilterid: new EntityReference("sdkmessagefilter", messageFilter.sdkmessagefilterid),
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
