import { AuthorizationError } from "../dataverse/errors";
import { HttpProblem } from "../http/problem";
import { createLogger } from "../observability/logger";
import { LeadActionError, type SyncEngine, type SyncResult } from "../sync";
import { sellerActions } from "./seller-actions";

const SELLER = { objectId: "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", lcid: 1053 };

function setup(engine: Partial<Pick<SyncEngine, "syncOpportunityNow" | "acceptLead" | "declineLead">>) {
  const lines: string[] = [];
  const logger = createLogger({ level: "info", destination: { write: (line: string) => void lines.push(line) } });
  const actions = sellerActions({ engine: engine as SyncEngine, inlineBudgetMs: 20, logger });
  return { actions, lines };
}

describe("the form's actions over the sync engine", () => {
  it("answers with the engine's result, in the seller's language, as the seller", async () => {
    const calls: unknown[] = [];
    const { actions } = setup({
      syncOpportunityNow: async (id, user) => {
        calls.push([id, user]);
        return { outcome: "invalid", message: "Lägg till en lösning.", violations: [{ code: "solution-required", table: "opportunity", field: "x", messageKey: "solution-required", params: {}, message: "m", fix: "f" }] } as SyncResult;
      },
    });
    expect(await actions.syncOpportunity("b6d2a3c4-1e2f-4a5b-9c8d-7e6f5a4b3c2d", SELLER)).toEqual({
      outcome: "invalid",
      message: "Lägg till en lösning.",
      violations: [{ code: "solution-required", table: "opportunity", field: "x", messageKey: "solution-required", params: {}, message: "m", fix: "f" }],
    });
    expect(calls).toEqual([["b6d2a3c4-1e2f-4a5b-9c8d-7e6f5a4b3c2d", { objectId: SELLER.objectId, lcid: 1053 }]]);
  });

  it("tells the form the sync goes on when it outlasts the budget, and logs how it ended", async () => {
    let finish: (result: SyncResult) => void = () => undefined;
    const { actions, lines } = setup({ syncOpportunityNow: () => new Promise<SyncResult>((resolve) => (finish = resolve)) });
    const answer = await actions.syncOpportunity("b6d2a3c4-1e2f-4a5b-9c8d-7e6f5a4b3c2d", SELLER);
    expect(answer).toMatchObject({ outcome: "queued", message: expect.stringContaining("background") });
    finish({ outcome: "synced", message: "done" });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.join("")).toContain("sync now finished after the form stopped waiting");
  });

  it("turns the engine's refusals into problems the seller can act on", async () => {
    const { actions } = setup({
      acceptLead: async () => {
        throw new LeadActionError("referral-closed", "The referral is already closed (Closed · Expired).", "Ask Microsoft to send it again.");
      },
      declineLead: async () => {
        throw new AuthorizationError("Principal user is missing prvWriteLead privilege.", { status: 403 });
      },
    });
    const refused = await actions.acceptLead("c0ffee00-1111-4222-8333-444455556666", SELLER).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HttpProblem);
    expect(refused).toMatchObject({ status: 409, message: "The referral is already closed (Closed · Expired).", extensions: { problem: "referral-closed", fix: "Ask Microsoft to send it again." } });
    await expect(actions.declineLead("c0ffee00-1111-4222-8333-444455556666", "No budget", SELLER)).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("prvWriteLead"),
    });
  });
});
