/** The record whose form hosts the control. */
export interface HostRecord {
  entityName: string;
  id: string;
}

/**
 * Model-driven forms describe the record they show in `context.mode.contextInfo`
 * (`entityTypeName`, `entityId`). The PCF typings do not declare it, so it is read defensively:
 * a new, unsaved record has no id yet and yields `undefined`.
 */
export function hostRecord(context: ComponentFramework.Context<unknown>): HostRecord | undefined {
  const info = (context.mode as { contextInfo?: { entityTypeName?: unknown; entityId?: unknown } }).contextInfo;
  const entityName = info?.entityTypeName;
  const id = info?.entityId;
  if (typeof entityName !== "string" || typeof id !== "string" || !isGuid(id)) return undefined;
  return { entityName, id: id.replace(/[{}]/g, "").toLowerCase() };
}

const guid = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;
const emptyGuid = /^\{?0{8}-0{4}-0{4}-0{4}-0{12}\}?$/;

export function isGuid(value: string): boolean {
  return guid.test(value) && !emptyGuid.test(value);
}
