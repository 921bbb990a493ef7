/**
 * `/v1.0/engagements/referrals`: list, get, create, PATCH and the legacy PUT
 * (partner-center-api.md §3, §7.1–§7.11). Each call is made as the signed-in user: a Referrals
 * Admin sees every referral of the partner in their locations, a Referrals User only those whose
 * team they are on (§1). Other organizations' referrals are never visible.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { installApiHooks, headerValue, referralResponseIds } from "../api-hooks";
import { authenticateReferralsCaller } from "../auth";
import { homeLocation, type EmulatorContext } from "../context";
import { ApiError, invalidRequest, notFound, referralErrorBody } from "../errors";
import type { PartnerUser } from "../users";
import { applyReferralPatch } from "./json-patch";
import { isObject, readAs, type JsonObject } from "./normalize";
import { renderReferral } from "./render";
import { referralShape, serverOwnedFields } from "./schema";
import type { StoredReferral } from "./store";

export const REFERRALS_PATH = "/v1.0/engagements/referrals";

export function referralRoutes(ctx: EmulatorContext): FastifyPluginAsync {
  return async (app) => {
    installApiHooks(app, ctx.faults, referralErrorBody);
    app.addHook("onRequest", async (request, reply) => {
      referralResponseIds(request, reply);
      // §7.12: unanswered incoming referrals expire even if nobody ran the sweep explicitly.
      ctx.store.expireDue();
    });

    const caller = async (request: FastifyRequest) => (await authenticateReferralsCaller(request, ctx.identity, ctx.users)).user;

    const visibleTo = (user: PartnerUser, referral: StoredReferral) => {
      if (referral.owner !== ctx.partner.organizationId) return false;
      if (user.locations !== "all" && !user.locations?.includes(referral.locationId)) return false;
      if (user.role === "Referrals Admin") return true;
      const team = Array.isArray(referral.doc.team) ? referral.doc.team : [];
      return team.some((member) => isObject(member) && String(member.email ?? "").toLowerCase() === user.upn.toLowerCase());
    };

    const visible = (user: PartnerUser, id: string) => {
      const referral = ctx.store.get(id);
      // Invisible and missing look the same, so ids of other people's deals do not leak.
      if (!referral || !visibleTo(user, referral)) throw notFound(`No referral with id '${id}' is visible to ${user.upn}.`);
      return referral;
    };

    const single = (referral: StoredReferral) => renderReferral(referral.doc, ctx.urls().referrals);

    app.get<{ Querystring: Record<string, string> }>("/", async (request) => {
      const user = await caller(request);
      const items = ctx.store.all().filter((r) => visibleTo(user, r));
      const page = ctx.query.run(items, request.query);
      const base = ctx.urls().base;
      const body: JsonObject = {
        "@odata.context": `${base}/v1.0/$metadata#Referrals${page.select ? `(${page.select.join(",")})` : ""}`,
        "@odata.count": page.count,
        value: page.items.map((doc) => renderReferral(doc, ctx.urls().referrals, page.select)),
      };
      if (page.nextSkiptoken) body["@odata.nextLink"] = nextLink(ctx.urls().referrals, request.query, page.nextSkiptoken);
      return body;
    });

    app.get<{ Params: { id: string } }>("/:id", async (request, reply) => {
      const user = await caller(request);
      const referral = visible(user, request.params.id);
      reply.header("etag", String(referral.doc.eTag));
      return { "@odata.context": `${ctx.urls().base}/v1.0/$metadata#Referrals/$entity`, ...single(referral) };
    });

    app.post("/", async (request, reply) => {
      const user = await caller(request);
      if (!isObject(request.body)) throw invalidRequest("Send the referral as a JSON object.", "referral");
      const input = readAs(request.body, referralShape, "") as JsonObject;
      const engagementId = input.engagementId;
      for (const field of serverOwnedFields) delete input[field];
      if (typeof engagementId === "string") {
        // §7.10: joining an engagement needs one of the partner's referrals to already be in it.
        const joined = ctx.store.inEngagement(engagementId).some((r) => visibleTo(user, r));
        if (!joined) throw invalidRequest(`No engagement '${engagementId}' that you take part in; omit engagementId to start a new one.`, "engagementId");
        input.engagementId = engagementId;
      }
      // §7.4: whatever status the request carried, an outgoing referral starts Active/Accepted.
      const created = ctx.store.create(input, {
        owner: ctx.partner,
        locationId: homeLocation(ctx.partner, user),
        direction: "Outgoing",
        status: "Active",
        substatus: "Accepted",
        cause: "api",
      });
      reply.code(201).header("etag", String(created.doc.eTag)).header("location", `${ctx.urls().referrals}/${String(created.doc.id)}`);
      return single(created);
    });

    app.patch<{ Params: { id: string } }>("/:id", async (request, reply) => {
      const user = await caller(request);
      const referral = visible(user, request.params.id);
      const updated = ctx.store.update(String(referral.doc.id), (doc) => applyReferralPatch(doc, request.body), {
        ifMatch: headerValue(request, "if-match"),
        cause: "api",
      });
      reply.header("etag", String(updated.doc.eTag));
      // §3.4, §7.7: 204 unless the client asked for the representation.
      if (!/return=representation/i.test(headerValue(request, "prefer") ?? "")) return reply.code(204).send();
      reply.header("preference-applied", "return=representation");
      return single(updated);
    });

    app.put<{ Params: { id: string } }>("/:id", async (request, reply) => {
      const user = await caller(request);
      const referral = visible(user, request.params.id);
      const ifMatch = headerValue(request, "if-match");
      // §3.5: the legacy PUT requires If-Match (the connector swagger marks it required).
      if (!ifMatch) throw invalidRequest("PUT needs an If-Match header with the referral's eTag. Prefer PATCH for partial updates.", "If-Match");
      if (!isObject(request.body)) throw invalidRequest("Send the full referral as a JSON object.", "referral");
      const input = readAs(request.body, referralShape, "") as JsonObject;
      if (input.links !== undefined) throw invalidRequest("Remove the 'links' object from a PUT body.", "links");
      if (typeof input.id === "string" && input.id.toLowerCase() !== String(referral.doc.id).toLowerCase()) {
        throw invalidRequest(`The body's id '${input.id}' does not match the URL's '${request.params.id}'.`, "id");
      }
      const updated = ctx.store.update(String(referral.doc.id), () => input, { ifMatch, cause: "api" });
      reply.header("etag", String(updated.doc.eTag));
      return single(updated);
    });

    app.setNotFoundHandler(async () => {
      throw new ApiError(404, "itemNotFound", "No such Referrals API resource.", "referral");
    });
  };
}

/** Same query without `$top`/`$skip` (the token carries what is left), plus the new `$skiptoken`. */
function nextLink(referralsUrl: string, query: Record<string, string>, skiptoken: string): string {
  const params = Object.entries(query).filter(([key]) => !["$skiptoken", "$top", "$skip"].includes(key));
  params.push(["$skiptoken", skiptoken]);
  return `${referralsUrl}?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")}`;
}
