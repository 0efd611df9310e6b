// A module-level store: what holds `Session`s lives in this module's scope, not on window.
const sessions = new Map();

export function remember(session) {
  sessions.set(`session-${session.getTrackerSerial()}`, session);
}

export function forgetAll() {
  sessions.clear();
}
