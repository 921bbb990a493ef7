import path from "node:path";
import { parseSandboxArguments, UsageError } from "./options";

const cwd = "/home/someone/cosell";

test("fixed default ports, the .data folder and a build when needed", () => {
  expect(parseSandboxArguments([], {}, cwd)).toEqual({
    ports: { harness: 4400, partnerCenter: 4401, dataverse: 4402, relay: 4403, identity: 4404 },
    dataDir: path.join(cwd, ".data"),
    reset: false,
    build: true,
    relayLogLevel: "warn",
    environment: "sandbox",
  });
});

test("--environment names the Dynamics 365 environment to run, as a name the org and a folder can take", () => {
  expect(parseSandboxArguments(["--environment", "staging"], {}, cwd)).toMatchObject({ environment: "staging" });
  expect(parseSandboxArguments([], { COSELL_SANDBOX_ENVIRONMENT: "production" }, cwd)).toMatchObject({ environment: "production" });
  expect(() => parseSandboxArguments(["--environment", "../prod"], {}, cwd)).toThrow('--environment must be a short name in lower-case letters, digits and hyphens that starts with a letter (such as staging or production), not "../prod".');
  expect(() => parseSandboxArguments(["--environment", "Production"], {}, cwd)).toThrow(UsageError);
});

test("--reset asks for a fresh start", () => {
  expect(parseSandboxArguments(["--reset"], {}, cwd)).toMatchObject({ reset: true, dataDir: path.join(cwd, ".data") });
});

test("a flag wins over the environment, which wins over the default", () => {
  const options = parseSandboxArguments(["--harness-port", "5500", "--no-build", "--data-dir", "/tmp/sandbox"], { COSELL_SANDBOX_HARNESS_PORT: "5400", COSELL_SANDBOX_RELAY_PORT: "5403" }, cwd);
  expect(options).toMatchObject({ ports: { harness: 5500, relay: 5403, dataverse: 4402 }, build: false, dataDir: "/tmp/sandbox" });
});

test("a bad port names the flag or variable it came from", () => {
  expect(() => parseSandboxArguments(["--relay-port", "80a"], {}, cwd)).toThrow('--relay-port must be a port number from 1 to 65535 (or 0 for any free port), not "80a".');
  expect(() => parseSandboxArguments([], { COSELL_SANDBOX_DATAVERSE_PORT: "70000" }, cwd)).toThrow(/COSELL_SANDBOX_DATAVERSE_PORT must be a port number/);
});

test("two services on one port are refused before anything starts", () => {
  expect(() => parseSandboxArguments(["--relay-port", "4400"], {}, cwd)).toThrow("The relay and the form harness cannot both use port 4400; give one of them another port.");
});

test("an unknown flag is a usage error that shows the usage", () => {
  let error: unknown;
  try {
    parseSandboxArguments(["--colour"], {}, cwd);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).toMatch(/--colour[\s\S]*Usage: npm start -- \[options\]/);
});

test("--help asks for the usage text", () => {
  expect(parseSandboxArguments(["--help"], {}, cwd)).toBe("help");
});
