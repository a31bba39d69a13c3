import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The renderer is built once into renderer/dist and served from there by both hosts (the desktop
// app's app:// protocol and the browser host), so asset URLs are relative and nothing is inlined:
// the CSP allows only the app's own files.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  // React's automatic JSX runtime, compiled by Vite's own transformer (no Babel plugin needed).
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: true,
    target: 'chrome130',
    chunkSizeWarningLimit: 2048,
  },
});
