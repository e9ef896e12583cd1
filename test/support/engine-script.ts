import type { Problem } from '../../src/core/problem.ts';
import type { Action } from '../../src/engine/actions.ts';

/** Epoch ms the scripted runs start at. */
export const t0 = 1_700_000_000_000;

/** The tag the scripted build produces. */
export const helloTag = 'dl-3f9a1b2c4d5e';

/** One resource `hello` running image `hello`, as the engine announces it. */
export const engineStarted: Action = {
  type: 'engine-started',
  at: t0,
  resources: [{ name: 'hello', images: ['hello'], dependsOn: [], trigger: 'auto' }],
  images: ['hello'],
};

/**
 * A full successful iteration: a change to site/index.html seen at t0+1000,
 * rebuilt from step 5/7, pushed, patched, rolled out, ready at t0+3400 (edit-to-ready 2.4s).
 */
export const successScript: readonly Action[] = [
  engineStarted,
  { type: 'watch-ready', at: t0 + 50, files: 12 },
  { type: 'changes-detected', at: t0 + 1150, paths: ['site/index.html'], firstSeenAt: t0 + 1000 },
  { type: 'iteration-started', at: t0 + 1200, iteration: 1, resources: ['hello'], changeSeenAt: t0 + 1000 },
  {
    type: 'plan-completed',
    at: t0 + 1300,
    startedAt: t0 + 1200,
    plans: [
      {
        image: 'hello',
        rebuild: true,
        tag: helloTag,
        reference: `hello:${helloTag}`,
        digest: 'sha256:3f9a1b2c4d5e',
        firstInvalidatedStep: 'step 5/7 COPY site/ /srv/',
        changedInputs: ['site/index.html'],
        explanation: 'site/index.html changed',
      },
    ],
  },
  { type: 'build-started', at: t0 + 1310, image: 'hello' },
  { type: 'build-output', at: t0 + 1400, image: 'hello', line: 'Step 5/7 : COPY site/ /srv/' },
  { type: 'build-step', at: t0 + 1400, image: 'hello', step: { index: 5, total: 7, text: 'COPY site/ /srv/' } },
  { type: 'build-completed', at: t0 + 2300, image: 'hello', ref: `hello:${helloTag}`, cached: false, durationMs: 990, builder: 'BuildKit' },
  { type: 'delivery-started', at: t0 + 2310, images: ['hello'] },
  {
    type: 'delivery-completed',
    at: t0 + 2700,
    delivered: [
      {
        image: 'hello',
        tag: helloTag,
        deployRef: `k3d-registry.localhost:5000/hello:${helloTag}`,
        imagePullPolicy: 'IfNotPresent',
        stage: 'registry-push',
      },
    ],
  },
  { type: 'deploy-started', at: t0 + 2710, resource: 'hello', mode: 'patch' },
  { type: 'deploy-completed', at: t0 + 2800, resource: 'hello', tags: { hello: helloTag } },
  {
    type: 'rollout-progress',
    at: t0 + 3000,
    resource: 'hello',
    progress: { message: '1 of 1 updated pods not ready', podsReady: 0, podsWanted: 1 },
  },
  {
    type: 'resource-ready',
    at: t0 + 3400,
    resource: 'hello',
    progress: { message: 'ready', podsReady: 1, podsWanted: 1 },
    unchanged: false,
  },
  { type: 'iteration-completed', at: t0 + 3400, iteration: 1, ok: true },
];

/** The diagnosis the failing iteration ends with. */
export const crashLoop: Problem = {
  stage: 'rollout',
  reason: 'crash-loop',
  message: 'container web of hello-7d9c6b5f4-x2k8q keeps exiting (exit code 1, CrashLoopBackOff)',
  fix: 'look at the last log lines below; the start command fails',
  details: ['node:internal/modules/cjs/loader:1228', "Error: Cannot find module '/srv/app.js'"],
};

/** After `successScript`: a second edit whose new pod crash-loops. */
export const failureScript: readonly Action[] = [
  { type: 'changes-detected', at: t0 + 10_100, paths: ['site/app.js'], firstSeenAt: t0 + 10_000 },
  { type: 'iteration-started', at: t0 + 10_200, iteration: 2, resources: ['hello'], changeSeenAt: t0 + 10_000 },
  {
    type: 'plan-completed',
    at: t0 + 10_300,
    startedAt: t0 + 10_200,
    plans: [
      {
        image: 'hello',
        rebuild: true,
        tag: 'dl-77aa88bb99cc',
        reference: 'hello:dl-77aa88bb99cc',
        digest: 'sha256:77aa88bb99cc',
        firstInvalidatedStep: 'step 5/7 COPY site/ /srv/',
        changedInputs: ['site/app.js'],
        explanation: 'site/app.js changed',
      },
    ],
  },
  { type: 'build-started', at: t0 + 10_310, image: 'hello' },
  { type: 'build-completed', at: t0 + 11_000, image: 'hello', ref: 'hello:dl-77aa88bb99cc', cached: false, durationMs: 690 },
  { type: 'delivery-started', at: t0 + 11_010, images: ['hello'] },
  {
    type: 'delivery-completed',
    at: t0 + 11_300,
    delivered: [
      {
        image: 'hello',
        tag: 'dl-77aa88bb99cc',
        deployRef: 'k3d-registry.localhost:5000/hello:dl-77aa88bb99cc',
        imagePullPolicy: 'IfNotPresent',
        stage: 'registry-push',
      },
    ],
  },
  { type: 'deploy-started', at: t0 + 11_310, resource: 'hello', mode: 'patch' },
  { type: 'deploy-completed', at: t0 + 11_400, resource: 'hello', tags: { hello: 'dl-77aa88bb99cc' } },
  { type: 'resource-failed', at: t0 + 14_000, resource: 'hello', problem: crashLoop },
  { type: 'iteration-completed', at: t0 + 14_000, iteration: 2, ok: false },
];
