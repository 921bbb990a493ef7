import { jsonResponse } from "../context";
import { responseContext, type Operation } from "./operation";

/** GET WhoAmI() — the effective user (the impersonated one when impersonating). */
export const whoAmI: Operation = {
  name: "WhoAmI",
  kind: "function",
  invoke: ({ env, context }) => {
    const user = env.get("systemuser", context.actor.userId);
    const businessUnit = user?.businessunitid;
    return jsonResponse(200, {
      "@odata.context": responseContext(context, "WhoAmIResponse"),
      BusinessUnitId: businessUnit && typeof businessUnit === "object" && "id" in businessUnit ? businessUnit.id : env.businessUnitId,
      UserId: context.actor.userId,
      OrganizationId: env.organizationId,
    });
  },
};
