// Chatrooms, streamers and emotes the server starts with. Fictional names: the client's
// development and test sessions join these rooms instead of Kick's.
import type { Chatroom, Emote } from "../protocol/index.ts";

const emote = (id: string, name: string, source: Emote["source"]): Emote => ({
  id,
  name,
  source,
  url: `https://cdn.beacon.invalid/emotes/${source}/${id}.webp`,
});

export const SEED_CHATROOMS: readonly Chatroom[] = [
  { id: "1001", slug: "nova", streamerId: "501", streamerName: "nova" },
  { id: "1002", slug: "pixel-pete", streamerId: "502", streamerName: "pixel_pete" },
  { id: "1003", slug: "lunar-lily", streamerId: "503", streamerName: "lunar_lily" },
  { id: "1004", slug: "ironclad", streamerId: "504", streamerName: "ironclad" },
];

const GLOBAL_EMOTES: readonly Emote[] = [
  emote("k1", "KEKW", "kick"),
  emote("k2", "PogU", "kick"),
  emote("s1", "catJAM", "7tv"),
  emote("b1", "monkaS", "bttv"),
];

export const SEED_EMOTES: Readonly<Record<string, readonly Emote[]>> = {
  "1001": [...GLOBAL_EMOTES, emote("s1001", "novaWave", "7tv")],
  "1002": [...GLOBAL_EMOTES, emote("s1002", "peteHype", "7tv"), emote("b1002", "peteGG", "bttv")],
  "1003": [...GLOBAL_EMOTES, emote("k1003", "lilyMoon", "kick")],
  "1004": [...GLOBAL_EMOTES],
};
