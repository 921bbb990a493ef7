import { EnvironmentVariables, SolutionNames } from "@cosell/core";
import { FakeRelay } from "../../test/fakes/FakeRelay";
import { failWebResource } from "../../test/fakes/webResourceImport";
import { coSellOrg, ids } from "../../test/fixtures/coSellOrg";
import { openOpportunity } from "../../test/openForm";
import { shareWithMicrosoft } from "../Ribbon/ShareWithMicrosoft";

// Its own file: the library is imported once per page, and this page never gets it.
test("when the co-sell library cannot be imported the seller is told, and saving is not blocked", async () => {
  const relay = await FakeRelay.start();
  try {
    const org = coSellOrg({ environment: { [EnvironmentVariables.relayUrl.schemaName]: relay.url } });
    org.row("opportunity", ids.opportunity)!.cosell_syncwithpartnercenter = true;
    failWebResource(SolutionNames.coSellLibrary, new TypeError("Failed to fetch dynamically imported module"));
    const form = openOpportunity(org);
    await form.loaded;
    expect(form.formNotifications().find((n) => n.uniqueId === "cosell.checks")?.message).toMatch(
      /^Co-sell checks could not run \(Failed to fetch dynamically imported module\)/,
    );

    await shareWithMicrosoft(form.formContext);
    expect(form.formNotifications().find((n) => n.uniqueId === "cosell.relay")?.message).toBe(
      "The co-sell script library (cosell_/js/CoSellLibrary.js) could not be loaded: Failed to fetch dynamically imported module. " +
        "Reload the page; if this keeps happening, ask your administrator to check that the co-sell solution is imported completely.",
    );
    expect(relay.apiRequests()).toEqual([]);
  } finally {
    await relay.stop();
  }
});
