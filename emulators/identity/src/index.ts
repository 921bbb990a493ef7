export { createTestIdentity } from "./identity";
export type { TestIdentity, TestIdentityOptions, RegisteredApp, TokenRequest } from "./identity";
export { identityRoutes } from "./routes";
