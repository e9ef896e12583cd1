/**
 * One line of a resource's log pane, attributed: a line a container wrote,
 * or (`source: 'build'`) a line of the build of an image the resource runs.
 */
export interface LogLine {
  /** The devloop resource the pod belongs to. */
  readonly resource: string;
  readonly pod: string;
  readonly container: string;
  /** RFC 3339 with nanoseconds, as the kubelet wrote it. */
  readonly timestamp: string;
  readonly text: string;
  /** True for an init container. */
  readonly init?: boolean;
  /**
   * `build`: a line of an image's build, kept in the resource's log pane
   * beside its pods' logs; reporters print builds from the `build-output`
   * actions instead, so they skip these.
   */
  readonly source?: 'build';
}
