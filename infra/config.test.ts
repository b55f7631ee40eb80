// Config validation: every wrong or missing setting fails with its key named.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ConfigError, durationSeconds, loadConfig, loadContactPointSecrets, secretConfigKey } from "./config.ts";

function withConfig(config: Record<string, string>, secretKeys: string[] = []): void {
  pulumi.runtime.setAllConfig(config, secretKeys);
}

const CLOUD = {
  "beacon:target": "cloud",
  "beacon:cloudRegion": "prod-eu-west-2",
  "beacon:stackSlug": "beaconprod",
  "beacon:cloudAccessPolicyToken": "glc_x",
};

describe("loadConfig", () => {
  it("reads a complete cloud config with defaults and the token as a secret", async () => {
    withConfig(CLOUD, ["beacon:cloudAccessPolicyToken"]);
    const config = loadConfig();
    expect(config).toMatchObject({
      target: "cloud",
      cloudRegion: "prod-eu-west-2",
      stackSlug: "beaconprod",
      generatedDir: "generated",
      queryLibrary: false,
      stackDeleteProtection: true,
      tokenExpireAfter: "2160h",
      tokenRotationWindow: "336h",
    });
    if (config.target !== "cloud") throw new Error("expected cloud");
    expect(await pulumi.isSecret(config.cloudAccessPolicyToken)).toBe(true);
  });

  it("gives self-hosted the docker-compose defaults: the Grafana nothing file-provisions", () => {
    withConfig({ "beacon:target": "self-hosted", "beacon:grafanaAuth": "admin:admin" }, ["beacon:grafanaAuth"]);
    expect(loadConfig()).toMatchObject({
      grafanaUrl: "http://localhost:3001",
      prometheusUrl: "http://prometheus:9090",
      lokiUrl: "http://loki:3100",
      tempoUrl: "http://tempo:3200",
      otlpEndpoint: "http://localhost:4318",
    });
  });

  it.each([
    [{}, /beacon:target must be "cloud" or "self-hosted" \(unset\)/],
    [{ "beacon:target": "aws" }, /beacon:target must be "cloud" or "self-hosted" \(got "aws"\)/],
    [{ ...CLOUD, "beacon:stackSlug": undefined }, /beacon:stackSlug is required for target cloud .*\(unset\)/],
    [{ ...CLOUD, "beacon:stackSlug": "Beacon_Prod" }, /beacon:stackSlug must be lowercase letters and digits.*\(got "Beacon_Prod"\)/],
    [{ ...CLOUD, "beacon:cloudRegion": "US East" }, /beacon:cloudRegion must be a Grafana Cloud region slug/],
    [{ ...CLOUD, "beacon:queryLibrary": "yes please" }, /beacon:queryLibrary must be "true" or "false"/],
    [{ "beacon:target": "self-hosted", "beacon:grafanaUrl": "localhost:3000", "beacon:grafanaAuth": "a:b" }, /beacon:grafanaUrl must be an http\(s\) URL \(got "localhost:3000"\)/],
    [{ ...CLOUD, "beacon:cloudAccessPolicyToken": undefined }, /beacon:cloudAccessPolicyToken is required .*pulumi config set --secret beacon:cloudAccessPolicyToken/],
    [{ "beacon:target": "self-hosted" }, /beacon:grafanaAuth is required/],
    [{ ...CLOUD, "beacon:tokenExpireAfter": "90 days" }, /beacon:tokenExpireAfter must be a duration in h, m and s, such as 2160h or 1h30m \(got "90 days"\)/],
    [{ ...CLOUD, "beacon:tokenExpireAfter": "24h", "beacon:tokenRotationWindow": "24h" }, /beacon:tokenRotationWindow must be shorter than beacon:tokenExpireAfter/],
  ])("names the wrong setting: %j", (config, message) => {
    const defined = Object.fromEntries(Object.entries(config).filter((e): e is [string, string] => e[1] !== undefined));
    withConfig(defined);
    expect(() => loadConfig()).toThrow(ConfigError);
    expect(() => loadConfig()).toThrow(message);
  });

  it("reports every problem at once", () => {
    withConfig({ "beacon:target": "cloud", "beacon:cloudAccessPolicyToken": "x" });
    expect(() => loadConfig()).toThrow(/beacon:cloudRegion[\s\S]*beacon:stackSlug/);
  });
});

describe("durationSeconds", () => {
  it("reads the provider's duration form", () => {
    expect([durationSeconds("2160h"), durationSeconds("1h30m"), durationSeconds("90s"), durationSeconds("1h1m1s")]).toEqual([7_776_000, 5400, 90, 3661]);
    expect(() => durationSeconds("")).toThrow(ConfigError);
    expect(() => durationSeconds("3d")).toThrow(/"3d" is not a duration/);
  });
});

describe("contact point secrets", () => {
  it("maps secret names to camelCase config keys", () => {
    expect(secretConfigKey("SLACK_WEBHOOK_URL")).toBe("slackWebhookUrl");
    expect(secretConfigKey("PAGERDUTY_INTEGRATION_KEY")).toBe("pagerdutyIntegrationKey");
  });

  it("returns each referenced secret as a secret output", async () => {
    withConfig({ "beacon:slackWebhookUrl": "https://hooks.example/x" }, ["beacon:slackWebhookUrl"]);
    const secrets = loadContactPointSecrets(["SLACK_WEBHOOK_URL"]);
    expect(Object.keys(secrets)).toEqual(["SLACK_WEBHOOK_URL"]);
    expect(await pulumi.isSecret(secrets["SLACK_WEBHOOK_URL"] as pulumi.Output<string>)).toBe(true);
  });

  it("names every missing secret with the command that sets it", () => {
    withConfig({ "beacon:slackWebhookUrl": "https://hooks.example/x" });
    expect(() => loadContactPointSecrets(["SLACK_WEBHOOK_URL", "PAGERDUTY_INTEGRATION_KEY", "ALERT_WEBHOOK_URL"])).toThrow(
      /beacon:pagerdutyIntegrationKey \(contact point secret PAGERDUTY_INTEGRATION_KEY\): pulumi config set --secret beacon:pagerdutyIntegrationKey[\s\S]*beacon:alertWebhookUrl/,
    );
  });
});
