/**
 * How to install k3d, shown whenever a command needs it and it is missing.
 * Lines of text, so plain and JSON reporters can both carry them.
 */
export const k3dInstallHelp: readonly string[] = [
  'k3d is not installed (or not on PATH). Install it, then run the command again:',
  '  Linux/macOS:  curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash',
  '  Homebrew:     brew install k3d',
  '  Windows:      winget install k3d   (or: choco install k3d)',
  '  Docs:         https://k3d.io/#installation',
  'k3d runs Kubernetes (k3s) in Docker containers, so Docker must be running too.',
];

/** The same advice on one line, for doctor's `fix`. */
export const k3dInstallFix =
  'install k3d: curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash (or brew install k3d; winget install k3d); see https://k3d.io/#installation';
