/**
 * Bearer-token authentication as the Web API does it: an Entra ID access token whose audience is
 * the environment URL, verified against the identity's signing keys. The token's `oid` maps to a
 * systemuser: delegated users are provisioned on first sign-in (as Dataverse does for users in
 * the environment's security group); application users must exist beforehand (an admin creates
 * them for an app registration), otherwise the call is refused. Impersonation (`CallerObjectId`
 * / `MSCRMCallerID`) needs the prvActOnBehalfOfAnotherUser privilege.
 */
import { createLocalJWKSet, jwtVerify, type JWTPayload } from "jose";
import type { TestIdentity } from "../../../identity/src";
import { DataverseError, ErrorCodes, notFoundRecord } from "../errors";
import type { Actor, DataverseEnvironment } from "../environment";
import { isGuid, normalizeGuid, stableGuid } from "../ids";

export const IMPERSONATION_PRIVILEGE = "prvActOnBehalfOfAnotherUser";

export interface Principal {
  systemUserId: string;
}

export class AuthenticationError extends Error {
  constructor(
    message: string,
    readonly wwwAuthenticate: string,
  ) {
    super(message);
  }
}

export class UserDirectory {
  constructor(private readonly env: DataverseEnvironment) {}

  /** An application user for an app registration (client id), as an admin adds it in the Power Platform admin center. */
  addApplicationUser(clientId: string, options: { name?: string; objectId?: string; canImpersonate?: boolean } = {}): string {
    const applicationId = clientId.toLowerCase();
    const existing = this.findBy("applicationid", applicationId);
    const id = existing ?? stableGuid("applicationuser", applicationId);
    if (!existing) {
      this.env.create("systemuser", {
        systemuserid: id,
        applicationid: isGuid(applicationId) ? normalizeGuid(applicationId) : applicationId,
        azureactivedirectoryobjectid: options.objectId ?? null,
        lastname: options.name ?? `# ${clientId}`,
        domainname: `${applicationId}@application`,
        accessmode: 4,
        isdisabled: false,
        businessunitid: { logicalName: "businessunit", id: this.env.businessUnitId },
      }, this.env.systemActor, { silent: true });
    }
    if (options.canImpersonate ?? true) this.env.grant(id, IMPERSONATION_PRIVILEGE);
    return id;
  }

  /** A licensed user, created the way first sign-in provisions one. */
  ensureUser(objectId: string, upn: string, name?: string): string {
    const existing = this.findBy("azureactivedirectoryobjectid", objectId.toLowerCase());
    if (existing) return existing;
    const display = name ?? upn;
    const [first, ...rest] = display.split(" ");
    return this.env.create("systemuser", {
      systemuserid: stableGuid("systemuser", objectId.toLowerCase()),
      azureactivedirectoryobjectid: objectId.toLowerCase(),
      firstname: rest.length > 0 ? first : null,
      lastname: rest.length > 0 ? rest.join(" ") : display,
      domainname: upn,
      internalemailaddress: upn.includes("@") ? upn : null,
      accessmode: 0,
      isdisabled: false,
      businessunitid: { logicalName: "businessunit", id: this.env.businessUnitId },
    }, this.env.systemActor, { silent: true });
  }

  grantImpersonation(systemUserId: string): void {
    this.env.grant(systemUserId, IMPERSONATION_PRIVILEGE);
  }

  findBy(column: string, value: string): string | undefined {
    for (const [id, row] of this.env.store.rows("systemuser")) {
      const stored = row[column];
      if (typeof stored === "string" && stored.toLowerCase() === value.toLowerCase()) return id;
    }
    return undefined;
  }
}

export class Authenticator {
  private readonly keys: ReturnType<typeof createLocalJWKSet>;

  constructor(
    private readonly env: DataverseEnvironment,
    private readonly identity: TestIdentity,
    private readonly users: UserDirectory,
    private readonly environmentUrl: () => string,
  ) {
    this.keys = createLocalJWKSet(identity.jwks());
  }

  private challenge(): string {
    return `Bearer authorization_uri=${this.identity.baseUrl}/${this.identity.tenantId}/oauth2/authorize, resource_id=${this.environmentUrl()}`;
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1];
    if (!token) throw new AuthenticationError("No bearer token.", this.challenge());
    const url = this.environmentUrl().replace(/\/$/, "");
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, { issuer: this.identity.issuer, audience: [url, `${url}/`], algorithms: ["RS256"] }));
    } catch (error) {
      throw new AuthenticationError(`Bearer token rejected: ${(error as Error).message}`, this.challenge());
    }
    const objectId = typeof payload.oid === "string" ? payload.oid : undefined;
    if (!objectId) throw new AuthenticationError("The token has no oid claim.", this.challenge());
    const appOnly = payload.idtyp === "app" || payload.scp === undefined;
    let systemUserId: string | undefined;
    if (appOnly) {
      const clientId = String(payload.azp ?? payload.appid ?? "");
      systemUserId = this.users.findBy("applicationid", clientId) ?? this.users.findBy("azureactivedirectoryobjectid", objectId);
    } else {
      const upn = String(payload.upn ?? payload.preferred_username ?? objectId);
      systemUserId = this.users.ensureUser(objectId, upn, typeof payload.name === "string" ? payload.name : undefined);
    }
    if (!systemUserId) {
      throw new DataverseError(403, ErrorCodes.NotMemberOfOrganization, "The user is not a member of the organization.");
    }
    if (this.env.get("systemuser", systemUserId)?.isdisabled === true) {
      throw new DataverseError(403, ErrorCodes.NotMemberOfOrganization, `The user with SystemUserId=${systemUserId} is disabled.`);
    }
    return { systemUserId };
  }

  /** The acting user for a request, honouring CallerObjectId / MSCRMCallerID. */
  actorFor(principal: Principal, headers: Record<string, string | undefined>): Actor {
    const byObjectId = headers.callerobjectid;
    const bySystemUserId = headers.mscrmcallerid;
    if (!byObjectId && !bySystemUserId) return { userId: principal.systemUserId };
    if (!this.env.hasPrivilege(principal.systemUserId, IMPERSONATION_PRIVILEGE)) {
      throw new DataverseError(
        403,
        ErrorCodes.PrivilegeDenied,
        `Principal user (Id=${principal.systemUserId}, type=8), is missing ${IMPERSONATION_PRIVILEGE} privilege (Id=${stableGuid("privilege", IMPERSONATION_PRIVILEGE)}).`,
      );
    }
    let target: string | undefined;
    if (byObjectId) {
      target = isGuid(byObjectId) ? this.users.findBy("azureactivedirectoryobjectid", normalizeGuid(byObjectId)) : undefined;
      if (!target) throw notFoundRecord("systemuser", byObjectId);
    } else {
      target = isGuid(bySystemUserId) ? normalizeGuid(bySystemUserId!) : undefined;
      if (!target || !this.env.get("systemuser", target)) throw notFoundRecord("systemuser", bySystemUserId!);
    }
    return target === principal.systemUserId ? { userId: target } : { userId: target, onBehalfOfId: principal.systemUserId };
  }
}
