/** Resolves in a later task, so that whatever the event loop has queued (input, a frame) runs first. */
export const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
