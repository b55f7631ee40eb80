// The review as a pull-request comment: a hidden marker first, so the CI finds its own comment
// again and updates it instead of adding one per push (.github/scripts/upsert-comment.cjs), and
// cut to GitHub's size limit at a line boundary.
export const REVIEW_MARKER = "<!-- beacon-content-review -->";
/** GitHub refuses issue and pull-request comment bodies longer than this (characters). */
export const COMMENT_LIMIT = 65_536;

export function reviewComment(review: string, base: string, limit = COMMENT_LIMIT): string {
  const head = `${REVIEW_MARKER}\n`;
  const lines = review.trimEnd().split("\n");
  const full = `${head}${lines.join("\n")}\n`;
  if (full.length <= limit) return full;
  const footer = (omitted: number) => `\n\n… ${omitted} more lines not shown (comment size limit): run \`npm run diff -- --base ${base}\` for the whole review.\n`;
  // The footer naming every line is the longest one it can be.
  const budget = limit - head.length - footer(lines.length).length;
  let size = 0;
  let kept = 0;
  while (kept < lines.length && size + (lines[kept] as string).length + 1 <= budget) size += (lines[kept++] as string).length + 1;
  return `${head}${lines.slice(0, kept).join("\n")}${footer(lines.length - kept)}`;
}
