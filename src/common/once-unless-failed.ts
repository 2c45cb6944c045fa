/**
 * `make`'s promise, made on the first call and shared by every later one; a rejected promise is
 * not kept, so the next call makes it again (an import or a look-up that failed may work later).
 */
export function onceUnlessFailed<T>(make: () => Promise<T>): () => Promise<T> {
  let kept: Promise<T> | undefined;
  return () => {
    kept ??= make().catch((error: unknown) => {
      kept = undefined;
      throw error;
    });
    return kept;
  };
}
