// GraphQL Code Generator: typed operations from the composed API schema (scripts/schema.mjs writes
// src/gql/schema.graphql from services/*/schema.graphql). Every `graphql(...)` call in src/ is
// validated against it; an operation that no longer matches the schema fails codegen, and a
// changed result type fails the type check.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'src/gql/schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  errorsOnly: true,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string' },
        strictScalars: true,
        avoidOptionals: { field: true, inputValue: false, object: false },
        skipTypename: false,
      },
    },
  },
};

export default config;
