import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeError } from './kube-client.ts';

/**
 * Authenticated GETs to the API server over node:http(s), with the TLS and
 * authorization settings of the current context (`applyToHTTPSOptions`).
 * Used where client-node's helpers are unsafe or convert too much: followed
 * log streams (its `Log` never calls `done` and loses error bodies) and
 * lists whose JSON devloop wants as the API wrote it.
 */
export async function rawGet(
  config: KubeConfig,
  path: string,
  signal?: AbortSignal,
): Promise<{ readonly status: number; readonly body: http.IncomingMessage }> {
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new Error('the kube context has no cluster server');
  const url = new URL(server.replace(/\/$/, '') + path);
  const options: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
  await config.applyToHTTPSOptions(options);
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { ...options, ...(signal ? { signal } : {}) }, (res) => {
      resolve({ status: res.statusCode ?? 0, body: res });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads a whole response body as text. */
export async function readBody(body: http.IncomingMessage): Promise<string> {
  body.setEncoding('utf8');
  let text = '';
  for await (const chunk of body) text += chunk;
  return text;
}

/** A JSON GET; non-2xx answers become `KubeError`s. */
// biome-ignore lint/suspicious/noExplicitAny: the API's JSON, narrowed by each caller
export async function getJson(config: KubeConfig, path: string): Promise<{ ok: true; value: any } | { ok: false; error: KubeError }> {
  try {
    const { status, body } = await rawGet(config, path);
    const text = await readBody(body);
    if (status >= 200 && status < 300) return { ok: true, value: JSON.parse(text) };
    return { ok: false, error: statusError(status, text) };
  } catch (error) {
    return { ok: false, error: transportError(error) };
  }
}

/** A `KubeError` from an HTTP status and its (JSON `Status`) body. */
export function statusError(status: number, bodyText: string): KubeError {
  let message = bodyText.trim().slice(0, 500);
  try {
    const parsed = JSON.parse(bodyText) as { message?: string };
    if (parsed.message) message = parsed.message;
  } catch {
    // not JSON: keep the text
  }
  if (status === 404) return { reason: 'kube-not-found', message };
  if (status === 403 || status === 401) return { reason: 'kube-forbidden', message };
  if (status === 409) return { reason: 'kube-conflict', message };
  if (status === 422) return { reason: 'kube-invalid', message };
  if (status === 400 && /waiting to start|ContainerCreating|PodInitializing|is not valid for pod|not found/.test(message)) {
    return { reason: 'kube-container-not-started', message };
  }
  if (status === 400) return { reason: 'kube-invalid', message };
  return { reason: 'kube-api-error', status, message };
}

/** A `KubeError` from a thrown transport error (connection refused, abort, TLS). */
export function transportError(error: unknown): KubeError {
  const e = error as { name?: string; code?: string; message?: string };
  if (e?.name === 'AbortError' || e?.code === 'ABORT_ERR') return { reason: 'kube-aborted', message: 'aborted' };
  return { reason: 'kube-unreachable', message: `${e?.code ? `${e.code}: ` : ''}${e?.message ?? String(error)}` };
}
