/** Lets queued I/O (progress events, a cancel, other calls) run between pages of long synchronous work. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
