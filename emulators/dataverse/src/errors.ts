/**
 * Web API errors in the shape Dataverse returns them: `{"error":{"code","message"}}` with a hex
 * `code` that is unrelated to the HTTP status and often empty (dataverse-pcf.md §5; the samples in
 * reference/dataverse/webapi-error-*.json).
 */

export class DataverseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** Error codes the emulator emits; names follow the platform's ErrorCodes where it has one. */
export const ErrorCodes = {
  /** Property names in $select/$filter/$orderby that the type does not declare (web-api-client-errors). */
  ODataUnknownProperty: "0x0",
  ResourceNotFoundForSegment: "0x8006088a",
  /** Generic OData payload/URI errors. */
  ODataError: "0x80060888",
  PayloadError: "0x80048d19",
  ObjectDoesNotExist: "0x80040217",
  InvalidArgument: "0x80040203",
  DuplicateRecord: "0x80040237",
  DuplicateRecordEntityKey: "0x80060892",
  ConcurrencyVersionMismatch: "0x80060882",
  PrivilegeDenied: "0x80040220",
  NotMemberOfOrganization: "0x80072560",
  InvalidStateTransition: "0x8004431a",
  StringLengthTooLong: "0x80044331",
  OptionValueOutOfRange: "0x8004431a",
  SolutionImportFailed: "0x80048033",
  Unexpected: "0x80040216",
  // api-limits.md "Service protection API limit errors returned"
  RequestCountLimit: "0x80072322",
  ExecutionTimeLimit: "0x80072321",
  ConcurrencyLimit: "0x80072326",
} as const;

export const notFoundRecord = (logicalName: string, id: string): DataverseError =>
  // Message and empty code as in webapi-error-404-upsert-if-match.json.
  new DataverseError(404, "", `${logicalName} With Id = ${id} Does Not Exist`);

export const notFoundByKey = (logicalName: string): DataverseError =>
  new DataverseError(404, ErrorCodes.ObjectDoesNotExist, `A record with the specified key values does not exist in ${logicalName} entity`);

export const segmentNotFound = (segment: string): DataverseError =>
  new DataverseError(404, ErrorCodes.ResourceNotFoundForSegment, `Resource not found for the segment '${segment}'.`);

export const unknownProperty = (property: string, logicalName: string): DataverseError =>
  new DataverseError(400, ErrorCodes.ODataUnknownProperty, `Could not find a property named '${property}' on type 'Microsoft.Dynamics.CRM.${logicalName}'.`);

export const badRequest = (message: string, code: string = ErrorCodes.ODataError): DataverseError =>
  new DataverseError(400, code, message);

/** webapi-error-412-optimistic-concurrency-{update,delete}.json */
export const versionMismatch = (): DataverseError =>
  new DataverseError(412, "", "The version of the existing record doesn't match the RowVersion property provided.");

/** webapi-error-412-upsert-if-none-match.json */
export const recordAlreadyExists = (): DataverseError =>
  new DataverseError(412, "", "A record with matching key values already exists.");
