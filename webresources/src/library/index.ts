/**
 * Entry of the `CoSellLibrary.js` web resource (an ES module): the co-sell rules and the relay
 * client, which the form scripts import only when a record is shared or a command runs. It holds
 * no state the form scripts share (notifications, configuration cache stay in the scripts).
 */
export { checkOpportunity, relayProblems, type CheckOutcome } from "../crm/coSellChecks";
export { relayClientFor } from "../relay/connect";
