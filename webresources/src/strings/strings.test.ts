import { Languages, MessageKeys } from "@cosell/core";
import { en } from "./en";
import { resourceStrings, stringTables } from "./index";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test.each(Languages.filter((l) => l !== 1033))("language %i has every string, with the same placeholders as English", (lcid) => {
  const table = stringTables[lcid];
  expect(Object.keys(table).sort()).toEqual(Object.keys(en).sort());
  for (const key of Object.keys(en) as (keyof typeof en)[]) {
    expect(table[key].trim()).not.toBe("");
    expect(table[key]).not.toBe(en[key]);
    expect([key, placeholders(table[key])]).toEqual([key, placeholders(en[key])]);
  }
});

test.each([...Languages])("the RESX for %i carries core's co-sell messages with their placeholders", (lcid) => {
  const strings = resourceStrings(lcid);
  for (const key of MessageKeys) {
    expect(strings[`rule.${key}`]).toBeTruthy();
    expect(strings[`rule.${key}.fix`]).toBeTruthy();
    expect(placeholders(strings[`rule.${key}`] + strings[`rule.${key}.fix`])).toEqual(
      placeholders(resourceStrings(1033)[`rule.${key}`] + resourceStrings(1033)[`rule.${key}.fix`]),
    );
  }
});
