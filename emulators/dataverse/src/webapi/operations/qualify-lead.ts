/**
 * leads(<id>)/Microsoft.Dynamics.CRM.QualifyLead: creates the account, contact and opportunity
 * asked for (values copied through the lead's attribute maps, including maps a solution adds),
 * links them to the lead and closes the lead as Qualified with the given status reason.
 */
import { badRequest, DataverseError, ErrorCodes, notFoundRecord } from "../../errors";
import { isGuid, normalizeGuid } from "../../ids";
import type { EntityRecord, EntityReference } from "../../data/store";
import type { DataverseEnvironment } from "../../environment";
import { jsonResponse } from "../context";
import { requireParameter, type Operation } from "./operation";

const QUALIFIED = 1;
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";

/** An entity-typed action parameter: `{"@odata.type":"Microsoft.Dynamics.CRM.account","accountid":"…"}`. */
function entityParameter(env: DataverseEnvironment, value: unknown, name: string): EntityReference | undefined {
  if (value === undefined || value === null) return undefined;
  const object = value as Record<string, unknown>;
  const type = typeof object["@odata.type"] === "string" ? (object["@odata.type"] as string).replace(/^#?Microsoft\.Dynamics\.CRM\./, "") : undefined;
  const entity = type ? env.catalog.entity(type) : undefined;
  const id = entity ? object[entity.primaryIdAttribute] : undefined;
  if (!entity || !isGuid(id)) {
    throw badRequest(`Parameter '${name}' must be an entity with '@odata.type' and its primary id.`, ErrorCodes.InvalidArgument);
  }
  const reference = { logicalName: entity.logicalName, id: normalizeGuid(id as string) };
  if (!env.get(reference.logicalName, reference.id)) throw notFoundRecord(reference.logicalName, reference.id);
  return reference;
}

function mapped(env: DataverseEnvironment, lead: EntityRecord, target: string): EntityRecord {
  const entity = env.entity(target);
  const values: EntityRecord = {};
  for (const map of env.catalog.attributeMaps("lead", target)) {
    const value = lead[map.source];
    if (value !== undefined && value !== null && entity.attributes.get(map.target)?.validForCreate) values[map.target] = value;
  }
  return values;
}

export const qualifyLead: Operation = {
  name: "QualifyLead",
  kind: "action",
  boundTo: "lead",
  invoke: ({ env, context, parameters, boundId }) => {
    const leadId = boundId!;
    const createAccount = requireParameter(parameters, "CreateAccount", "QualifyLead", isBoolean);
    const createContact = requireParameter(parameters, "CreateContact", "QualifyLead", isBoolean);
    const createOpportunity = requireParameter(parameters, "CreateOpportunity", "QualifyLead", isBoolean);
    const status = requireParameter(parameters, "Status", "QualifyLead", (v): v is number => typeof v === "number" && Number.isInteger(v));
    const currency = entityParameter(env, parameters.OpportunityCurrencyId, "OpportunityCurrencyId");
    const customer = entityParameter(env, parameters.OpportunityCustomerId, "OpportunityCustomerId");
    const lead = env.require("lead", leadId);
    if (lead.statecode !== 0) {
      throw new DataverseError(400, ErrorCodes.InvalidStateTransition, "The lead is closed. You cannot convert or qualify a lead that is closed.");
    }
    const statuses = env.entity("lead").attributes.get("statuscode")!.options ?? [];
    if (!statuses.some((o) => o.value === status && o.state === QUALIFIED)) {
      throw new DataverseError(400, ErrorCodes.InvalidStateTransition, `${status} is not a valid status code for state code LeadState.Qualified on lead with Id ${leadId}.`);
    }
    const options = { correlationId: context.correlationId };
    const origin: EntityReference = { logicalName: "lead", id: leadId };
    const created: EntityReference[] = [];
    env.store.transaction(() => {
      let account: EntityReference | undefined;
      let contact: EntityReference | undefined;
      if (createAccount && typeof lead.companyname === "string" && lead.companyname !== "") {
        const id = env.create("account", { ...mapped(env, lead, "account"), originatingleadid: origin }, context.actor, options);
        account = { logicalName: "account", id };
        created.push(account);
      }
      if (createContact && (lead.firstname || lead.lastname)) {
        const values: EntityRecord = { ...mapped(env, lead, "contact"), originatingleadid: origin };
        if (account) values.parentcustomerid = account;
        contact = { logicalName: "contact", id: env.create("contact", values, context.actor, options) };
        created.push(contact);
      }
      let opportunity: EntityReference | undefined;
      if (createOpportunity) {
        const values: EntityRecord = { ...mapped(env, lead, "opportunity"), originatingleadid: origin };
        const opportunityCustomer = customer ?? account ?? contact;
        if (opportunityCustomer) values.customerid = opportunityCustomer;
        const parentAccount = customer?.logicalName === "account" ? customer : account;
        if (parentAccount) values.parentaccountid = parentAccount;
        if (contact) values.parentcontactid = contact;
        if (currency) values.transactioncurrencyid = currency;
        opportunity = { logicalName: "opportunity", id: env.create("opportunity", values, context.actor, options) };
        created.push(opportunity);
      }
      const leadChanges: EntityRecord = { statecode: QUALIFIED, statuscode: status };
      if (account) leadChanges.parentaccountid = account;
      if (contact) leadChanges.parentcontactid = contact;
      if (opportunity) leadChanges.qualifyingopportunityid = opportunity;
      env.update("lead", leadId, leadChanges, context.actor, { ...options, internalStateChange: true });
      env.emitMessage("QualifyLead", "lead", leadId, leadChanges, context.actor, options);
    });
    return jsonResponse(200, {
      "@odata.context": `${context.serviceRoot}$metadata#Collection(Microsoft.Dynamics.CRM.crmbaseentity)`,
      value: created.map((ref) => ({
        "@odata.type": `#Microsoft.Dynamics.CRM.${ref.logicalName}`,
        [env.entity(ref.logicalName).primaryIdAttribute]: ref.id,
      })),
    });
  },
};
