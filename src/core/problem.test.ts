import { describe, expect, it } from 'vitest';
import { messageAfterReason, problemHeadline } from './problem.ts';

describe('problemHeadline', () => {
  it('says the reason once when the message starts with it', () => {
    expect(problemHeadline({ reason: 'crash-loop', message: 'crash-loop: container web exited with code 1' })).toBe(
      'crash-loop: container web exited with code 1',
    );
    expect(problemHeadline({ reason: 'crash-loop', message: 'Crash-Loop: crash-loop: exit 1' })).toBe('crash-loop: exit 1');
  });

  it('keeps a message that only begins like the reason', () => {
    expect(problemHeadline({ reason: 'build-failed', message: 'step 3 RUN make' })).toBe('build-failed: step 3 RUN make');
    expect(messageAfterReason({ reason: 'run-failed', message: 'run-failed-twice: x' })).toBe('run-failed-twice: x');
  });

  it('is the reason alone when the message adds nothing', () => {
    expect(problemHeadline({ reason: 'rollout-cancelled', message: 'rollout-cancelled' })).toBe('rollout-cancelled');
    expect(problemHeadline({ reason: 'rollout-cancelled', message: '' })).toBe('rollout-cancelled');
  });
});
