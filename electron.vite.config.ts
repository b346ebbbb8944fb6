import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // keytar is an optional dependency: loaded at run time when present, never bundled.
      externalizeDeps: { include: ['keytar'] },
      // The analytics worker is a bundle of its own beside index.js (core/analytics/analysis-runner.ts).
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          'analysis.worker': resolve('src/core/analytics/analysis.worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be one CommonJS file that requires nothing but electron.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      target: 'es2022',
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
