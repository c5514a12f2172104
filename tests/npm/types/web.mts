// Type-checked, never run: the browser build's entry points, as a page or a bundler uses them.
import init, { Cluster, initSync, type InitOutput, type Trace } from "kroute/web";

declare const bytes: Uint8Array;

async function page(): Promise<Trace> {
  const output: InitOutput = await init(); // fetches kroute_bg.wasm next to the module
  await init({ module_or_path: new URL("kroute_bg.wasm", import.meta.url) });
  output.memory satisfies WebAssembly.Memory;
  const cluster = new Cluster();
  return cluster.route({ url: "http://example.com/" });
}

function worker(): void {
  initSync({ module: bytes });
}

export { page, worker };
