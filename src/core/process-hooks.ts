export interface ProcessHookHandlers {
  onSignal(signal: NodeJS.Signals): void;
  onError(kind: 'uncaughtException' | 'unhandledRejection', error: unknown): void;
}

/** Installs the signal and crash listeners; the returned function removes exactly those. */
export function installProcessHooks(
  signals: readonly NodeJS.Signals[],
  handleErrors: boolean,
  handlers: ProcessHookHandlers,
): () => void {
  const onSignal = (signal: NodeJS.Signals): void => handlers.onSignal(signal);
  const onException = (error: unknown): void => handlers.onError('uncaughtException', error);
  const onRejection = (error: unknown): void => handlers.onError('unhandledRejection', error);
  for (const signal of signals) process.on(signal, onSignal);
  if (handleErrors) {
    process.on('uncaughtException', onException);
    process.on('unhandledRejection', onRejection);
  }
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
