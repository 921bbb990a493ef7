/**
 * Partner Center's own user roles for referrals (partner-center-api.md §1): a Referrals Admin reads
 * and writes every referral in their locations; a Referrals User is limited to their locations and
 * sees a deal only when they are on its team. Roles live in Partner Center, not in the token, so
 * the emulator keeps the directory that tests and the sandbox seed.
 */
export type ReferralsRole = "Referrals Admin" | "Referrals User";

export interface PartnerUser {
  upn: string;
  /** Entra ID object id; matched when the token has no upn. */
  oid?: string;
  role: ReferralsRole;
  /** Business location ids the user is scoped to, or "all" (global scope). Default "all". */
  locations?: "all" | string[];
}

export class UserDirectory {
  private readonly users = new Map<string, PartnerUser>();

  constructor(seed: PartnerUser[] = []) {
    seed.forEach((user) => this.add(user));
  }

  add(user: PartnerUser): PartnerUser {
    if (!user.upn || !/^[^@\s]+@[^@\s]+$/.test(user.upn)) throw new Error(`A Partner Center user needs a upn like name@contoso.example; got '${user.upn}'.`);
    if (user.role !== "Referrals Admin" && user.role !== "Referrals User") {
      throw new Error(`Unknown Partner Center role '${String(user.role)}'; use "Referrals Admin" or "Referrals User".`);
    }
    const entry = { ...user, locations: user.locations ?? "all" };
    this.users.set(user.upn.toLowerCase(), entry);
    return entry;
  }

  remove(upn: string): boolean {
    return this.users.delete(upn.toLowerCase());
  }

  find(claims: { upn?: string; oid?: string }): PartnerUser | undefined {
    if (claims.upn) {
      const byUpn = this.users.get(claims.upn.toLowerCase());
      if (byUpn) return byUpn;
    }
    return claims.oid ? this.list().find((u) => u.oid === claims.oid) : undefined;
  }

  list(): PartnerUser[] {
    return [...this.users.values()];
  }
}
