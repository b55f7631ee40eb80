// Build output -> provider args: what is refused, and why, with the offending name.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { notificationPolicyArgs } from "./alerting-args.ts";
import { contactPointBlocks, ContactPointError, sensitiveBlocks } from "./contact-point-args.ts";
import { contactPointSecretNames, GeneratedContentError, loadGeneratedContent, type ContactPointFile } from "./generated-content.ts";
import { savedQueryArgs } from "./saved-query-args.ts";
import { FIXTURE_DIR } from "./testing/run-program.ts";

const slack = (settings: Record<string, unknown>, secureSettings: Record<string, string> = { url: "SLACK_WEBHOOK_URL" }): ContactPointFile => ({
  name: "beacon-slack",
  integrations: [{ type: "slack", settings, secureSettings }],
});

describe("contact point args", () => {
  it("maps API keys to provider fields and marks the block sensitive", () => {
    const blocks = contactPointBlocks(slack({ recipient: "#a", icon_emoji: ":bell:" }), { SLACK_WEBHOOK_URL: "https://hooks.example/x" });
    expect(blocks).toEqual({ slacks: [{ recipient: "#a", iconEmoji: ":bell:", url: "https://hooks.example/x" }] });
    expect(sensitiveBlocks(blocks)).toEqual(["slacks"]);
  });

  it("refuses an unknown setting instead of dropping it", () => {
    expect(() => contactPointBlocks(slack({ channel: "#a" }), { SLACK_WEBHOOK_URL: "x" })).toThrow(/contact point "beacon-slack": slack setting "channel" is not supported/);
  });

  it("refuses a credential in plain settings", () => {
    expect(() => contactPointBlocks(slack({ url: "https://hooks.example/x" }, {}), {})).toThrow(ContactPointError);
    expect(() => contactPointBlocks(slack({ url: "https://hooks.example/x" }, {}), {})).toThrow(/"url" is a credential; put it in secureSettings/);
  });

  it("names a secret that was not supplied and a required field that is missing", () => {
    expect(() => contactPointBlocks(slack({}), {})).toThrow(/secret SLACK_WEBHOOK_URL \(for slack url\) was not supplied/);
    expect(() => contactPointBlocks({ name: "p", integrations: [{ type: "pagerduty", settings: { severity: "critical" }, secureSettings: {} }] }, {})).toThrow(/"p": pagerduty needs integrationKey/);
  });

  it("lists the secret names the contact points need", () => {
    expect(contactPointSecretNames([slack({}), slack({}, { url: "SLACK_WEBHOOK_URL", token: "SLACK_TOKEN" })])).toEqual(["SLACK_TOKEN", "SLACK_WEBHOOK_URL"]);
  });
});

describe("notification policy args", () => {
  const nested = (levels: number) => {
    let route: { receiver: string; routes?: unknown[] } = { receiver: "r" };
    for (let i = 0; i < levels; i++) route = { receiver: "r", routes: [route] };
    return route as never;
  };

  it("accepts the provider's five levels of child policies", () => {
    let policy = notificationPolicyArgs(nested(5)) as { policies?: unknown[] } | undefined;
    let depth = 0;
    while (policy?.policies?.[0] !== undefined) {
      policy = policy.policies[0] as { policies?: unknown[] };
      depth++;
    }
    expect(depth).toBe(5);
  });

  it("refuses routes nested deeper than the provider supports", () => {
    expect(() => notificationPolicyArgs(nested(6))).toThrow(/routes\[0\]\.routes\[0\]\.routes\[0\]\.routes\[0\]\.routes\[0\]: routes nest deeper than the provider's 5 levels/);
  });
});

describe("loadGeneratedContent", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const copy = () => {
    dir = mkdtempSync(path.join(tmpdir(), "beacon-generated-"));
    cpSync(FIXTURE_DIR, dir, { recursive: true });
    return dir;
  };
  const edit = (file: string, change: (json: Record<string, unknown>) => void) => {
    const full = path.join(dir, file);
    const json = JSON.parse(readFileSync(full, "utf8")) as Record<string, unknown>;
    change(json);
    writeFileSync(full, JSON.stringify(json));
  };

  it("loads the fixture", () => {
    const content = loadGeneratedContent(copy());
    expect([content.dashboards.length, content.ruleGroups.length, content.contactPoints.length, content.queryLibrary.length]).toEqual([2, 2, 3, 2]);
  });

  it("says to run the build when generated/ is missing", () => {
    expect(() => loadGeneratedContent(path.join(tmpdir(), "beacon-no-such-dir"))).toThrow(/manifest\.json: does not exist \(run `npm run build`\)/);
  });

  it("names a dashboard whose uid differs from the manifest", () => {
    copy();
    edit("dashboards/beacon-server-red.json", (j) => (j["uid"] = "other"));
    expect(() => loadGeneratedContent(dir)).toThrow(GeneratedContentError);
    expect(() => loadGeneratedContent(dir)).toThrow(/beacon-server-red\.json: uid "other" differs from the manifest's "beacon-server-red"/);
  });

  it("maps query library items to the typed apps.v1.Query, every field carried", () => {
    const [, clientErrors] = loadGeneratedContent(copy()).queryLibrary;
    if (!clientErrors) throw new Error("fixture has two saved queries");
    expect(savedQueryArgs(clientErrors)).toEqual({
      metadata: { uid: "client-errors" },
      spec: {
        title: "Client errors",
        description: "Error logs of the desktop client.",
        isVisible: true,
        isLocked: true,
        tags: ["logs", "errors"],
        targets: [{ propertiesJson: JSON.stringify(clientErrors.spec.targets[0]?.properties), variablesJson: undefined, dataType: undefined }],
        vars: [{ key: "job", defaultValues: [".*"], valueListDefinitionJson: undefined }],
      },
      options: { overwrite: true, managerIdentity: "beacon" },
    });
  });

  it.each([
    ["an older query library API", (q: Record<string, unknown>) => (q["apiVersion"] = "querylibrary.grafana.app/v0alpha1"), /items\.0\.apiVersion: must be queries\.grafana\.app\/v1/],
    ["a label the typed resource cannot carry", (q: Record<string, unknown>) => ((q["metadata"] as Record<string, unknown>)["labels"] = { team: "beacon" }), /items\.0\.metadata\.labels: apps\.v1\.Query carries no labels/],
    ["an unknown spec field", (q: Record<string, unknown>) => ((q["spec"] as Record<string, unknown>)["folder"] = "x"), /items\.0\.spec: Unrecognized key: "folder"/],
  ])("refuses %s instead of dropping it", (_what, change, message) => {
    copy();
    edit("saved-queries/query-library.json", (j) => change((j["items"] as Record<string, unknown>[])[0]!));
    expect(() => loadGeneratedContent(dir)).toThrow(message);
  });

  it("names the file and field of a malformed rule", () => {
    copy();
    edit("alerts/grafana/beacon-client.json", (j) => ((j["rules"] as Record<string, unknown>[])[0]!["for"] = "soon"));
    expect(() => loadGeneratedContent(dir)).toThrow(/beacon-client\.json: rules\.0\.for: a duration such as 5m/);
  });
});
