import { messageAfterReason, type Problem } from '../core/problem.ts';
import { sanitizeLine } from './format.ts';
import type { DetailView } from './view-types.ts';

const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The spinner's frame at `now`. */
export function spinnerFrame(now: number): string {
  return spinnerFrames[Math.floor(now / 80) % spinnerFrames.length] ?? '';
}

/**
 * A problem as the detail view shows it, with the last of its detail lines
 * that fit in `budget` (one line then says how many earlier ones are hidden);
 * `lines` are the detail lines it takes.
 */
export function problemDetail(problem: Problem | undefined, budget: number): { problem: DetailView['problem']; lines: number } {
  const allDetails = (problem?.details ?? []).map(sanitizeLine);
  const fits = allDetails.length <= budget;
  const details = fits ? allDetails : allDetails.slice(allDetails.length - Math.max(0, budget - 1));
  return {
    problem: problem && {
      reason: problem.reason,
      stage: problem.stage,
      message: sanitizeLine(messageAfterReason(problem)),
      fix: problem.fix === undefined ? undefined : sanitizeLine(problem.fix),
      details,
      hiddenDetails: allDetails.length - details.length,
    },
    lines: details.length + (fits ? 0 : 1),
  };
}
