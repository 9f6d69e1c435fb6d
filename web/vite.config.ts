import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// SLATE_WEB_DEV_SIGNIN=0 (npm run build:prod) compiles the development sign-in out of the bundle;
// even when compiled in, it shows only when the server says the stack runs in development mode.
const devSignIn = process.env.SLATE_WEB_DEV_SIGNIN !== '0';
const gateway = process.env.SLATE_GATEWAY_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [react()],
  define: { __DEV_SIGNIN__: JSON.stringify(devSignIn) },
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 700 },
  // `npm run dev` (hot reload on :5173): the GraphQL endpoint and /config.json, /dev/token come
  // from server.mjs on :3000 (make run starts it), so both serve the same app.
  server: {
    port: 5173,
    proxy: {
      '/graphql': { target: gateway, ws: true },
      '/config.json': 'http://127.0.0.1:3000',
      '/dev/': 'http://127.0.0.1:3000',
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.mjs'],
  },
});
