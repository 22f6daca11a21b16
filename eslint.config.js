// @ts-check
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");

module.exports = tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "cdktf.out/**", ".gen/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // The AWS provider's package root loads every resource: 4 s and 560 MB per synth instead of 0.25 s.
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@cdktf/provider-aws",
              message: "Import the resource by deep path, e.g. '@cdktf/provider-aws/lib/cloudwatch-event-rule'.",
            },
          ],
          patterns: [
            {
              regex: "^@cdktf/provider-aws/lib(/(index|lazy-index)(\\.js)?)?/?$",
              message: "Import the resource by deep path, e.g. '@cdktf/provider-aws/lib/cloudwatch-event-rule'.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", process: "readonly", __dirname: "readonly", console: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
