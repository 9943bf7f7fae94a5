/**
 * Bumped whenever a change to events or payloads would break an older client. The server refuses a
 * socket whose client speaks another version with `PROTOCOL_OUTDATED`, and the client asks to reload.
 */
// 2: `media:ready` answers with the room's consumers instead of pushing them (an older client would miss them).
// 3: presence gains `meeting` (an older page would have no label for it).
// 4: cameras start with their lowest simulcast layer and grow on `media:senderLayers` (an older client would
//    send every layer, and a newer one facing an older server would never grow).
export const PROTOCOL_VERSION = 4;
