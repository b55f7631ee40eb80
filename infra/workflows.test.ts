// The GitOps loop's GitHub Actions workflows (.github/workflows/, templates for the users' own
// repository): linted by actionlint v1.7.12 (built from the Go module proxy by
// stack/runner/tools.ts; it also runs shellcheck on the scripts where shellcheck is installed),
// and read for what the loop relies on: the checks and the review comment on a pull request, a
// policy-checked preview per stack, `pulumi up` per stack on merge with one run per stack at a
// time, the drift check that files an issue, and secrets only from the CI's secret store.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ensureActionlint } from "../stack/runner/tools.ts";

const DIR = path.join(".github", "workflows");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix?: { stack?: string } };
  concurrency?: { group: string; "cancel-in-progress": boolean };
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
const workflow = (file: string) => parse(readFileSync(path.join(DIR, file), "utf8")) as Workflow;
const runs = (job: Job) =>
  job.steps
    .filter((s) => s.run !== undefined)
    .map((s) => (s.run as string).trimEnd())
    .join("\n");
/** The stacks a matrix runs when the BEACON_STACKS variable is unset. */
const defaultStacks = (job: Job) => JSON.parse(/vars\.BEACON_STACKS \|\| '(\[.*\])'/.exec(job.strategy?.matrix?.stack ?? "")?.[1] ?? "null") as string[];

