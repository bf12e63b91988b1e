// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'cdk.out/', 'reports/', '.airgap/', 'node_modules/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // Imported from ESM, a CommonJS module's every export is read: the root of aws-cdk-lib thereby loads the entry
      // file of each of its ~300 service modules (~0.3 s of CPU per command that synthesizes), and cdk-nag loads its
      // rules (~0.3 s), which only a synthesis that runs the checks needs (src/infra/app.ts loads it then).
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { name: 'aws-cdk-lib', message: "Import from 'aws-cdk-lib/core' or the service's module." },
        { name: 'cdk-nag', message: 'Loaded only when the checks run (buildApp).', allowTypeImports: true },
      ],
    },
  },
  {
    files: ['bin/**/*.js', 'bench/**/*.{js,mjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
