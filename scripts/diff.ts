// npm run diff -- --base <git-ref>: markdown review of what the working tree's content changes
// against the generated/ committed at <ref>. Paste the output into a pull request.
import { generatedFilesAt } from "../build/diff/git-generated.ts";
import { reviewMarkdown } from "../build/diff/review.ts";
import { generate } from "../build/generate.ts";

const i = process.argv.indexOf("--base");
const base = i >= 0 ? process.argv[i + 1] : undefined;
if (base === undefined || base.startsWith("--")) {
  console.error("usage: npm run diff -- --base <git-ref>   (e.g. --base origin/main)");
  process.exit(2);
}
try {
  process.stdout.write(reviewMarkdown(generatedFilesAt(base), generate().files, base));
} catch (err) {
  console.error(`diff: ${(err as Error).message}`);
  process.exit(1);
}
