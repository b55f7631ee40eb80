// Posts a pull request's content review as one comment, updated in place on every push: the
// comment that carries the marker (build/diff/comment.ts REVIEW_MARKER) and was written by this
// workflow's token is edited; only when there is none is a comment created.
// Used by .github/workflows/pull-request.yml through actions/github-script:
//   await require("./.github/scripts/upsert-comment.cjs")({ github, context, body })
const MARKER = "<!-- beacon-content-review -->";

module.exports = async function upsertComment({ github, context, body }) {
  if (!body.startsWith(MARKER)) throw new Error(`the comment body must start with ${MARKER} (npm run diff -- --comment)`);
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
  const ours = comments.filter((c) => c.user && c.user.type === "Bot" && typeof c.body === "string" && c.body.startsWith(MARKER));
  if (ours.length > 0) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: ours[0].id, body });
    return { action: "updated", id: ours[0].id };
  }
  const created = await github.rest.issues.createComment({ owner, repo, issue_number, body });
  return { action: "created", id: created.data.id };
};
module.exports.MARKER = MARKER;
