/**
 * Business rules a create, PATCH or PUT must satisfy (partner-center-api.md §2.2, §5, §7.5, §7.8,
 * §7.9). On create every rule runs; on an update only the rules whose fields changed run, so an
 * incoming referral that Microsoft sent without a team or a solution can still be accepted.
 */
import countries from "i18n-iso-countries";
import currencies from "currency-codes";
import { ApiError, invalidRequest } from "../errors";
import { isObject, type Json, type JsonObject } from "./normalize";
import type { ReferralStatus, ReferralSubstatus } from "./schema";

/** §2.2: which substatus each status allows, and where each status may move. */
export const substatusesByStatus: Record<string, readonly ReferralSubstatus[]> = {
  New: ["Pending", "Received"],
  Active: ["Accepted"],
  Closed: ["Won", "Lost", "Declined", "Expired"],
};
export const nextStatuses: Record<string, readonly ReferralStatus[]> = {
  New: ["New", "Active", "Closed"],
  Active: ["Active", "Closed"],
  Closed: ["Closed"],
};

export interface RuleInput {
  /** Absent on create. */
  before?: JsonObject;
  after: JsonObject;
  /** JSON pointers whose values differ between before and after (ignored on create). */
  changed: readonly string[];
}

export function checkReferral({ before, after, changed }: RuleInput): void {
  const creating = before === undefined;
  const touched = (scope: string) => creating || changed.some((p) => p === scope || p.startsWith(`${scope}/`) || scope.startsWith(`${p}/`));

  if (before) checkLifecycle(before, after);

  for (const field of ["type", "customerProfile", "consent", "details"]) {
    if (touched(`/${field}`) && (after[field] === null || after[field] === undefined)) {
      throw invalidRequest(`'${field}' is required.`, field);
    }
  }
  // §5: a deal needs a name when it is created. The legacy PUT sample replaces a referral without one, so
  // an update may leave it out, but may not blank it.
  if ((creating || (touched("/name") && after.name !== undefined)) && !nonEmpty(after.name)) {
    throw invalidRequest("'name' is required: give the deal a name.", "name");
  }

  const country = get(after, "customerProfile", "address", "country");
  if (touched("/customerProfile/address/country") && !(typeof country === "string" && /^[A-Z]{2}$/.test(country) && countries.isValid(country))) {
    throw invalidRequest(
      `'customerProfile.address.country' must be an ISO 3166-1 alpha-2 country code such as US or DE; got ${JSON.stringify(country ?? null)}.`,
      "customerProfile.address.country",
    );
  }
  const currency = get(after, "details", "currency");
  if (touched("/details/currency") && !(typeof currency === "string" && /^[A-Z]{3}$/.test(currency) && currencies.code(currency))) {
    throw invalidRequest(`'details.currency' must be an ISO 4217 currency code such as USD or EUR; got ${JSON.stringify(currency ?? null)}.`, "details.currency");
  }
  const dealValue = get(after, "details", "dealValue");
  if (touched("/details/dealValue") && typeof dealValue === "number" && dealValue < 0) {
    throw invalidRequest(`'details.dealValue' cannot be negative; got ${dealValue}.`, "details.dealValue");
  }
  if (touched("/team")) checkMembers(after.team, "team", { min: 1, phone: true, what: "at least one member of your company's team with a first name, last name, email and phone number" });
  if (touched("/customerProfile/team")) checkMembers(get(after, "customerProfile", "team"), "customerProfile.team", { min: 0, phone: false, what: "customer contacts with a first name, last name and email" });
  if (touched("/details/requirements/solutions")) checkSolutions(get(after, "details", "requirements", "solutions"));

  if (after.type === "Shared" && (touched("/type") || touched("/consent/consentToShareReferralWithMicrosoftSellers") || touched("/customerProfile/team"))) {
    // §7.8 (inferred there): co-sell means inviting Microsoft, which needs visibility and a customer contact.
    if (get(after, "consent", "consentToShareReferralWithMicrosoftSellers") !== true) {
      throw invalidRequest(
        "A Shared (co-sell) referral must set 'consent.consentToShareReferralWithMicrosoftSellers' to true: Microsoft sellers cannot help on a deal they cannot see.",
        "consent.consentToShareReferralWithMicrosoftSellers",
      );
    }
    const contacts = get(after, "customerProfile", "team");
    if (!Array.isArray(contacts) || contacts.length === 0) {
      throw invalidRequest("A Shared (co-sell) referral needs at least one customer contact in 'customerProfile.team'.", "customerProfile.team");
    }
  }
}

