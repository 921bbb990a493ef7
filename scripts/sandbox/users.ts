/**
 * The people of the sandbox. The seller owns the sample deals and is who the harness signs in as;
 * the admin is the Partner Center Referrals Admin the relay acts as. Both exist in the Partner
 * Center emulator's default user directory under the same sign-in names.
 */
export interface SandboxUser {
  upn: string;
  firstName: string;
  lastName: string;
  /** Partner Center lists the partner's team with a phone number, so the seller needs one. */
  phone: string;
  title: string;
}

export const SELLER: SandboxUser = {
  upn: "seller@contoso.example",
  firstName: "Avery",
  lastName: "Howard",
  phone: "+1 425 555 0142",
  title: "Account Executive",
};

export const ADMIN: SandboxUser = {
  upn: "admin@contoso.example",
  firstName: "Dana",
  lastName: "Whitley",
  phone: "+1 425 555 0100",
  title: "CRM Administrator",
};

export const SANDBOX_USERS: readonly SandboxUser[] = [SELLER, ADMIN];

export const fullName = (user: SandboxUser): string => `${user.firstName} ${user.lastName}`;

export function sandboxUser(upn: string): SandboxUser | undefined {
  return SANDBOX_USERS.find((user) => user.upn.toLowerCase() === upn.trim().toLowerCase());
}
