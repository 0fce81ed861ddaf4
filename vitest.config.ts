import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// Two projects run the same suite: one on the Wasm engine and one on the JS engine
// (wasm2js of the same kernel). test/helpers/engine.ts reads KSTACK_ENGINE.
// A third, `browser`, runs test/host/**/*.browser.test.ts in real Chromium (worker
// processes as module Web Workers): `npm run test:browser`. SharedArrayBuffer needs a
// cross-origin isolated page, hence COOP/COEP on everything the test server sends.
// Without @vitest/browser-playwright installed (an old node_modules) that project is left out.
const playwright = await import('@vitest/browser-playwright').then((m) => m.playwright, () => null);
const browser: TestProjectInlineConfiguration[] = !playwright ? [] : [{
  extends: true,
  server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  test: {
    name: 'browser',
    include: ['test/host/**/*.browser.test.ts'],
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' } }),
      instances: [{ browser: 'chromium' }],
    },
  },
}];
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
      ...browser,
    ],
  },
});
