import { type Problem, problemHeadline, stageFailed } from '../../core/problem.ts';
import type { TextSink } from '../../core/text-sink.ts';
import { unreachable } from '../../core/unreachable.ts';
import type { Action } from '../../engine/actions.ts';
import { componentLabel } from '../../engine/hold.ts';
import { describeDelivery, type LogLine } from '../../engine/ports.ts';
import type { EngineState } from '../../engine/state.ts';
import { localWaitingText, waitingText } from '../../engine/waiting.ts';
import { type Colors, colors as makeColors } from '../colors.ts';
import { printDiagnostics } from '../diagnostic-printer.ts';
import type { ReportedLogs, ReportedStore, Reporter } from './reporter.ts';
import { describeSync, formatDuration, shortPod, stripAnsi } from './text.ts';

export interface PlainReporterOptions {
  readonly store: ReportedStore;
  readonly logs: ReportedLogs;
  readonly sink: TextSink;
  readonly color: boolean;
  /** For printing config diagnostics with short paths. */
  readonly cwd: string;
  /** Also print every build output line (default: only the step a build starts from). */
  readonly buildOutput?: boolean;
}

const palette: readonly (keyof Colors)[] = ['cyan', 'magenta', 'blue', 'yellow', 'green'];

/**
 * Output without a terminal: one prefixed line per significant action
 * (`[hello] ready in 2.4s (edit-to-ready)`), failures with their fix and
 * details indented under them, and pod logs as `[hello web-x2k8q/web] text`.
 * No spinners, no redraws: lines are only ever appended, so it reads well in
 * CI logs and through `tee`.
 */
export class PlainReporter implements Reporter {
  #sink: TextSink;
  #c: Colors;
  #options: PlainReporterOptions;
  #unsubscribe: (() => void)[];
  #closed = false;
  #deliveryStarted = new Map<string, number>();
  #iterationStarted = new Map<number, number>();
  #lastRollout = new Map<string, string>();
  #lastWaiting = new Map<string, string>();
  #prefixColors = new Map<string, keyof Colors>();

  constructor(options: PlainReporterOptions) {
    this.#options = options;
    this.#sink = options.sink;
    this.#c = makeColors(options.color);
    this.#unsubscribe = [
      options.store.subscribe((action, state) => this.#onAction(action, state)),
      // Build lines reach the log pane; here they come from `build-output` (when asked for).
      options.logs.subscribe((line) => line.source !== 'build' && this.#onLog(line)),
    ];
  }

  notice(message: string): void {
    this.#line('devloop', message);
  }

  close(_code: number): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }

