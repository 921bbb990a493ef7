/**
 * PublishAllXml and PublishXml: unbound actions that publish unmanaged customizations; neither
 * returns a value, so both answer 204 (Web API action reference, "PublishAllXml Action" and
 * "PublishXml Action"; organization service PublishAllXmlRequest / PublishXmlRequest).
 *
 * This environment applies table and column metadata at import time and keeps no unpublished
 * layer, so publishing changes nothing visible; what is checked is what a caller can get wrong.
 */
import { badRequest, DataverseError, ErrorCodes } from "../../errors";
import type { DataverseEnvironment } from "../../environment";
import { child, children, parseXml, SolutionFormatError, text } from "../../solution/xml";
import { emptyResponse } from "../context";
import { requireParameter, type Operation } from "./operation";

export const publishAllXml: Operation = {
  name: "PublishAllXml",
  kind: "action",
  invoke: () => emptyResponse(204),
};

/**
 * ParameterXml (Edm.String, not nullable) follows the publish request schema, e.g.
 * `<importexportxml><entities><entity>account</entity></entities></importexportxml>`.
 */
export const publishXml: Operation = {
  name: "PublishXml",
  kind: "action",
  invoke: ({ env, parameters }) => {
    const parameterXml = requireParameter(parameters, "ParameterXml", "PublishXml", (v): v is string => typeof v === "string" && v.trim() !== "");
    for (const name of entitiesToPublish(parameterXml)) requireTable(env, name);
    return emptyResponse(204);
  },
};

function entitiesToPublish(parameterXml: string): string[] {
  let root;
  try {
    root = child(parseXml(parameterXml, "ParameterXml"), "importexportxml");
  } catch (error) {
    if (error instanceof SolutionFormatError) throw badRequest(error.message, ErrorCodes.InvalidArgument);
    throw error;
  }
  if (!root) throw badRequest("ParameterXml must have an <importexportxml> root element, e.g. <importexportxml><entities><entity>account</entity></entities></importexportxml>.", ErrorCodes.InvalidArgument);
  return children(child(root, "entities"), "entity").map((entity) => (text(entity) ?? "").trim());
}

// Inferred from the platform resolving each named table in its metadata: an unknown one is an error.
function requireTable(env: DataverseEnvironment, logicalName: string): void {
  if (!env.catalog.entity(logicalName)) {
    throw new DataverseError(404, ErrorCodes.ObjectDoesNotExist, `Could not find an entity with logical name '${logicalName}' to publish.`);
  }
}
