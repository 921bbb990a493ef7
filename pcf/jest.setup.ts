import "@testing-library/jest-dom";
import { configure } from "@testing-library/dom";
import { act } from "react-dom/test-utils";
import { setIconOptions } from "@fluentui/react";

// Model-driven apps register the Fluent icon font; jsdom has none, and every icon is labelled in text.
setIconOptions({ disableWarnings: true });

// user-event drives @testing-library/dom 10, which @testing-library/react 12 (the React 16 line)
// does not configure: wrap its events in act() so React applies their updates before assertions.
configure({
  eventWrapper: (callback) => {
    let result: unknown;
    act(() => {
      result = callback();
    });
    return result;
  },
  asyncWrapper: async (callback) => {
    let result: unknown;
    await act(async () => {
      result = await callback();
    });
    return result;
  },
});
