import { checkReferral, nextStatuses, substatusesByStatus } from "./rules";
import type { JsonObject } from "./normalize";

const valid = (): JsonObject => ({
  name: "Deal",
  type: "Independent",
  status: "Active",
  substatus: "Accepted",
  team: [{ firstName: "A", lastName: "B", email: "a@contoso.example", phoneNumber: "1" }],
  customerProfile: { name: "C", address: { country: "US" }, team: [] },
  consent: { consentToShareReferralWithMicrosoftSellers: false },
  details: { currency: "USD", dealValue: 1, requirements: { solutions: [{ id: "SOL-1" }] } },
});

describe("the §2.2 status table", () => {
  const statuses = Object.keys(substatusesByStatus);
  const pairs = statuses.flatMap((s) => substatusesByStatus[s].map((sub) => [s, sub] as const));

  it.each(statuses.flatMap((from) => pairs.map(([to, sub]) => [from, to, sub] as const)))("%s → %s/%s", (from, to, sub) => {
    const before = { ...valid(), status: from, substatus: substatusesByStatus[from][0] };
    const after = { ...before, status: to, substatus: sub };
    const allowed = from !== "Closed" && nextStatuses[from].includes(to as never);
    const run = () => checkReferral({ before, after, changed: ["/status", "/substatus"] });
    if (allowed) expect(run).not.toThrow();
    else expect(run).toThrow(expect.objectContaining({ status: from === "Closed" ? 409 : 400 }));
  });
});

describe("update rules", () => {
  it("checks only the fields an update changed, so a sparse incoming referral can be accepted", () => {
    const before: JsonObject = { type: "Shared", status: "New", substatus: "Pending", customerProfile: {}, consent: {}, details: {} };
    expect(() => checkReferral({ before, after: { ...before, status: "Active", substatus: "Accepted" }, changed: ["/status", "/substatus"] })).not.toThrow();
  });

  it("re-checks a changed field", () => {
    const before = valid();
    const after = { ...before, details: { ...(before.details as JsonObject), currency: "usd" } };
    expect(() => checkReferral({ before, after, changed: ["/details/currency"] })).toThrow(expect.objectContaining({ target: "details.currency" }));
  });
});
