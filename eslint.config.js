import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['build/**', '.react-router/**', 'node_modules/**', 'data/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The layers (DESIGN.md): app/ and db/ sit below the HTTP edge and never
    // reach up into server/; the runtime reaches them through the router
    // context or as arguments.
    files: ['app/**/*.{ts,tsx}', 'db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            // A regex: in the gitignore-style `group` syntax a leading "#" is a comment.
            { regex: '^(#server/|(\\.\\./)+server/)', message: 'app/ and db/ must not import server/ (the HTTP edge); see DESIGN.md "Layers".' },
          ],
        },
      ],
    },
  },
  {
    // Migrations take Kysely<any> on purpose: they must not depend on today's types.
    files: ['db/migrations/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['server/check-node.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
)
