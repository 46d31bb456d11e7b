// The console: built into dist/web by `npm run build`, served by the API process at /app.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  // Preact's JSX runtime without a plugin: esbuild compiles TSX, Preact renders it.
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // No inline assets: the page's CSP allows scripts and styles from files of the same origin.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
