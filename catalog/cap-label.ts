import type { CappedLabel } from "./types.ts";

/**
 * Enforces a capped label's bound in an emitter: the first `max` distinct values pass,
 * later new ones become the label's overflow value. One instance per label per process.
 */
export function createLabelCap(label: CappedLabel): (value: string) => string {
  const seen = new Set<string>();
  return (value: string) => {
    if (seen.has(value)) return value;
    if (seen.size >= label.max) return label.overflowValue;
    seen.add(value);
    return value;
  };
}
