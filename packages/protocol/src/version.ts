/**
 * Bumped whenever a change to events or payloads would break an older client. The server refuses a
 * socket whose client speaks another version with `PROTOCOL_OUTDATED`, and the client asks to reload.
 */
export const PROTOCOL_VERSION = 1;
