/**
 * Controls on one form share the page but not their data: when the solutions grid attaches or
 * detaches a solution, the platform tells no other control. The grid announces it on the window
 * and HelpNeeded re-checks what co-sell still needs, so the two never disagree on screen.
 */
const SOLUTIONS_CHANGED = "cosell:solutionschanged";

interface SolutionsChanged {
  opportunityId: string;
}

export function announceSolutionsChanged(opportunityId: string): void {
  window.dispatchEvent(new CustomEvent<SolutionsChanged>(SOLUTIONS_CHANGED, { detail: { opportunityId } }));
}

/** Calls `listener` when the solutions of `opportunityId` change; returns the unsubscribe function. */
export function onSolutionsChanged(opportunityId: string, listener: () => void): () => void {
  const handler = (event: Event) => {
    if ((event as CustomEvent<SolutionsChanged>).detail?.opportunityId === opportunityId) listener();
  };
  window.addEventListener(SOLUTIONS_CHANGED, handler);
  return () => window.removeEventListener(SOLUTIONS_CHANGED, handler);
}
