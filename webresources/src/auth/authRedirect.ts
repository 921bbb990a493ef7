/**
 * Script of the `AuthRedirect.html` web resource: MSAL Browser v5 sends silent (iframe) and popup
 * sign-in responses to this page, which hands them back to the form over a BroadcastChannel.
 * It must be served from the Dynamics origin, hence a web resource.
 */
import { broadcastResponseToMainFrame } from "@azure/msal-browser/redirect-bridge";

broadcastResponseToMainFrame().catch((error: unknown) => {
  // The page is hidden or closes itself; the console is the only place a person can look.
  console.error("Co-sell sign-in response could not be handed back to the form", error);
});
