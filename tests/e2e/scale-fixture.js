// Large clusters for the scale test (scale.spec.js) and the browser benchmark (bench-web.js):
// manifests of one Deployment of N replicas spread over nodes of 100 pods each, three Services
// selecting all of them, and a few pods no node accepts, opened through a share link (the
// workspace deflated into the URL fragment, as the page's Share button makes it).
const zlib = require('node:zlib');

/** Nodes every cluster starts with (ClusterConfig::default_nodes): node-1…node-3. */
const DEFAULT_NODES = 3;
/** Pods of the `stuck` Deployment: their nodeSelector matches no node, so they stay Pending. */
const UNSCHEDULED = 3;
/** The NodePort the request goes to, on node-1 (172.18.0.2). */
const NODE_PORT = 30080;

/** The manifests: `pods` replicas of `web` on `pods / 100` nodes (the default three included). */
function scaleManifest(pods) {
  const nodes = Math.max(DEFAULT_NODES, Math.ceil(pods / 100));
  const docs = [];
  for (let i = 1; i <= nodes - DEFAULT_NODES; i += 1) {
    docs.push(
      [
        'apiVersion: v1',
        'kind: Node',
        'metadata:',
        `  name: worker-${String(i).padStart(3, '0')}`,
        `  labels: {topology.kubernetes.io/zone: zone-${'abc'[i % 3]}}`,
      ].join('\n'),
    );
  }
  const deployment = (name, replicas, extra) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      `metadata: {name: ${name}}`,
      'spec:',
      `  replicas: ${replicas}`,
      `  selector: {matchLabels: {app: ${name}}}`,
      '  template:',
      `    metadata: {labels: {app: ${name}}}`,
      '    spec:',
      ...extra,
      '      containers:',
      `      - {name: ${name}, image: nginx:1.27, ports: [{name: http, containerPort: 8080}]}`,
    ].join('\n');
  docs.push(deployment('web', pods, []));
  docs.push(deployment('stuck', UNSCHEDULED, ['      nodeSelector: {disk: none}']));
  const service = (name, type, port) =>
    [
      'apiVersion: v1',
      'kind: Service',
      `metadata: {name: ${name}}`,
      'spec:',
      `  type: ${type}`,
      '  selector: {app: web}',
      `  ports: [{name: http, port: 80, targetPort: http${port ? `, nodePort: ${port}` : ''}}]`,
    ].join('\n');
  docs.push(service('web', 'ClusterIP'));
  docs.push(service('web-nodeport', 'NodePort', NODE_PORT));
  docs.push(service('web-lb', 'LoadBalancer'));
  return `# ${pods} pods of web on ${nodes} nodes, and ${UNSCHEDULED} that no node accepts\n${docs.join('\n---\n')}\n`;
}

/** The share-link fragment (`#s=…`) that opens the page on `scaleManifest(pods)`. */
function scaleFragment(pods) {
  const saved = {
    text: scaleManifest(pods),
    request: {
      from: { kind: 'external' },
      url: `http://172.18.0.2:${NODE_PORT}/`,
      method: 'GET',
      headers: '',
    },
  };
  const packed = zlib.deflateRawSync(Buffer.from(JSON.stringify(saved)), { level: 9 });
  return `#s=${packed.toString('base64url')}`;
}

module.exports = { scaleManifest, scaleFragment, UNSCHEDULED };
