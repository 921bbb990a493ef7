import { Languages } from "../crm/schema";
import { SyncFields } from "../sync/fields";
import { en } from "./catalog/en";
import { MessageKeys } from "./keys";
import { formatMessage, syncFieldLabel, syncSideLabel } from "./messages";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogs", () => {
  it.each(Languages.map((lcid) => [lcid]))("%i has every message, with a fix, and the same placeholders as English", (lcid) => {
    for (const key of MessageKeys) {
      const { message, fix } = formatMessage(key, {}, lcid);
      const [enMessage, enFix] = en.messages[key];
      expect(message.trim()).not.toBe("");
      expect(fix.trim()).not.toBe("");
      expect(placeholders(message)).toEqual(placeholders(enMessage));
      expect(placeholders(fix)).toEqual(placeholders(enFix));
    }
    for (const field of SyncFields) expect(syncFieldLabel(field, lcid)).not.toBe("");
  });

  it("is really translated: no language repeats the English text", () => {
    for (const lcid of Languages.filter((l) => l !== 1033)) {
      for (const key of MessageKeys) expect(formatMessage(key, {}, lcid).message).not.toBe(formatMessage(key, {}, 1033).message);
    }
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(formatMessage("notes-too-long", { length: 2345, max: 2000 }, 1043)).toEqual({
      message: "De beschrijving heeft 2345 tekens; Partner Center accepteert er maximaal 2000.",
      fix: "Kort de beschrijving in tot 2000 tekens.",
    });
    expect(formatMessage("contact-incomplete", {}, 1040).message).toBe("Il contatto del cliente {contact} non ha nome o indirizzo e-mail.");
  });

  it("names the sides in the user's language", () => {
    expect(syncSideLabel("partnerCenter", 2052)).toBe("合作伙伴中心");
    expect(syncSideLabel("crm", 2052)).toBe("Dynamics 365");
  });
});
