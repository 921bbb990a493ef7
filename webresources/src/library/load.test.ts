import { SolutionNames } from "@cosell/core";
import { failWebResource, imported, resetWebResources } from "../../test/fakes/webResourceImport";
import { loadCoSellLibrary } from "./load";

test("imports the co-sell library web resource once per page, and again after a failed import", async () => {
  failWebResource(SolutionNames.coSellLibrary, new TypeError("Failed to fetch dynamically imported module"));
  await expect(loadCoSellLibrary()).rejects.toThrow("Failed to fetch");

  resetWebResources();
  const first = await loadCoSellLibrary();
  const second = await loadCoSellLibrary();
  expect(second).toBe(first);
  expect(typeof first.checkOpportunity).toBe("function");
  expect(typeof first.relayClientFor).toBe("function");
  expect(imported).toEqual([SolutionNames.coSellLibrary]);
});
