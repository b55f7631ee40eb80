// Small text helpers shared by the main window and the dialogs.

/** The start of a message, for a one-line preview. */
export function snippet(content: string, max = 60): string {
  return content.length > max ? `${content.slice(0, max - 1)}…` : content;
}

/** A message's time as the chat shows it: hours and minutes, local time. */
export function messageTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** An IPC rejection's message without Electron's "Error invoking remote method …" prefix. */
export function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/^Error invoking remote method '[^']+': (\w*Error: )?/, "");
}
