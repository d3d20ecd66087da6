/**
 * Handles a batch in one go and, only if that fails, each item alone, so one bad message costs
 * the rest of its batch nothing but a second attempt. The handler must be idempotent: items of a
 * failed whole-batch attempt may have been partly handled.
 */
export interface Settled<T> {
  done: T[];
  failed: { item: T; error: unknown }[];
}

export async function settleTogetherOrAlone<T>(
  items: readonly T[],
  handle: (items: readonly T[]) => Promise<void>,
  onBatchError: (error: unknown) => void,
): Promise<Settled<T>> {
  if (items.length === 0) return { done: [], failed: [] };
  try {
    await handle(items);
    return { done: [...items], failed: [] };
  } catch (error) {
    if (items.length === 1) return { done: [], failed: [{ item: items[0] as T, error }] };
    // Said out loud: a batch path that always fails would otherwise pass unnoticed, only slower.
    onBatchError(error);
  }
  const outcomes = await Promise.all(
    items.map(async (item) => {
      try {
        await handle([item]);
        return { item, error: null, ok: true as const };
      } catch (error) {
        return { item, error, ok: false as const };
      }
    }),
  );
  return {
    done: outcomes.filter((o) => o.ok).map((o) => o.item),
    failed: outcomes.filter((o) => !o.ok).map(({ item, error }) => ({ item, error })),
  };
}
