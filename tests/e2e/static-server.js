// A tiny static file server for the built page: 127.0.0.1 only, a free port chosen by the OS,
// the right MIME type for .wasm (browsers refuse to stream-compile it otherwise), nothing else.
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Serves `root` on 127.0.0.1:<free port>; resolves to { url, close() }. */
async function serveStatic(root) {
  const absoluteRoot = path.resolve(root);
  if (!fs.existsSync(path.join(absoluteRoot, 'index.html'))) {
    throw new Error(`${absoluteRoot}/index.html is missing: build the page first (cargo xtask test does)`);
  }
  const server = http.createServer((request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const relative = urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath;
    const file = path.join(absoluteRoot, path.normalize(relative));
    if (!file.startsWith(absoluteRoot + path.sep)) {
      response.writeHead(403).end('forbidden');
      return;
    }
    fs.readFile(file, (error, body) => {
      if (error) {
        response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      const type = MIME_TYPES[path.extname(file)] || 'application/octet-stream';
      response.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

module.exports = { serveStatic };
