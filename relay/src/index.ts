import { hello } from "@cosell/core"; export const x: string = hello("relay");
