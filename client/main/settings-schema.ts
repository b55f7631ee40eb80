// The settings persisted in userData/settings.json. Keys are flat dotted strings (what the
// seed's `store.get('telemetry.enabled')` uses); every key has a schema and a default, so a
// renderer cannot write a key main does not know or a value of the wrong type.
import { z } from "zod";

export const SETTINGS_SCHEMA = {
  /** Seed 000 rollout rule: telemetry is off until the user switches it on. */
  "telemetry.enabled": z.boolean(),
  "chat.showTimestamps": z.boolean(),
  "chat.fontSize": z.number().int().min(10).max(24),
  "chat.joinedChatrooms": z.array(z.string().min(1).max(64)).max(25),
  "appearance.theme": z.enum(["dark", "light"]),
  "user.username": z.string().max(32),
} as const;

export type SettingsKey = keyof typeof SETTINGS_SCHEMA;
export type Settings = { [K in SettingsKey]: z.infer<(typeof SETTINGS_SCHEMA)[K]> };

export const SETTINGS_KEYS = Object.keys(SETTINGS_SCHEMA) as SettingsKey[];

export const DEFAULT_SETTINGS: Settings = {
  "telemetry.enabled": false,
  "chat.showTimestamps": true,
  "chat.fontSize": 14,
  "chat.joinedChatrooms": [],
  "appearance.theme": "dark",
  "user.username": "",
};

export const SettingsKeySchema = z.enum(SETTINGS_KEYS as [SettingsKey, ...SettingsKey[]]);

export function isSettingsKey(key: string): key is SettingsKey {
  return Object.hasOwn(SETTINGS_SCHEMA, key);
}
