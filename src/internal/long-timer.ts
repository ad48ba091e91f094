/** Cancels a timer armed by `setLongTimeout`. */
export interface LongTimer {
  clear(): void;
}

/**
 * setTimeout for any duration: Node clamps a delay above 2^31−1 ms to 1 ms, so longer ones are
 * chained in steps of at most `chunkMs`. Infinity arms nothing. Unref'd unless `ref`. Self-contained
 * (no outside references) because the watchdog thread embeds its source.
 */
export function setLongTimeout(fn: () => void, ms: number, ref = false, chunkMs = 2_147_483_647): LongTimer {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cleared = false;
  const arm = (leftMs: number): void => {
    if (cleared || !(leftMs < Infinity)) return;
    const stepMs = Math.min(Math.max(0, leftMs), chunkMs);
    timer = setTimeout(() => (leftMs > stepMs ? arm(leftMs - stepMs) : fn()), stepMs);
    if (!ref) timer.unref();
  };
  arm(ms);
  return {
    clear() {
      cleared = true;
      clearTimeout(timer);
    },
  };
}
