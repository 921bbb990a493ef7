import { SystemUserTable } from "@cosell/core";
import { bareGuid } from "../crm/ids";

const signInNames = new WeakMap<Xrm.WebApi, Promise<string>>();

/**
 * The signed-in user's sign-in name (UPN). `userSettings` carries only the display name and id, so
 * the UPN comes from the user's `systemuser.domainname`, read once per page.
 */
export function currentSignInName(): Promise<string> {
  const webApi = Xrm.WebApi;
  const cached = signInNames.get(webApi);
  if (cached) return cached;
  const userId = bareGuid(Xrm.Utility.getGlobalContext().userSettings.userId);
  const column = SystemUserTable.domainName;
  const name = Promise.resolve(webApi.retrieveRecord(SystemUserTable.logicalName, userId, `?$select=${column}`)).then((user) => {
    const domainName: unknown = user[column];
    if (typeof domainName !== "string" || domainName === "") {
      throw new Error("your user record has no sign-in name (domainname)");
    }
    return domainName;
  });
  name.catch(() => signInNames.delete(webApi));
  signInNames.set(webApi, name);
  return name;
}
