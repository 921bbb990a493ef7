import { hello } from "./index";
test("hello", () => { expect(hello("x")).toBe("hello x"); });
