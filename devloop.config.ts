import { defineConfig } from 'devloop';

// The example app under examples/hello: `npx devloop up` builds it, delivers it
// to the k3d cluster `dev`, rolls it out and forwards http://localhost:8080.
export default defineConfig({
  images: {
    'hello-web': {
      context: 'examples/hello/app',
    },
  },
  manifests: ['examples/hello/k8s/*.yaml'],
  resources: {
    hello: {
      containers: { web: 'hello-web' },
      portForwards: ['8080:8080'],
    },
  },
  cluster: {
    k3d: { name: 'dev' },
  },
});
