/**
 * Remembers a pure function's results for the last few distinct texts. One member message passes
 * through several analyses close together (the sentiment engine, the send-side distress check,
 * the worker's backstop, the compassion rule), each normalizing and scanning the same text: the
 * second and later calls find the answer here. The oldest entry goes first.
 */
export function memoRecent<R>(fn: (text: string) => R, max = 256): (text: string) => R {
  const recent = new Map<string, R>();
  return (text) => {
    let result = recent.get(text);
    if (result === undefined) {
      result = fn(text);
      if (recent.size >= max) recent.delete(recent.keys().next().value!);
      recent.set(text, result);
    }
    return result;
  };
}
