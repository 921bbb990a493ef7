/**
 * The form scripts' own strings in English: the source of the 1033 RESX web resource and the
 * fallback when the platform has no string for a key. Other languages live beside this file.
 * Co-sell rule messages are not here: they come from `@cosell/core`.
 */
export const en = {
  configUnreadable:
    "Co-sell settings could not be read ({detail}). The relay still checks and syncs this record in the background.",
  relayUrlMissing:
    "Co-sell: the relay URL (environment variable {variable}) is empty, so this form cannot send changes to Partner Center directly. Ask your administrator to set it.",
  configIssue: "Co-sell setting {variable} needs attention: {message} {fix}",
  lastSyncError: "Last sync with Partner Center failed: {message}",
  fixHint: "How to fix: {fix}",
  saveBlocked:
    "Not saved: this opportunity cannot be shared with Microsoft yet. Fix the problems marked on the form, or set Sync with Partner Center to No to save without sharing.",
  checksUnavailable:
    "Co-sell checks could not run ({detail}). The relay checks the record again before anything reaches Partner Center.",
  syncing: "Sharing with Microsoft…",
  synced: "Shared with Microsoft. Referral {referralId}.",
  noop: "Partner Center is already up to date.",
  queued: "Queued for Partner Center. The result appears in Audit in a moment.",
  syncFailed: "Partner Center did not take the change: {message}",
  invalid: "Not shared with Microsoft: fix the problems marked on the form.",
  unreachableSaved:
    "The co-sell relay could not be reached ({reason}). Your changes are saved; the background sync sends them to Partner Center within a few minutes.",
  unreachableNothingChanged: "The co-sell relay could not be reached ({reason}). Nothing was changed; try again later.",
  unauthorized:
    "The co-sell relay did not accept your sign-in{detail}. Sign out of Dynamics 365 and back in; if that does not help, ask your administrator to check the relay's app registration.",
  signInFailed: "You could not be signed in to the co-sell relay ({detail}).",
  popupBlocked:
    "Signing in needs a pop-up window, and the browser blocked it. Allow pop-ups for this site, then try again.",
  relayFailed: "The co-sell relay reported a problem: {title}. {detail}",
  libraryUnavailable:
    "The co-sell script library ({library}) could not be loaded: {detail}. Reload the page; if this keeps happening, ask your administrator to check that the co-sell solution is imported completely.",
  referralPending: "This lead is a referral from Partner Center waiting for your answer: accept or decline it from the command bar.",
  acceptTitle: "Accept referral",
  acceptText:
    "Accept this referral in Partner Center? The lead is qualified into an opportunity and Microsoft sees that you accepted.",
  accepting: "Accepting the referral…",
  accepted: "Referral accepted. Opening the new opportunity.",
  declineTitle: "Decline referral",
  declineText: "Decline this referral in Partner Center with the reason “{reason}”? This cannot be undone.",
  declining: "Declining the referral…",
  declined: "Referral declined in Partner Center.",
  declineReasonRequired: "Enter why you decline this referral, then choose Decline referral again.",
  declineReasonNotOnForm:
    "This form has no Decline reason column ({column}). Ask your administrator to add it to the Lead form.",
  saveFirst: "Save the record first.",
};

export type StringKey = keyof typeof en;
export type StringTable = Record<StringKey, string>;
