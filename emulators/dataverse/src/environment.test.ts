import { DataverseEnvironment } from "./environment";
import { stableGuid } from "./ids";
import { Seeder } from "./seed";

describe("platform behaviour on writes", () => {
  const setup = () => {
    const env = new DataverseEnvironment("test");
    const seed = new Seeder(env, () => "http://127.0.0.1/api/data/v9.2/");
    const currencies = seed.currencies(["USD", "SEK"]);
    return { env, seed, currencies, actor: env.systemActor };
  };

  it("derives the state from a status reason and the default status from a state", () => {
    const { env, actor } = setup();
    const id = env.create("lead", { subject: "x", lastname: "Doe" }, actor);
    expect(env.get("lead", id)).toMatchObject({ statecode: 0, statuscode: 1 });
    env.update("lead", id, { statuscode: 5 }, actor);
    expect(env.get("lead", id)).toMatchObject({ statecode: 2, statuscode: 5 });
    env.update("lead", id, { statecode: 0 }, actor);
    expect(env.get("lead", id)).toMatchObject({ statecode: 0, statuscode: 1 });
    expect(() => env.update("lead", id, { statecode: 2, statuscode: 2 }, actor)).toThrow("2 is not a valid status code for state code LeadState.Disqualified");
  });

  it("computes full names, exchange rates and base amounts", () => {
    const { env, actor, currencies } = setup();
    const contact = env.create("contact", { firstname: "Erik", lastname: "Lindqvist" }, actor);
    expect(env.get("contact", contact)).toMatchObject({ fullname: "Erik Lindqvist", yomifullname: "Erik Lindqvist" });
    const opportunity = env.create("opportunity", { name: "SEK deal", estimatedvalue: 1050, transactioncurrencyid: { logicalName: "transactioncurrency", id: currencies.SEK } }, actor);
    expect(env.get("opportunity", opportunity)).toMatchObject({ exchangerate: 10.5, estimatedvalue_base: 100 });
  });

  it("cascades deletes to dependent rows, clears plain lookups and refuses restricted ones", () => {
    const { env, actor, seed } = setup();
    const [definition] = seed.records("environmentvariabledefinitions", [{ schemaname: "x_Test", displayname: "Test", type: 100000000 }]);
    const [value] = seed.records("environmentvariablevalues", [{ schemaname: "x_Test", value: "1", "EnvironmentVariableDefinitionId@odata.bind": `/environmentvariabledefinitions(${definition})` }]);
    env.delete("environmentvariabledefinition", definition, actor);
    expect(env.get("environmentvariablevalue", value)).toBeUndefined();

    const [account] = seed.records("accounts", [{ name: "Parent" }]);
    const [contact] = seed.records("contacts", [{ lastname: "Child", "parentcustomerid_account@odata.bind": `/accounts(${account})` }]);
    env.delete("account", account, actor);
    expect(env.get("contact", contact)?.parentcustomerid).toBeNull();

    const [endpoint] = seed.records("serviceendpoints", [{ name: "Hook", contract: 8, url: "http://127.0.0.1:1/hook" }]);
    seed.records("sdkmessageprocessingsteps", [{ name: "Step", "eventhandler_serviceendpoint@odata.bind": `/serviceendpoints(${endpoint})`, "sdkmessageid@odata.bind": `/sdkmessages(${stableGuid("sdkmessage", "Create")})` }]);
    expect(() => env.delete("serviceendpoint", endpoint, actor)).toThrow("associated with another object");
  });

  it("keeps alternate keys unique, comparing strings case-insensitively", () => {
    const { env, actor } = setup();
    env.catalog.requireEntity("account").keys.push({ logicalName: "accountnumber_key", schemaName: "accountnumber_key", keyAttributes: ["accountnumber"] });
    env.create("account", { name: "A", accountnumber: "ACC-1" }, actor);
    expect(() => env.create("account", { name: "B", accountnumber: "acc-1" }, actor)).toThrow("requires that this set of attributes contains unique values");
    expect(env.store.count("account")).toBe(1);
  });
});
