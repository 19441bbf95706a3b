// GraphQL Code Generator: TypeScript types for the schema and for every example operation, as a
// client team generates them. tests/contract/test_codegen.py runs it and then `tsc --strict`.
// The output goes where TUANSTACK_CODEGEN_OUT says (the test's temporary directory).
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../graphql/schema.graphql",
  documents: "../graphql/operations/*.graphql",
  generates: {
    [process.env.TUANSTACK_CODEGEN_OUT ?? "generated/graphql.ts"]: {
      plugins: ["typescript", "typescript-operations"],
      config: {
        // A scalar added to the schema without a mapping here fails generation instead of becoming `any`.
        strictScalars: true,
        // Outputs as the server writes them (isoformat); inputs are whatever string the client has.
        // Money needs no mapping: it is an object type {amount: Int!, currency: String!}, integers in fen.
        scalars: {
          Date: { input: "string", output: "`${number}-${number}-${number}`" },
          DateTime: { input: "string", output: "`${number}-${number}-${number}T${string}`" },
        },
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false },
        useTypeImports: true,
      },
    },
  },
};

export default config;
