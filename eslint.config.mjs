// Rules tsc does not enforce (README, "Layout"): a promise nobody awaits loses its failure, `any`
// switches the checker off, and `!` asserts what the code should prove. Type-aware, so it reads
// both tsconfigs.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '**/.wrangler/**', 'dist/**', 'cli/dist/**', 'coverage/**', '**/*.mjs', '**/*.js', 'drizzle.config.ts', 'vitest.config.mts'] },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json', './tsconfig.node.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
);
