// One emote in a message. The lookup happens on first render; the render time (from the
// component starting to render to the DOM being committed) is the `emote:render` span and
// `kicktalk_emote_render_duration_seconds` (seed 000 P4).
import { SpanKind } from "@opentelemetry/api";
import { createElement as h, useLayoutEffect, useRef } from "react";
import type { ChatClient } from "../chat/chat-client.ts";

export function EmoteImage({ client, chatroomId, name }: { client: ChatClient; chatroomId: string; name: string }) {
  const started = useRef(performance.now());
  const lookup = useRef(client.emotes.lookup(chatroomId, name));
  useLayoutEffect(() => {
    const found = lookup.current;
    if (!found) return;
    const end = performance.now();
    const { tracer, metrics } = client.telemetry;
    tracer
      .startSpan("emote:render", {
        kind: SpanKind.INTERNAL,
        startTime: started.current,
        attributes: { "emote.name": name, "emote.source": found.emote.source, "cache.hit": found.hit },
      })
      .end(end);
    metrics.record("emoteRenderDuration", (end - started.current) / 1000, { source: found.emote.source });
  }, [client, name]);
  const found = lookup.current;
  if (!found) return h("span", null, name);
  return h(
    "span",
    { className: `emote emote-${found.emote.source}`, title: `${name} (${found.emote.source})`, "data-emote": name },
    h("img", { src: found.emote.url, alt: name, width: 22, height: 22 }),
    h("span", { className: "emote-name" }, name),
  );
}
