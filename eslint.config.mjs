// Flat config: typescript-eslint everywhere; the Power Apps checker rules on code that runs inside Dynamics 365.
import tseslint from "typescript-eslint";
import powerApps from "@microsoft/eslint-plugin-power-apps";
import globals from "globals";

const browserCode = ["pcf/**/*.{ts,tsx}", "webresources/**/*.ts"];

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**", "**/out/**", "**/dist/**", "**/generated/**", "**/coverage/**",
      ".data/**", "test-results/**", "**/*.d.ts", "scripts/vendor/**",
    ],
  },
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: browserCode,
    plugins: { "@microsoft/power-apps": powerApps },
    languageOptions: { globals: { ...globals.browser, Xrm: "readonly" } },
    rules: { ...powerApps.configs.paCheckerHosted.rules },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
