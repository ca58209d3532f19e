/** @jsxRuntime automatic */
// A screen that throws while rendering shows an error state instead of a blank page.
import { Component, type ReactNode } from 'react';
import { ErrorState } from './states.js';

export class ErrorBoundary extends Component<{ children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    if (this.state.error) return <ErrorState title="This screen failed" error={this.state.error} onRetry={() => this.setState({ error: undefined })} />;
    return this.props.children;
  }
}
