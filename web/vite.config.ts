import { defineConfig } from 'vite';

// `npm run dev` proxies the API to a running server (the C++ one, or the e2e mock):
// HUDHUD_API_URL=http://127.0.0.1:8080 npm run dev
const apiTarget = process.env.HUDHUD_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    proxy: {
      // ws: the inbox's live updates (/api/v1/ws) go through the proxy too.
      '/api': { target: apiTarget, changeOrigin: false, ws: true },
    },
  },
});