  #onLog(line: LogLine): void {
    // A local command's lines have no pod: its name says where they come from.
    const source = line.pod
      ? [line.resource, line.container ? `${shortPod(line.pod)}/${line.container}` : shortPod(line.pod)].join(' ')
      : line.resource;
    const text = line.text.replace(/\r?\n$/, '');
    this.#line(line.resource, this.#options.color ? text : stripAnsi(text), source);
  }

  #onAction(action: Action, state: EngineState): void {
    const c = this.#c;
    switch (action.type) {
      case 'engine-started': {
        [...action.resources, ...(action.locals ?? [])].forEach((r, i) => {
          this.#prefixColors.set(r.name, palette[i % palette.length] ?? 'cyan');
        });
        const resources = action.resources.map((r) => r.name);
        const locals = (action.locals ?? []).map((l) => l.name);
        const localText = locals.length ? ` · ${count(locals.length, 'local command')}: ${locals.join(', ')}` : '';
        this.#line(
          'devloop',
          `${count(resources.length, 'resource')}: ${resources.join(', ')} · ${count(action.images.length, 'image')}${localText}`,
        );
        return;
      }
      case 'watch-ready':
        this.#line('devloop', `watching ${count(action.files, 'file')}`);
        return;
      case 'watch-paused':
        this.#line('devloop', c.yellow('watching paused'));
        return;
      case 'watch-resumed':
        this.#line('devloop', 'watching resumed');
        return;
      case 'watch-failed':
        this.#line('devloop', c.red(`watch error: ${action.message}`));
        return;
      case 'changes-detected': {
        const shown = action.paths.slice(0, 3).join(', ');
        const more = action.paths.length > 3 ? ` (+${action.paths.length - 3} more)` : '';
        this.#line('devloop', `changed: ${shown}${more}`);
        return;
      }
      case 'iteration-started':
        this.#iterationStarted.set(action.iteration, action.changeSeenAt);
        for (const name of action.resources) {
          this.#lastRollout.delete(name);
          this.#lastWaiting.delete(name);
        }
        this.#line('devloop', `iteration ${action.iteration}: ${action.resources.join(', ')}`);
        return;
      case 'plan-completed':
        for (const plan of action.plans) {
          const text = plan.rebuild
            ? `rebuild${plan.firstInvalidatedStep ? ` from ${plan.firstInvalidatedStep}` : ''}: ${plan.explanation}`
            : c.dim(`fresh: ${plan.explanation}`);
          this.#line(plan.image, text);
        }
        return;
      case 'plan-failed':
        this.#problem('devloop', action.problem);
        return;
      case 'build-started': {
        const step = state.images[action.image]?.plan?.firstInvalidatedStep;
        this.#line(action.image, `build started${step ? ` (${step})` : ''}`);
        return;
      }
      case 'build-output':
        if (this.#options.buildOutput) this.#line(action.image, c.dim(`│ ${action.line.replace(/\r?\n$/, '')}`));
        return;
      case 'build-step':
        // The output lines say it already (`--build-output`); the UI's spinner shows it.
        return;
      case 'build-completed':
        this.#line(
          action.image,
          `built ${action.ref} in ${formatDuration(action.durationMs)}${action.builder ? ` with ${action.builder === 'classic' ? 'the classic builder' : action.via === 'engine' ? 'BuildKit (engine API)' : 'BuildKit'}` : ''}${action.cached ? ' (cached)' : ''}`,
        );
        return;
      case 'build-failed':
        this.#problem(action.image, action.problem);
        return;
      case 'build-cancelled':
        this.#line(action.image, c.dim('build cancelled (newer changes)'));
        return;
      case 'delivery-started':
        for (const image of action.images) {
          this.#deliveryStarted.set(image, action.at);
          this.#line(image, 'delivering');
        }
        return;
      case 'delivery-completed':
        for (const d of action.delivered) {
          const started = this.#deliveryStarted.get(d.image);
          const took = started === undefined ? '' : ` in ${formatDuration(action.at - started)}`;
          this.#line(
            d.image,
            d.stage === 'skipped'
              ? `delivered: ${describeDelivery(d)} (${d.deployRef})`
              : `delivered by ${describeDelivery(d)}${took} (${d.deployRef})`,
          );
        }
        return;
      case 'delivery-failed':
        for (const image of action.images) this.#problem(image, action.problem);
        return;
      case 'deploy-started':
        this.#line(action.resource, action.mode === 'patch' ? 'patching image' : 'applying manifests');
        return;
      case 'deploy-completed': {
        const tags = Object.entries(action.tags).map(([image, tag]) => `${image}:${tag}`);
        this.#line(action.resource, `deployed${tags.length ? ` ${tags.join(' ')}` : ''}`);
        return;
      }
      case 'rollout-progress': {
        const text = `rollout: ${action.progress.message} (${action.progress.podsReady}/${action.progress.podsWanted} ready)`;
        if (this.#lastRollout.get(action.resource) === text) return;
        this.#lastRollout.set(action.resource, text);
        this.#line(action.resource, text);
        return;
      }
      case 'resource-waiting':
        this.#waiting(action.resource, waitingText(action.waiting));
        return;
      case 'resource-ready': {
        if (action.unchanged) {
          this.#line(action.resource, c.green('ready (unchanged)'));
          return;
        }
        const since = state.resources[action.resource]?.timeline?.changeSeenAt;
        this.#line(
          action.resource,
          c.green(since === undefined ? 'ready' : `ready in ${formatDuration(action.at - since)} (edit-to-ready)`),
        );
        return;
      }
      case 'resource-failed':
        this.#problem(action.resource, action.problem);
        return;
      case 'sync-started': {
        const shown = action.files.slice(0, 3).join(', ') + (action.files.length > 3 ? ` (+${action.files.length - 3} more)` : '');
        this.#line(action.resource, `syncing ${shown || 'nothing'}`);
        return;
      }
      case 'sync-completed': {
        const since = state.resources[action.resource]?.timeline?.changeSeenAt;
        const report = describeSync({ ...action, files: action.files.length, pods: action.pods.length });
        const ready = action.resync || since === undefined ? '' : ` · ready in ${formatDuration(action.at - since)} (edit-to-ready)`;
        this.#line(action.resource, c.green(`${report}${ready} · synced ahead of image`));
        return;
      }
      case 'sync-failed':
        this.#problem(action.resource, action.problem);
        this.#line(
          action.resource,
          c.yellow(action.lasting ? 'rebuilding; live update is off for this image until its Dockerfile changes' : 'rebuilding'),
        );
        return;
      case 'sync-skipped':
        this.#line(action.resource, `rebuild: ${action.why}`);
        return;
      case 'iteration-completed': {
        const since = this.#iterationStarted.get(action.iteration);
        this.#iterationStarted.delete(action.iteration);
        const took = since === undefined ? '' : ` in ${formatDuration(action.at - since)}`;
        this.#line(
          'devloop',
          action.ok
            ? `iteration ${action.iteration} done${took}${action.kind === 'sync' ? ' (live update)' : ''}`
            : c.red(`iteration ${action.iteration} failed${took}`),
        );
        return;
      }
      case 'iteration-superseded':
        this.#iterationStarted.delete(action.iteration);
        this.#line('devloop', c.dim(`iteration ${action.iteration} superseded by newer changes`));
        return;
      case 'work-held': {
        const { hold } = action;
        this.#line(
          'devloop',
          c.yellow(
            `${hold.reason}: ${hold.cause}; ${hold.resources.join(', ')} will run again when ${componentLabel(hold.component)} answers`,
          ),
        );
        return;
      }
      case 'work-resumed': {
        const { hold } = action;
        const waited = formatDuration(action.at - hold.since);
        this.#line(
          'devloop',
          action.because === 'component-answered'
            ? `${componentLabel(hold.component)} answers after ${waited}: running ${hold.resources.join(', ')} again`
            : c.dim(`no longer ${hold.reason} after ${waited}: newer changes take over`),
        );
        return;
      }
      case 'config-reloaded':
        this.#line('devloop', 'config reloaded');
        return;
      case 'config-invalid':
        this.#line('devloop', c.red('config has errors; the last good config keeps running:'));
        printDiagnostics(this.#sink, action.diagnostics, { color: this.#options.color, cwd: this.#options.cwd });
        return;
      case 'trigger-requested':
        this.#line(action.resource, state.locals[action.resource] ? 'run requested' : 'rebuild requested');
        return;
      case 'local-queued':
        // Said when it starts, or why it waits.
        this.#lastWaiting.delete(action.local);
        return;
      case 'local-waiting':
        this.#waiting(action.local, localWaitingText(action.waiting));
        return;
      case 'local-started': {
        const local = state.locals[action.local];
        this.#line(action.local, `${local?.serve ? 'starting' : 'running'} ${local?.command.join(' ') ?? ''}`.trimEnd());
        return;
      }
      case 'local-serving':
        this.#line(action.local, c.green('serving'));
        return;
      case 'local-completed':
        this.#line(action.local, c.green(`succeeded in ${formatDuration(action.durationMs)}`));
        return;
      case 'local-failed':
        this.#problem(action.local, action.problem);
        return;
      case 'local-cancelled':
        this.#line(action.local, c.dim('cancelled'));
        return;
      case 'work-started':
      case 'work-cancelling':
        // Said by `iteration-superseded` once the work has stopped.
        return;
      case 'engine-stopping':
        this.#line('devloop', 'stopping');
        return;
      default:
        unreachable(action);
    }
  }

  /** Why it waits, said once until it changes. */
  #waiting(name: string, why: string): void {
    if (this.#lastWaiting.get(name) === why) return;
    this.#lastWaiting.set(name, why);
    this.#line(name, this.#c.yellow(`waiting: ${why}`));
  }

  #problem(name: string, problem: Problem): void {
    const c = this.#c;
    this.#line(name, c.red(`${stageFailed(problem.stage)}: ${problemHeadline(problem)}`));
    if (problem.fix) this.#sink.write(`  ${c.green('fix:')} ${problem.fix}\n`);
    for (const detail of problem.details ?? []) this.#sink.write(`  ${c.dim(`│ ${detail}`)}\n`);
  }

  #line(name: string, text: string, label = name): void {
    if (this.#closed) return;
    const color = this.#prefixColors.get(name) ?? (name === 'devloop' ? 'dim' : 'cyan');
    this.#sink.write(`${this.#c[color](`[${label}]`)} ${text}\n`);
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
