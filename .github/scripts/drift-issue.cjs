// Files drift found by .github/workflows/drift.yml: one open issue per stack, labelled "drift";
// a later run with drift comments on it instead of opening another. The preview output is cut
// to fit an issue body (GitHub: 65 536 characters); Pulumi masks secrets in it as [secret].
const LABEL = "drift";
const LIMIT = 60_000;

function report(stack, output, runUrl) {
  const text = output.length > LIMIT ? `…\n${output.slice(-LIMIT)}` : output;
  return [
    `\`pulumi preview --refresh --stack ${stack}\` found differences between the stack's Grafana and the program (${runUrl}).`,
    "",
    "Changes made outside the repository are overwritten by the next `pulumi up`: port them into the sources",
    "(and `npm run build`) in a pull request if they should stay. A token listed as to be replaced is due for",
    "rotation: the next deploy replaces it.",
    "",
    "```",
    text.trimEnd(),
    "```",
  ].join("\n");
}

module.exports = async function fileDrift({ github, context, stack, output, runUrl }) {
  const { owner, repo } = context.repo;
  const title = `Drift detected in stack ${stack}`;
  const open = await github.paginate(github.rest.issues.listForRepo, { owner, repo, state: "open", labels: LABEL, per_page: 100 });
  const existing = open.find((i) => i.title === title && !i.pull_request);
  const body = report(stack, output, runUrl);
  if (existing) {
    await github.rest.issues.createComment({ owner, repo, issue_number: existing.number, body });
    return { action: "commented", number: existing.number };
  }
  const created = await github.rest.issues.create({ owner, repo, title, body, labels: [LABEL] });
  return { action: "opened", number: created.data.number };
};
module.exports.LABEL = LABEL;
