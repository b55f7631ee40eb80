// Where notifications go. Secrets are never written here: each integration names the
// environment-style secret that supplies a Grafana settings key, and the consumers fill it
// in (Pulumi from its secret config, docker-compose Grafana from its environment).
import { ContactPointBuilder, type ContactPoint } from "@grafana/grafana-foundation-sdk/alerting";

/** Secrets the alerting setup needs; Pulumi config and the compose environment use these names. */
export const ALERTING_SECRETS = {
  slackWebhookUrl: "SLACK_WEBHOOK_URL",
  pagerdutyIntegrationKey: "PAGERDUTY_INTEGRATION_KEY",
  alertWebhookUrl: "ALERT_WEBHOOK_URL",
} as const;
export type AlertingSecret = (typeof ALERTING_SECRETS)[keyof typeof ALERTING_SECRETS];

export const RECEIVERS = {
  pager: "beacon-pager",
  slack: "beacon-slack",
  email: "beacon-email",
} as const;

/** The team's mailing list; not a secret. */
export const ALERT_EMAIL_ADDRESSES = "beacon-oncall@example.com";

export interface ContactPointIntegration {
  readonly type: ContactPoint["type"];
  /** Non-secret Grafana settings. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Grafana settings key → name of the secret whose value goes there. */
  readonly secureSettings: Readonly<Record<string, AlertingSecret>>;
}

/** The shape of alerting/contact-points.json (the Pulumi program reads exactly this). */
export interface ContactPointFile {
  readonly name: string;
  readonly integrations: readonly ContactPointIntegration[];
}

const TITLE = '{{ template "default.title" . }}';
const MESSAGE = '{{ template "default.message" . }}';

function integration(name: string, built: ContactPoint, secureSettings: ContactPointIntegration["secureSettings"]): ContactPointIntegration {
  for (const key of Object.keys(secureSettings)) {
    if (key in (built.settings as object)) throw new Error(`contact point ${name}: ${key} is both a plain and a secure setting`);
  }
  return { type: built.type, settings: built.settings as Record<string, unknown>, secureSettings };
}

export function contactPoints(): ContactPointFile[] {
  const cp = (name: string, type: ContactPoint["type"], settings: Record<string, unknown>) =>
    new ContactPointBuilder().name(name).type(type).settings(settings).build();
  return [
    {
      name: RECEIVERS.pager,
      integrations: [
        integration(RECEIVERS.pager, cp(RECEIVERS.pager, "pagerduty", { severity: "critical", class: "beacon", component: "{{ .CommonLabels.service }}", summary: TITLE }), {
          integrationKey: ALERTING_SECRETS.pagerdutyIntegrationKey,
        }),
        // Pages also reach the incident tooling behind the webhook.
        integration(RECEIVERS.pager, cp(RECEIVERS.pager, "webhook", { httpMethod: "POST", maxAlerts: 0 }), { url: ALERTING_SECRETS.alertWebhookUrl }),
      ],
    },
    {
      name: RECEIVERS.slack,
      integrations: [integration(RECEIVERS.slack, cp(RECEIVERS.slack, "slack", { title: TITLE, text: MESSAGE }), { url: ALERTING_SECRETS.slackWebhookUrl })],
    },
    {
      name: RECEIVERS.email,
      integrations: [
        integration(RECEIVERS.email, cp(RECEIVERS.email, "email", { addresses: ALERT_EMAIL_ADDRESSES, singleEmail: true, subject: TITLE }), {}),
      ],
    },
  ];
}
