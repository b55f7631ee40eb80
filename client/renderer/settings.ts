// Typed settings access for the renderer: store:get answers with the key's own type.
import type { Settings, SettingsKey } from "../main/settings-schema.ts";
import type { AppApi } from "../preload/app-api.ts";

export async function getSetting<K extends SettingsKey>(api: AppApi, key: K): Promise<Settings[K]> {
  return (await api.store.get({ key })).value as Settings[K];
}

export async function setSetting<K extends SettingsKey>(api: AppApi, key: K, value: Settings[K]): Promise<void> {
  await api.store.set({ key, value });
}
