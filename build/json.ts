/** The one JSON layout of generated files: 2-space indent, trailing newline, so diffs stay clean. */
export const stableJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
