/**
 * One resource's system changes, one at a time. A release can arrive while a step is still
 * creating something (the step is aborted, but its `ip` command runs to its end): the release
 * queues behind it here, so it always sees what the step made.
 */
/** The scratch data of a resource whose changes go one at a time. */
export type Exclusive = {
  busy?: Promise<unknown>;
};

export function exclusive<T>(ctx: { readonly data: Exclusive }, work: () => Promise<T>): Promise<T> {
  const previous = ctx.data.busy ?? Promise.resolve();
  const next = previous.then(work);
  ctx.data.busy = next.catch(() => undefined);
  return next;
}

/**
 * Like `Promise.all`, but settles only once every command has ended, then rejects with the
 * first error: a release queued behind the step must not start while some still run.
 */
export async function allEnded(work: readonly Promise<unknown>[]): Promise<void> {
  const outcomes = await Promise.allSettled(work);
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}
