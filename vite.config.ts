// Builds the browser app from client/ into dist/client. Relative asset URLs
// ('./') let the same build serve at / or under any BASE_PATH.
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'client',
  base: './',
  plugins: [preact()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});
