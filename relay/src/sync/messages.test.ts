import { Languages } from "@cosell/core";
import { engineMessage, EngineMessageKeys } from "./messages";

describe("engine messages", () => {
  it.each(Languages)("has every message in language %i, with every placeholder filled", (lcid) => {
    for (const key of EngineMessageKeys) {
      const { message, fix } = engineMessage(key, { fields: "F", reason: "R", status: "S", detail: "D", variable: "V", problem: "P", fix: "X", column: "C", table: "T", referralId: "I", id: "I", code: "EUR", problems: "Q" }, lcid);
      expect(message.trim()).not.toBe("");
      expect(`${message} ${fix}`).not.toMatch(/\{\w+\}/);
    }
  });

  it("falls back to English for other languages", () => {
    expect(engineMessage("in-sync", {}, 1031).message).toBe(engineMessage("in-sync", {}, 1033).message);
  });

  it("uses the seller's language", () => {
    expect(engineMessage("declined", { reason: "Ingen kapacitet." }, 1053).message).toBe("Hänvisningen avböjdes i Partner Center. Orsak: Ingen kapacitet.");
  });
});
