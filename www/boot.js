// Starts the wasm app.
//
// Trunk's default loader is an inline <script>, which this page's Content-Security-Policy
// forbids. Instead Trunk writes the hashed file names into <meta name="kroute-wasm"> (see
// `pattern_script` in Trunk.toml) and this file, served from 'self', loads them.
const meta = document.querySelector('meta[name="kroute-wasm"]');
if (meta === null) {
  throw new Error('kroute: <meta name="kroute-wasm"> is missing; was the page built by Trunk?');
}
const { default: init } = await import(meta.dataset.js);
await init({ module_or_path: meta.content });
