import { defineConfig } from 'devloop';

// A project shaped like real ones: the API from a Helm chart, the database
// (a public image) and its migration Job from a Kustomize overlay, a CRD with
// one custom object, and code generation run on the host before the API image
// is built. Only what the manifests cannot say is configured here: the rest
// (db, migrate) becomes a resource by itself, named after its workload.
export default defineConfig({
  images: {
    'shop-api': { context: 'api' },
  },
  manifests: [
    'k8s/crd/*.yaml',
    { helm: { chart: 'charts/api', releaseName: 'api', values: ['charts/api/values-dev.yaml'] } },
    { kustomize: 'k8s/overlays/dev' },
  ],
  local: {
    // Code generation on the host: runs at start and when the schema changes, before the API image is planned.
    gen: { command: ['sh', 'scripts/gen.sh'], deps: ['api/schema'] },
  },
  resources: {
    api: { portForwards: ['8081:8080'], dependsOn: ['migrate'] },
    migrate: { dependsOn: ['db'] },
  },
  cluster: {
    k3d: { name: 'dev' },
  },
});
