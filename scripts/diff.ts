// npm run diff -- --base <git-ref> [--comment]: markdown review of what the working tree's content
// changes against the generated/ committed at <ref>. --comment wraps it as the pull-request
// comment the CI posts (.github/workflows/pull-request.yml): a hidden marker that lets the CI
// update its comment instead of adding another, cut to GitHub's size limit.
import { reviewComment } from "../build/diff/comment.ts";
import { generatedFilesAt } from "../build/diff/git-generated.ts";
import { reviewMarkdown } from "../build/diff/review.ts";
import { generate } from "../build/generate.ts";

const i = process.argv.indexOf("--base");
const base = i >= 0 ? process.argv[i + 1] : undefined;
if (base === undefined || base.startsWith("--")) {
  console.error("usage: npm run diff -- --base <git-ref> [--comment]   (e.g. --base origin/main)");
  process.exit(2);
}
try {
  const review = reviewMarkdown(generatedFilesAt(base), generate().files, base);
  process.stdout.write(process.argv.includes("--comment") ? reviewComment(review, base) : review);
} catch (err) {
  console.error(`diff: ${(err as Error).message}`);
  process.exit(1);
}
