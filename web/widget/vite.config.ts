import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The Web Chat widget, built apart from the dashboard into web/dist/widget/:
//   sdk.js      the loader a host page includes with one <script> tag (fixed name, no hash)
//   frame.html  the chat UI, served inside an iframe by hudhud at /widget/frame
// `npm run build` runs this after the dashboard build (which empties web/dist).
const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/widget/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/widget', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    modulePreload: false,
    rollupOptions: {
      input: {
        frame: fileURLToPath(new URL('frame.html', import.meta.url)),
        sdk: fileURLToPath(new URL('src/sdk.ts', import.meta.url)),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sdk' ? 'sdk.js' : 'assets/[name]-[hash].js'),
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
});
