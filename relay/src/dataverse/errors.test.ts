import fs from "node:fs";
import path from "node:path";
import { AuthorizationError, DataverseError, errorForStatus, NotFoundError, PreconditionFailedError, readErrorBody, ThrottledError } from "./errors";

const sample = (name: string) => fs.readFileSync(path.resolve(__dirname, "../../../../shared/reference/dataverse", name), "utf8");

describe("Dataverse errors", () => {
  it("keeps the platform's code and message from the documented error bodies", () => {
    expect(readErrorBody(sample("webapi-error-400-plugin-annotations.json"))).toEqual({ code: "0x80040265", message: "Example Error Message." });
    expect(readErrorBody(sample("webapi-error-412-optimistic-concurrency-update.json"))).toEqual({
      message: "The version of the existing record doesn't match the RowVersion property provided.",
    });
    expect(readErrorBody(sample("webapi-error-format-legacy-innererror.json")).message).toBe("<A message describing the error>");
    expect(readErrorBody("<html>Service Unavailable</html>")).toEqual({ message: "<html>Service Unavailable</html>" });
  });

  it("picks the error type by status", () => {
    const details = { method: "PATCH", path: "/api/data/v9.2/accounts(1)" };
    const stale = errorForStatus(412, sample("webapi-error-412-optimistic-concurrency-update.json"), details);
    expect(stale).toBeInstanceOf(PreconditionFailedError);
    expect(stale.message).toBe("Dataverse 412 on PATCH /api/data/v9.2/accounts(1): The version of the existing record doesn't match the RowVersion property provided.");
    expect(errorForStatus(404, sample("webapi-error-404-upsert-if-match.json"), details)).toBeInstanceOf(NotFoundError);
    expect(errorForStatus(403, "", details)).toBeInstanceOf(AuthorizationError);
    const throttled = errorForStatus(429, "", { ...details, retryAfterMs: 5000 });
    expect(throttled).toBeInstanceOf(ThrottledError);
    expect((throttled as ThrottledError).retryAfterMs).toBe(5000);
    const other = errorForStatus(400, sample("webapi-error-400-plugin-annotations.json"), details);
    expect(other.constructor).toBe(DataverseError);
    expect(other).toMatchObject({ status: 400, code: "0x80040265", method: "PATCH" });
  });
});
