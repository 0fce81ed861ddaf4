import { defineConfig } from 'vitest/config';

// Two projects run the same suite: one on the Wasm engine and one on the JS engine
// (wasm2js of the same kernel). test/helpers/engine.ts reads KSTACK_ENGINE.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/helpers/setup.ts'],
    projects: [
      { extends: true, test: { name: 'wasm', include: ['test/**/*.test.ts'], env: { KSTACK_ENGINE: 'wasm' } } },
      {
        extends: true,
        test: {
          name: 'js',
          include: ['test/**/*.test.ts'],
          exclude: ['test/arch/**', 'test/tools/**'],
          env: { KSTACK_ENGINE: 'js' },
        },
      },
    ],
  },
});
