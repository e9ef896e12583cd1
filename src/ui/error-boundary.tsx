import { Box, Text, useInput, useStdin } from 'ink';
import { Component, type ReactNode } from 'react';

interface Props {
  readonly children: ReactNode;
  readonly onQuit: () => void;
  readonly onError: ((error: Error) => void) | undefined;
}

/**
 * The root's safety net: a bug in a view must not take the loop down or leave
 * the terminal unusable. It shows the error, tells the caller, and q still quits.
 */
export class ErrorBoundary extends Component<Props, { error: Error | undefined }> {
  override state: { error: Error | undefined } = { error: undefined };

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown): void {
    this.props.onError?.(error instanceof Error ? error : new Error(String(error)));
  }

  override render(): ReactNode {
    if (this.state.error) return <Crashed error={this.state.error} onQuit={this.props.onQuit} />;
    return this.props.children;
  }
}

function Crashed({ error, onQuit }: { readonly error: Error; readonly onQuit: () => void }) {
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      if (input === 'q' || (key.ctrl && input === 'c')) onQuit();
    },
    { isActive: isRawModeSupported },
  );
  return (
    <Box flexDirection="column">
      <Text color="red">the devloop screen failed: {error.message}</Text>
      <Text dimColor>the loop keeps running; press q to quit</Text>
    </Box>
  );
}
