/**
 * JSON Patch (RFC 6902) as the Referrals API takes it: only `add` and `replace` (partner-center-api.md
 * §3.4, §7.7). Paths resolve against the referral shape in any casing, the way property names do in
 * a body (§7.2), and only client-owned fields may be written. The whole document is patched on a
 * copy, so a failing operation leaves the referral untouched.
 */
import { invalidRequest } from "../errors";
import { isObject, readAs, type Json, type JsonObject } from "./normalize";
import { fieldOf, patchablePaths, referralShape, serverOwnedFields, type Shape } from "./schema";

export function applyReferralPatch(document: JsonObject, body: unknown): JsonObject {
  if (!Array.isArray(body) || body.length === 0) {
    throw invalidRequest("The PATCH body must be a non-empty JSON Patch array, e.g. [{\"op\":\"replace\",\"path\":\"/details/notes\",\"value\":\"...\"}].", "body");
  }
  const result = structuredClone(document);
  body.forEach((raw, index) => applyOne(result, raw, index));
  return result;
}

function applyOne(document: JsonObject, raw: unknown, index: number): void {
  if (!isObject(raw)) throw invalidRequest(`Operation ${index} must be an object with op, path and value.`, `[${index}]`);
  const member = (name: string) => Object.entries(raw).find(([key]) => key.toLowerCase() === name)?.[1];
  const op = String(member("op") ?? "").toLowerCase();
  const path = member("path");
  if (op !== "add" && op !== "replace") {
    throw invalidRequest(`Operation ${index}: '${String(member("op") ?? "")}' is not supported; the Referrals API accepts only add and replace.`, `[${index}].op`);
  }
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw invalidRequest(`Operation ${index}: 'path' must be a JSON pointer such as /details/notes.`, `[${index}].path`);
  }
  if (!Object.keys(raw).some((key) => key.toLowerCase() === "value")) {
    throw invalidRequest(`Operation ${index}: '${op}' needs a 'value'.`, `[${index}].value`);
  }

  const segments = path.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const resolved = resolve(segments, path);
  checkWritable(resolved.fieldPath, path);

  let parent: Json = document;
  for (const step of resolved.steps.slice(0, -1)) {
    if (step.kind === "field") {
      const container = parent as JsonObject;
      // A typed model always has its nested objects, so a missing one is created rather than refused.
      const present = container[step.name];
      if (step.shape.kind === "array" ? !Array.isArray(present) : !isObject(present)) container[step.name] = step.shape.kind === "array" ? [] : {};
      parent = container[step.name];
    } else {
      const list = parent as Json[];
      if (step.index === "-" || step.index >= list.length) throw invalidRequest(`Operation ${index}: '${path}' points past the end of an array.`, path);
      parent = list[step.index];
    }
  }
  const last = resolved.steps[resolved.steps.length - 1];
  const value = readAs(member("value"), last.shape, resolved.canonical);

  if (last.kind === "field") {
    (parent as JsonObject)[last.name] = value;
    return;
  }
  if (!Array.isArray(parent)) {
    throw invalidRequest(`Operation ${index}: '${path}' does not point into an array.`, path);
  }
  if (last.index === "-") {
    if (op === "replace") throw invalidRequest(`Operation ${index}: replace cannot use '-'; give an index or use add.`, path);
    parent.push(value);
  } else if (op === "add") {
    if (last.index > parent.length) throw invalidRequest(`Operation ${index}: index ${last.index} is past the end of '${resolved.fieldPath}'.`, path);
    parent.splice(last.index, 0, value);
  } else {
    if (last.index >= parent.length) throw invalidRequest(`Operation ${index}: there is no element ${last.index} in '${resolved.fieldPath}' to replace.`, path);
    parent[last.index] = value;
  }
}

type Step = { kind: "field"; name: string; shape: Shape } | { kind: "index"; index: number | "-"; shape: Shape };

function resolve(segments: string[], path: string): { steps: Step[]; canonical: string; fieldPath: string } {
  const steps: Step[] = [];
  let shape: Shape = referralShape;
  const canonical: string[] = [];
  const fieldPath: string[] = [];
  for (const segment of segments) {
    if (shape.kind === "array") {
      if (segment !== "-" && !/^(0|[1-9]\d*)$/.test(segment)) throw invalidRequest(`'${path}': '${segment}' is not an array index.`, path);
      shape = shape.items;
      steps.push({ kind: "index", index: segment === "-" ? "-" : Number(segment), shape });
      canonical.push(segment);
      continue;
    }
    const field = fieldOf(shape, segment);
    if (!field || shape.kind !== "object") throw invalidRequest(`'${path}' does not name a referral property.`, path);
    shape = field.shape;
    steps.push({ kind: "field", name: field.name, shape });
    canonical.push(field.name);
    fieldPath.push(field.name);
  }
  if (steps.length === 0) throw invalidRequest("Replacing the whole referral is not supported; patch individual paths.", path);
  return { steps, canonical: `/${canonical.join("/")}`, fieldPath: `/${fieldPath.join("/")}` };
}

function checkWritable(fieldPath: string, path: string): void {
  const top = fieldPath.split("/")[1];
  if ((serverOwnedFields as readonly string[]).includes(top)) {
    throw invalidRequest(`'${path}' is set by Partner Center and cannot be changed.`, path);
  }
  const allowed = patchablePaths.some((p) => fieldPath === p || fieldPath.startsWith(`${p}/`));
  if (!allowed) throw invalidRequest(`'${path}' cannot be patched. Patchable paths: ${patchablePaths.join(", ")}.`, path);
}
