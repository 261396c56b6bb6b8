/**
 * The web app (src/web) built into dist/web, which the server serves. `npm run dev:web` runs the
 * Vite dev server with hot reload and forwards the API and the socket to a running server.
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// 127.0.0.1, not localhost: with dev login the server listens on IPv4 loopback only.
const backend = process.env.LOTUSDESK_BACKEND ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;

export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    // The timing report is advice for plugin authors; on `npm start` it only looks like an error.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    proxy: {
      '/api': backend,
      '/ws': { target: backend.replace(/^http/, 'ws'), ws: true },
    },
  },
});
