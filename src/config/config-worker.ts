import { parentPort, workerData } from 'node:worker_threads';
import { type ConfigAnswer, type ConfigRequest, importConfig } from './import-config.ts';

/** A message from the config worker: the file whose loading starts, then the answer. */
export type ConfigWorkerMessage =
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'answer'; readonly answer: ConfigAnswer };

// The worker's entry: loads what it is asked for (in `workerData`, or in the
// first message to a worker started ahead of need) and posts plain data back.
const post = (message: ConfigWorkerMessage) => parentPort?.postMessage(message);
// Not a top-level await: a config that never settles must let this worker end quietly.
const run = (request: ConfigRequest) =>
  void importConfig(request, (file) => post({ kind: 'file', file })).then((answer) => post({ kind: 'answer', answer }));
if (workerData) run(workerData as ConfigRequest);
else
  parentPort?.once('message', (request: ConfigRequest) => {
    // Nothing more will come: the port must not keep the worker alive.
    parentPort?.unref();
    run(request);
  });
