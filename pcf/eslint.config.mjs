// Flat config for `pcf-scripts build` / `pcf-scripts lint`, which run ESLint from this folder.
// Same rules the repository root applies to pcf/**: typescript-eslint plus the Power Apps checker.
import tseslint from "typescript-eslint";
import powerApps from "@microsoft/eslint-plugin-power-apps";
import globals from "globals";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "out/**", "**/generated/**", "**/*.d.ts"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { "@microsoft/power-apps": powerApps },
    languageOptions: { globals: { ...globals.browser, ComponentFramework: "readonly" } },
    rules: {
      ...powerApps.configs.paCheckerHosted.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
