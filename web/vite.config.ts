import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Each app lives under its own path; client-side routes fall back to the app's page. */
const apps = ['seller', 'admin', 'm'] as const;

/** In `vite dev`, serve /seller/anything with seller/index.html, like the server does in production. */
function spaFallback(): Plugin {
  return {
    name: 'qiandian-spa-fallback',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const url = req.url ?? '/';
        const pathname = url.split('?')[0] ?? '/';
        for (const app of apps) {
          const isApp = pathname === `/${app}` || pathname.startsWith(`/${app}/`);
          const looksLikeFile = /\.[a-z0-9]+$/i.test(pathname) || pathname.startsWith(`/${app}/@`);
          if (isApp && !looksLikeFile && req.headers.accept?.includes('text/html')) {
            req.url = `/${app}/index.html`;
          }
        }
        next();
      });
    },
  };
}

/**
 * Fails the build when a page would load another app's UI kit: antd belongs to /seller and /admin,
 * antd-mobile to /m, and no page may import another page's entry chunk.
 */
function separateApps(): Plugin {
  const forbidden: Record<string, RegExp> = {
    m: /[\\/]node_modules[\\/](antd|@ant-design)[\\/]/,
    seller: /[\\/]node_modules[\\/]antd-mobile[\\/]/,
    admin: /[\\/]node_modules[\\/]antd-mobile[\\/]/,
    index: /[\\/]node_modules[\\/](antd|antd-mobile|react-dom)[\\/]/,
  };
  return {
    name: 'qiandian-separate-apps',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle).flatMap((item) => (item.type === 'chunk' ? [[item.fileName, item] as const] : [])),
      );
      const entries = [...chunks.values()].filter((c) => c.isEntry);
      for (const entry of entries) {
        const seen = new Set<string>();
        const walk = (fileName: string) => {
          if (seen.has(fileName)) return;
          seen.add(fileName);
          const chunk = chunks.get(fileName);
          if (!chunk) return;
          if (chunk !== entry && chunk.isEntry) this.error(`${entry.name} imports the entry chunk of ${chunk.name}`);
          const bad = chunk.moduleIds.find((id) => forbidden[entry.name]?.test(id));
          if (bad) this.error(`${entry.name} would load ${bad}`);
          chunk.imports.forEach(walk);
        };
        walk(entry.fileName);
      }
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [react(), spaFallback(), separateApps()],
  server: {
    port: 5173,
    // The API server (`npm start` listens on 3000); QD_API points elsewhere.
    proxy: { '/api': { target: process.env.QD_API ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: {
        index: here('./index.html'),
        seller: here('./seller/index.html'),
        admin: here('./admin/index.html'),
        m: here('./m/index.html'),
      },
    },
  },
});
