/**
 * Entry of the separately built `Msal.js` web resource (an ES module). The form scripts import it
 * on demand, so sellers who never share a deal never download MSAL.
 */
export { InteractionRequiredAuthError, PublicClientApplication } from "@azure/msal-browser";