let actionlint = "";
const scratch: string[] = [];
beforeAll(async () => {
  actionlint = await ensureActionlint();
}, 15 * 60_000);
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function lint(cwd: string): { status: number | null; output: string } {
  const files = readdirSync(path.join(cwd, DIR)).map((f) => path.join(DIR, f));
  const r = spawnSync(actionlint, ["-no-color", ...files], { cwd, encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("workflows", () => {
  it("are the three of the loop", () => {
    expect(readdirSync(DIR).sort()).toEqual(["deploy.yml", "drift.yml", "pull-request.yml"]);
  });

  it("pass actionlint", () => {
    const r = lint(process.cwd());
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  });

  it("actionlint does fail a broken workflow (the lint is live)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "beacon-actionlint-"));
    scratch.push(dir);
    mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
    const broken = readFileSync(path.join(DIR, "pull-request.yml"), "utf8").replace('run: echo "$GITHUB_WORKSPACE', 'run: echo "${{ github.event.pull_request.title }} $GITHUB_WORKSPACE');
    writeFileSync(path.join(dir, ".github", "workflows", "pull-request.yml"), broken);
    const r = lint(dir);
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/"github\.event\.pull_request\.title" is potentially untrusted/);
  });
});

describe("pull request", () => {
  const wf = workflow("pull-request.yml");

  it("runs on pull requests to main with a read-only default token", () => {
    expect(wf.on).toEqual({ pull_request: { branches: ["main"] } });
    expect(wf.permissions).toEqual({ contents: "read" });
  });

  it("checks the build output, lint, types and the unit tests after npm ci", () => {
    const commands = runs(wf.jobs["check"]!).split("\n");
    expect(commands).toEqual(["npm ci", "npm run build -- --check", "npm run lint", "npm run typecheck", "npx vitest run catalog queries dashboards alerts build infra"]);
  });

  it("posts the diff against the base branch as one comment, updated in place", () => {
    const review = wf.jobs["review"]!;
    expect(review.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(review.steps[0]).toMatchObject({ uses: "actions/checkout@v5", with: { "fetch-depth": 0 } });
    const diff = review.steps.find((s) => s.run?.includes("npm run --silent diff"));
    expect(diff?.run).toContain('npm run --silent diff -- --base "origin/${BASE_REF}" --comment > review.md');
    // The base ref reaches the shell through the environment, never spliced into the script.
    expect(diff?.env).toEqual({ BASE_REF: "${{ github.base_ref }}" });
    const post = review.steps.find((s) => s.uses?.startsWith("actions/github-script@"));
    expect(post?.with?.["script"]).toContain('require("./.github/scripts/upsert-comment.cjs")');
    expect(existsSync(path.join(".github", "scripts", "upsert-comment.cjs"))).toBe(true);
  });

  it("previews every stack with the policy pack, with the backend's credentials from secrets", () => {
    const preview = wf.jobs["preview"]!;
    expect(runs(preview)).toContain('pulumi preview --stack "$STACK" --policy-pack infra/policy');
    expect(preview.env).toMatchObject({ STACK: "${{ matrix.stack }}", PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}", PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" });
    expect(preview.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
  });
});

describe("deploy", () => {
  const wf = workflow("deploy.yml");
  const up = wf.jobs["up"]!;

  it("runs `pulumi up` with the policy pack for each stack on a push to main, and weekly for token rotation", () => {
    expect(wf.on["push"]).toEqual({ branches: ["main"] });
    expect(wf.on["schedule"]).toEqual([{ cron: "17 5 * * 1" }]);
    expect(runs(up)).toContain('pulumi up --yes --stack "$STACK" --policy-pack infra/policy');
    expect(runs(up)).toContain("npm run build -- --check");
  });

  it("queues one run per stack at a time, shared with the drift check", () => {
    expect(up.concurrency).toEqual({ group: "pulumi-${{ matrix.stack }}", "cancel-in-progress": false });
    expect(workflow("drift.yml").jobs["drift"]?.concurrency).toEqual(up.concurrency);
  });

  it("runs the project's Node 24 for Pulumi", () => {
    expect(runs(up)).toContain('echo "$GITHUB_WORKSPACE/node_modules/.bin" >> "$GITHUB_PATH"');
  });
});

describe("drift", () => {
  const wf = workflow("drift.yml");
  const drift = wf.jobs["drift"]!;

  it("previews each stack against a refreshed state daily, writing no state", () => {
    expect(wf.on["schedule"]).toEqual([{ cron: "41 6 * * *" }]);
    expect(runs(drift)).toContain('pulumi preview --refresh --expect-no-changes --stack "$STACK"');
    expect(runs(drift)).not.toMatch(/pulumi (refresh|up)\b/);
  });

  it("opens or updates an issue on drift, and only then", async () => {
    const file = drift.steps.find((s) => s.uses?.startsWith("actions/github-script@"));
    expect(file?.if).toBe("steps.check.outputs.drift == 'true'");
    expect(drift.permissions).toEqual({ contents: "read", issues: "write" });
    const fileDrift = createRequire(import.meta.url)("../.github/scripts/drift-issue.cjs") as (a: unknown) => Promise<{ action: string; number: number }>;
    const issues: { number: number; title: string; labels: string[]; comments: string[] }[] = [];
    const github = {
      paginate: async (_f: unknown, o: { labels: string }) => issues.filter((i) => i.labels.includes(o.labels)),
      rest: {
        issues: {
          listForRepo: () => undefined,
          create: async (o: { title: string; labels: string[]; body: string }) => {
            issues.push({ number: issues.length + 1, title: o.title, labels: o.labels, comments: [o.body] });
            return { data: { number: issues.length } };
          },
          createComment: async (o: { issue_number: number; body: string }) => {
            issues.find((i) => i.number === o.issue_number)?.comments.push(o.body);
          },
        },
      },
    };
    const context = { repo: { owner: "o", repo: "r" } };
    const output = "~ grafana:oss/dashboard:Dashboard content-dashboard-beacon-client-overview update [diff: ~configJson]";
    expect(await fileDrift({ github, context, stack: "cloud", output, runUrl: "https://ci/1" })).toEqual({ action: "opened", number: 1 });
    expect(await fileDrift({ github, context, stack: "cloud", output, runUrl: "https://ci/2" })).toEqual({ action: "commented", number: 1 });
    expect(await fileDrift({ github, context, stack: "self-hosted", output, runUrl: "https://ci/3" })).toEqual({ action: "opened", number: 2 });
    expect(issues.map((i) => [i.title, i.labels, i.comments.length])).toEqual([
      ["Drift detected in stack cloud", ["drift"], 2],
      ["Drift detected in stack self-hosted", ["drift"], 1],
    ]);
    expect(issues[0]?.comments[1]).toContain(output);
  });
});

describe("every workflow", () => {
  const all = readdirSync(DIR).map((f) => [f, workflow(f)] as const);

  it("runs only stacks that exist as Pulumi.<stack>.yaml", () => {
    for (const [file, wf] of all) {
      for (const job of Object.values(wf.jobs).filter((j) => j.strategy?.matrix?.stack)) {
        for (const stack of defaultStacks(job)) expect(existsSync(`Pulumi.${stack}.yaml`), `${file}: Pulumi.${stack}.yaml`).toBe(true);
      }
    }
  });

  it("takes credentials only from the secret store, never as literals", () => {
    for (const [file, wf] of all) {
      const text = readFileSync(path.join(DIR, file), "utf8");
      const credentials = [...text.matchAll(/(PULUMI_ACCESS_TOKEN|PULUMI_CONFIG_PASSPHRASE): (.*)/g)].map((m) => m[2]);
      for (const value of credentials) expect(value, file).toMatch(/^\$\{\{ secrets\.[A-Z_]+ \}\}$/);
      expect(JSON.stringify(wf), file).not.toMatch(/glc_|glsa_|pul-[0-9a-f]{8}/);
    }
  });
});