function checkLifecycle(before: JsonObject, after: JsonObject): void {
  if (before.status === "Closed") {
    // §7.5 leaves 400 or 409 open; 409 tells the client the request was fine but the referral is final.
    throw new ApiError(409, "invalidRequest", `The referral is Closed (${String(before.substatus)}); a closed referral cannot be updated.`, "status");
  }
  const status = String(after.status);
  const substatus = String(after.substatus);
  const allowed = substatusesByStatus[status];
  if (!allowed) throw invalidRequest(`'status' ${status} cannot be set; use New, Active or Closed.`, "status");
  if (!allowed.includes(substatus as ReferralSubstatus)) {
    throw invalidRequest(`'substatus' ${substatus} is not valid with status ${status}; ${status} allows ${allowed.join(", ")}.`, "substatus");
  }
  const from = String(before.status);
  if (!(nextStatuses[from] ?? []).includes(status as ReferralStatus)) {
    throw invalidRequest(`A referral cannot move from ${from} to ${status}; ${from} may move to ${(nextStatuses[from] ?? []).join(", ")}.`, "status");
  }
  // §7.9: visibility to Microsoft sellers is one-way.
  if (get(before, "consent", "consentToShareReferralWithMicrosoftSellers") === true && get(after, "consent", "consentToShareReferralWithMicrosoftSellers") !== true) {
    throw invalidRequest(
      "'consent.consentToShareReferralWithMicrosoftSellers' cannot go back to false: once a referral is visible to Microsoft sellers it stays visible.",
      "consent.consentToShareReferralWithMicrosoftSellers",
    );
  }
}

function checkMembers(value: Json | undefined, target: string, rule: { min: number; phone: boolean; what: string }): void {
  const members = Array.isArray(value) ? value : [];
  if (value !== null && value !== undefined && !Array.isArray(value)) throw invalidRequest(`'${target}' must be an array.`, target);
  if (members.length < rule.min) throw invalidRequest(`'${target}' needs ${rule.what}.`, target);
  members.forEach((member, index) => {
    const required = rule.phone ? ["firstName", "lastName", "email", "phoneNumber"] : ["firstName", "lastName", "email"];
    const missing = isObject(member) ? required.filter((key) => !nonEmpty(member[key])) : required;
    if (missing.length) throw invalidRequest(`'${target}[${index}]' is missing ${missing.join(", ")}; ${target} needs ${rule.what}.`, `${target}[${index}]`);
    if (!/^[^@\s]+@[^@\s]+$/.test(String((member as JsonObject).email))) {
      throw invalidRequest(`'${target}[${index}].email' is not an email address.`, `${target}[${index}].email`);
    }
  });
}

function checkSolutions(value: Json | undefined): void {
  const solutions = Array.isArray(value) ? value : [];
  if (solutions.length === 0) {
    throw invalidRequest("Solution ID is required: add at least one co-sell ready or Microsoft solution in 'details.requirements.solutions'.", "details.requirements.solutions");
  }
  solutions.forEach((solution, index) => {
    if (!isObject(solution) || !nonEmpty(solution.id)) {
      throw invalidRequest(`'details.requirements.solutions[${index}].id' is required.`, `details.requirements.solutions[${index}].id`);
    }
  });
}

function nonEmpty(value: Json | undefined): boolean {
  return typeof value === "string" && value.trim().length > 0;
}

export function get(value: Json | undefined, ...keys: string[]): Json | undefined {
  let current = value;
  for (const key of keys) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}
