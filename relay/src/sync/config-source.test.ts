import { EnvironmentVariables } from "@cosell/core";
import { cachedConfig } from "./config-source";
import type { DataversePort } from "./ports";

function environment(values: () => Promise<Record<string, string | null>>) {
  let reads = 0;
  const port = {
    environmentValues: async () => {
      reads++;
      return values();
    },
  } as unknown as DataversePort;
  return { port, reads: () => reads };
}

describe("configuration from environment variables", () => {
  it("reads the variables once per time-to-live, then again, so an admin's change applies within it", async () => {
    let clock = 0;
    let dealValueField = "estimatedvalue";
    const env = environment(async () => ({ [EnvironmentVariables.dealValueField.schemaName]: dealValueField }));
    const source = cachedConfig(env.port, 30_000, () => clock);

    expect(await source.current()).toMatchObject({ ok: true, config: { dealValueField: "estimatedvalue" } });
    dealValueField = "budgetamount";
    clock = 29_999;
    expect(await source.current()).toMatchObject({ config: { dealValueField: "estimatedvalue" } });
    clock = 30_000;
    expect(await source.current()).toMatchObject({ config: { dealValueField: "budgetamount" } });
    expect(env.reads()).toBe(2);
  });

  it("explains an invalid value with the variable and the fix", async () => {
    const env = environment(async () => ({ [EnvironmentVariables.displayCheckMark.schemaName]: "maybe" }));
    const result = await cachedConfig(env.port, 30_000).current();
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ variable: "cosell_DisplayCheckMark", fix: "Set the current value to yes or no." })] });
  });

  it("does not remember a failed read", async () => {
    let fail = true;
    const env = environment(async () => {
      if (fail) throw new Error("Dataverse 503");
      return {};
    });
    const source = cachedConfig(env.port, 30_000, () => 0);
    await expect(source.current()).rejects.toThrow("Dataverse 503");
    fail = false;
    expect(await source.current()).toMatchObject({ ok: true });
  });
});
