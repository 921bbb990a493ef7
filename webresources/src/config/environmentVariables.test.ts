import { EnvironmentVariables } from "@cosell/core";
import { XrmMockGenerator } from "xrm-mock";
import { coSellOrg } from "../../test/fixtures/coSellOrg";
import { loadSyncConfig } from "./environmentVariables";

function usePage(org: ReturnType<typeof coSellOrg>) {
  XrmMockGenerator.initialise();
  (Xrm as unknown as { WebApi: Xrm.WebApi }).WebApi = org.webApi();
}

test("current values win over defaults; variables without a current value keep the default", async () => {
  usePage(
    coSellOrg({
      environment: {
        [EnvironmentVariables.displayCheckMark.schemaName]: "no",
        [EnvironmentVariables.dealValueField.schemaName]: "new_dealvalue",
        [EnvironmentVariables.relayUrl.schemaName]: "https://cosell-relay.contoso.example/",
      },
    }),
  );
  const result = await loadSyncConfig();
  expect(result).toEqual({
    ok: true,
    config: {
      displayCheckMark: false,
      dealValueField: "new_dealvalue",
      countryCodeField: "address1_country",
      relayUrl: "https://cosell-relay.contoso.example",
      fieldMapping: {},
    },
  });
});

test("one Web API request for all variables, with the values expanded", async () => {
  const org = coSellOrg();
  usePage(org);
  await loadSyncConfig();
  await loadSyncConfig();
  expect(org.calls).toEqual([
    "retrieveMultipleRecords environmentvariabledefinition ?$select=schemaname,defaultvalue" +
      "&$filter=schemaname eq 'cosell_DisplayCheckMark' or schemaname eq 'cosell_DealValueField' or schemaname eq 'cosell_CountryCodeField'" +
      " or schemaname eq 'cosell_RelayUrl' or schemaname eq 'cosell_FieldMapping'" +
      "&$expand=environmentvariabledefinition_environmentvariablevalue($select=value)",
  ]);
});

test("bad field-mapping JSON comes back as an issue naming the variable", async () => {
  usePage(coSellOrg({ environment: { [EnvironmentVariables.fieldMapping.schemaName]: "{ not json" } }));
  const result = await loadSyncConfig();
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.errors[0].variable).toBe("cosell_FieldMapping");
});
