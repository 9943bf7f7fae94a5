/**
 * The message box empties the moment a message is sent, so the next one can be typed while the first is on
 * its way. If the send fails, the unsent text comes back, ahead of anything typed since, so nothing typed is
 * lost (the counter then shows if the two together are over the limit, and the server refuses it clearly).
 */
export function textAfterFailedSend(current: string, unsent: string): string {
  return current.trim() ? `${unsent}\n${current}` : unsent;
}
